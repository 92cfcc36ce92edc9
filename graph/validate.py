"""SHACL validation of document graphs against shapes.ttl (pyshacl)."""
from __future__ import annotations

import functools
from pathlib import Path

from rdflib import Graph

SHAPES = Path(__file__).resolve().parent.parent / "shapes.ttl"


@functools.lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES)


def validate_graph(graph: Graph) -> tuple[bool, str]:
    """Whether ``graph`` conforms to shapes.ttl, and pyshacl's report text.

    The builder's graphs use rdflib's lightest store, which pyshacl cannot wrap; the triples are
    copied into a default graph first.
    """
    import pyshacl

    data = Graph()
    data += graph
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph(), ont_graph=None, inference="none")
    return bool(conforms), str(text)
