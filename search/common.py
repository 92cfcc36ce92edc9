"""What both engines share: the document fields, the search flow, stable paging, hits.

An engine subclasses `EngineIndex` and supplies a handful of primitives (compile a query,
rank the first n matches, count and facet, read stored fields, list vocabulary); the flow,
paging, tie-breaking, snippets and suggestions live here so the engines cannot drift apart.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Iterable

from whoosh import query as wq

from search.analysis import day_number, year_of
from search.base import EntityRef, IndexedPassage, SearchHit, SearchQuery, SearchResult
from search.query import Request, highlight_terms, validate
from search.snippets import make_snippet
from search.suggest import suggest_query

FACETS = ("kind", "committee", "year")
FACET_FIELDS = {"kind": "kind", "committee": "committee_id", "year": "year"}  # facet -> index field
FILTER_FIELDS = {"kind": "kind", "committee": "committee_id", "council": "council_id", "entity": "entity"}


def passage_fields(p: IndexedPassage) -> dict[str, Any]:
    """The field values a passage is indexed with (same names in both engines)."""
    return {
        "key": p.key,
        "document": p.document,
        "kind": p.kind,
        "title": p.title or "",
        "text": p.text or "",
        "spell": f"{p.title or ''}\n{p.text or ''}",
        "committee": p.committee or "",
        "committee_id": p.committee or "",
        "council": p.council or "",
        "council_id": p.council or "",
        "date": p.date or "",
        "day": day_number(p.date),
        "year": year_of(p.date) or "",
        "page": p.page if p.page is not None else -1,
        "entity": sorted({e.id for e in p.entities}),
        # Stored compactly: one JSON array of [iri, label, type] triples.
        "entities": json.dumps([[e.id, e.label, e.type] for e in p.entities], ensure_ascii=False, separators=(",", ":")),
    }


@dataclass
class Ranked:
    """One match in engine order: `order` sorts ascending the way the engine ranked it.
    `key` may be None until it is needed to break a tie (see `EngineIndex._fill_keys`); an
    engine may give any value that sorts as its keys do (whoosh: the key's place in key order).
    `settled`: the engine already broke ties in a fixed order of its own (whoosh: by key;
    tantivy: by index order), so its first n rows are the first n of one total order and no
    tie group needs fetching whole."""

    order: Any
    key: str | None
    address: Any
    score: float
    settled: bool = False


class EngineIndex(ABC):
    """Base of both engines: implements `SearchIndex.search` over engine primitives."""

    engine: str = ""

    # --- engine primitives -------------------------------------------------------------
    @abstractmethod
    def _compile(self, request: Request) -> Any:
        """The engine query for the parsed tree AND the filters."""

    @abstractmethod
    def _ranked(self, compiled: Any, sort: str, n: int, with_facets: bool = False) -> tuple[list[Ranked], int, dict[str, dict[str, int]] | None]:
        """The first `n` matches in `sort` order (relevance, date, -date or key), the number
        of matches, and (when asked) facet counts over all of them. Rows need not carry
        their key: only rows that tie are given one, by `_fill_keys`."""

    def _fill_keys(self, rows: list[Ranked]) -> None:
        """Set `key` on rows that have none (engines override with something cheaper)."""
        for row in rows:
            if row.key is None:
                row.key = self._stored(row.address)["key"]

    @abstractmethod
    def _stored(self, address: Any) -> dict[str, Any]:
        """Stored fields of one match."""

    @abstractmethod
    def _vocabulary(self, prefix: str) -> Iterable[tuple[str, int]]:
        """Indexed words (unstemmed) starting with `prefix`, with document frequencies."""

    def warm(self) -> None:
        """Load what the first search would otherwise load (engines override); called when a server opens the index."""

    # --- shared flow -------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; a malformed query string falls back to plain words, never raises for it."""
        request = validate(query)
        parsed = request.parsed
        result = SearchResult(query=query.q, total=0, page=query.page, size=query.size, hits=[],
                              facets={name: {} for name in FACETS}, fallback=parsed.fallback, message=parsed.message)
        if parsed.tree is wq.NullQuery:
            return result
        compiled = self._compile(request)
        sort = query.sort
        if sort == "relevance" and isinstance(parsed.tree, wq.Every):
            sort = "key"  # every score ties on an empty query: list in key order, cheaply
        needed = request.offset + query.size
        # One row past the page shows whether the last row ties with matches beyond it.
        first, result.total, facets = self._ranked(compiled, sort, needed + 1, with_facets=True)
        result.facets = {name: facets.get(name, {}) for name in FACETS}
        if result.total == 0:
            if parsed.words:
                result.suggestion = suggest_query(parsed.words, self._vocabulary)
            return result
        rows = self._page(compiled, sort, request.offset, query.size, first, result.total)
        wanted = highlight_terms(parsed.tree)
        result.hits = [self._hit(row, wanted) for row in rows]
        return result

    def _page(self, compiled: Any, sort: str, offset: int, size: int, rows: list[Ranked], total: int) -> list[Ranked]:
        """Rows offset..offset+size in (engine order, key) order, stable across pages.

        Rows the engine settled are already in that order. Otherwise, when the row past the
        page ties with the page's last row the whole tie group is fetched (growing n) and ties
        are ordered by key. Keys are read only for rows that tie with a neighbour."""
        needed = offset + size
        if rows and rows[-1].settled:
            return rows[offset:needed]
        n = needed + 1
        while len(rows) == n and rows[-1].order == rows[needed - 1].order:
            n = min(n * 4, total + 1)
            rows = self._ranked(compiled, sort, n)[0]
        tied = [row for i, row in enumerate(rows) if row.key is None and (
            (i > 0 and rows[i - 1].order == row.order) or (i + 1 < len(rows) and rows[i + 1].order == row.order))]
        if tied:
            self._fill_keys(tied)
        rows.sort(key=lambda r: (r.order, "" if r.key is None else r.key))
        return rows[offset:needed]

    def _hit(self, row: Ranked, wanted) -> SearchHit:
        stored = self._stored(row.address)
        page = stored.get("page")
        return SearchHit(
            key=stored["key"],
            kind=stored["kind"],
            title=stored.get("title") or "",
            snippet=make_snippet(stored.get("text") or "", wanted),
            date=stored.get("date") or None,
            committee=stored.get("committee_id") or None,
            council=stored.get("council_id") or None,
            document=stored["document"],
            page=page if isinstance(page, int) and page >= 0 else None,
            entities=[EntityRef(*e) for e in json.loads(stored.get("entities") or "[]")],
            score=float(row.score),
        )


def group_passages(passages: Iterable[IndexedPassage]) -> dict[str, list[IndexedPassage]]:
    """Passages grouped by document name, for `replace_documents`."""
    grouped: dict[str, list[IndexedPassage]] = {}
    for p in passages:
        grouped.setdefault(p.document, []).append(p)
    return grouped
