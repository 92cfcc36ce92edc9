"""Facets of a kept order: which positions of an ordered list of records have a value.

The lists (`graph.queries`) keep, per read-only snapshot, every inspection and every person in
the order they are listed in. A facet maps each value of one property (a grade, an inspection
type, a role) to the sorted positions, in that order, of the records having it, as 4-byte
integers: a filter is then an intersection of sorted arrays and a page a slice of the result,
where asking the store for a filter that most records pass (an inspection led by an HMI, a grade)
joined and sorted hundreds of thousands of records per request.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np

NONE = np.empty(0, dtype=np.uint32)


def positions_by_value(order: Sequence[str], pairs: Iterable[tuple[str, Hashable]], *,
                       position: Mapping[str, int] | None = None) -> dict[Hashable, np.ndarray]:
    """Each value of ``pairs`` (record IRI, value) -> sorted distinct positions in ``order`` of
    the records having it. Records not in ``order`` are left out: the facet describes the list.
    ``position`` (IRI -> its position in ``order``), when given, saves working it out again."""
    if position is None:
        position = {iri: n for n, iri in enumerate(order)}
    found: dict[Hashable, list[int]] = defaultdict(list)
    for iri, value in pairs:
        n = position.get(iri)
        if n is not None:
            found[value].append(n)
    return {value: np.unique(np.asarray(ns, dtype=np.uint32)) for value, ns in found.items()}


def union(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """The sorted distinct positions in any of ``arrays``."""
    arrays = list(arrays)
    return np.unique(np.concatenate(arrays)) if arrays else NONE


def narrow(span: tuple[int, int], having: Iterable[np.ndarray] = (), lacking: Iterable[np.ndarray] = ()) -> np.ndarray:
    """The positions from ``span[0]`` up to ``span[1]`` that are in every array of ``having``
    and in none of ``lacking`` (each array sorted and distinct), in order."""
    lo, hi = span
    chosen: np.ndarray | None = None
    for positions in having:
        inside = positions[np.searchsorted(positions, lo):np.searchsorted(positions, hi)]
        chosen = inside if chosen is None else np.intersect1d(chosen, inside, assume_unique=True)
    if chosen is None:
        chosen = np.arange(lo, hi, dtype=np.uint32)
    for positions in lacking:
        chosen = np.setdiff1d(chosen, positions, assume_unique=True)
    return chosen
