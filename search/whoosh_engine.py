"""The default engine: whoosh (pure Python)."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterable

from whoosh import fields, index, sorting
from whoosh import query as wq
from whoosh.searching import Searcher

from search.analysis import stemming_analyzer, words_analyzer
from search.base import IndexedPassage
from search.common import FACET_FIELDS, FILTER_FIELDS, EngineIndex, Ranked, passage_fields
from search.query import Request

WRITER_LOCK_TIMEOUT = 60.0  # seconds to wait for another process's writer
WRITER_LIMIT_MB = 128


def whoosh_schema() -> fields.Schema:
    """Stored: only what a hit renders (key, kind, title, text, date, committee, council,
    document, page, entities as JSON). Sortable columns serve sorting and facets."""
    stem = stemming_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True, sortable=True),
        document=fields.ID(stored=True),
        kind=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(analyzer=stem, stored=True),  # boosted by the query parser, as in tantivy
        text=fields.TEXT(analyzer=stem, stored=True),
        spell=fields.TEXT(analyzer=words_analyzer(), phrase=False),
        committee=fields.TEXT(analyzer=stem),
        committee_id=fields.ID(stored=True, sortable=True),
        council=fields.TEXT(analyzer=stem),
        council_id=fields.ID(stored=True),
        date=fields.STORED,
        day=fields.NUMERIC(int, bits=32, signed=False, sortable=True),
        year=fields.ID(sortable=True),
        page=fields.STORED,
        entity=fields.KEYWORD(commas=False, lowercase=False, scorable=False),
        entities=fields.STORED,
    )


class WhooshIndex(EngineIndex):
    """A whoosh index in a directory; one cached searcher per thread, refreshed on change."""

    engine = "whoosh"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(self.path)):
            self._ix = index.open_dir(str(self.path))
        else:
            self._ix = index.create_in(str(self.path), whoosh_schema())
        self._local = threading.local()

    # --- writing ---------------------------------------------------------------------
    def replace_documents(self, passages: dict[str, list[IndexedPassage]]) -> None:
        """Replace every passage of each named document with the given ones: one writer, one commit."""
        writer = self._ix.writer(timeout=WRITER_LOCK_TIMEOUT, limitmb=WRITER_LIMIT_MB)
        try:
            for document, items in passages.items():
                writer.delete_by_term("document", document)
                for p in items:
                    if p.document != document:
                        raise ValueError(f"passage {p.key!r} belongs to {p.document!r}, not {document!r}")
                    values = passage_fields(p)
                    values["entity"] = " ".join(values["entity"])
                    writer.add_document(**values)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def remove_documents(self, documents: Iterable[str]) -> None:
        """Remove every passage of the named documents (one commit)."""
        self.replace_documents({d: [] for d in documents})

    # --- reading ---------------------------------------------------------------------
    def _searcher(self) -> Searcher:
        """This thread's searcher, refreshed when a commit happened (a cheap TOC check)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._ix.searcher()
        elif not searcher.up_to_date():
            # Not searcher.refresh(): it reuses segment readers whose deletions are stale (a
            # replaced passage stays visible) and fails on an empty index's reader.
            searcher.close()
            searcher = self._ix.searcher()
        self._local.searcher = searcher
        return searcher

    def documents(self) -> dict[str, int]:
        """Document name -> number of passages in the index (deleted passages excluded)."""
        reader = self._searcher().reader()
        counts: dict[str, int] = {}
        for term in reader.field_terms("document"):
            n = sum(1 for _ in reader.postings("document", term).all_ids())
            if n:
                counts[term] = n
        return counts

    def count(self) -> int:
        """Number of passages."""
        return self._searcher().doc_count()

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    # --- engine primitives ------------------------------------------------------------
    def _compile(self, request: Request) -> tuple[wq.Query, wq.Query | None]:
        q = request.query
        filters: list[wq.Query] = []
        for name, field in FILTER_FIELDS.items():
            value = getattr(q, name)
            if value:
                filters.append(wq.Term(field, value))
        if request.day_from or request.day_to:
            # Undated passages are stored as day 0; a date filter never matches them.
            filters.append(wq.NumericRange("day", request.day_from or 1, request.day_to))
        return request.parsed.tree, (wq.And(filters) if filters else None)

    def _ranked(self, compiled, sort: str, n: int, with_facets: bool = False):
        tree, filter_query = compiled
        searcher = self._searcher()
        kwargs: dict[str, Any] = {"limit": n, "filter": filter_query}
        if sort in ("date", "-date"):
            kwargs.update(sortedby="day", reverse=sort == "-date")
        elif sort == "key":
            kwargs.update(sortedby="key")
        if with_facets:
            kwargs["groupedby"] = {name: sorting.FieldFacet(field, maptype=sorting.Count)
                                   for name, field in FACET_FIELDS.items()}
        # optimize=False: whoosh's block-quality skipping hangs on prefix queries (pitfalls note).
        results = searcher.search(tree, optimize=False, **kwargs)
        days = searcher.reader().column_reader("day") if sort in ("date", "-date") else None
        rows: list[Ranked] = []
        for docnum, score in results.items():
            stored = searcher.stored_fields(docnum)
            if sort == "relevance":
                order: Any = -score
            elif sort == "key":
                order = stored["key"]
            else:
                order = int(days[docnum]) * (-1 if sort == "-date" else 1)
            rows.append(Ranked(order, stored["key"], docnum, score if sort == "relevance" else 0.0))
        facets = None
        if with_facets:
            facets = {name: {str(v): c for v, c in results.groups(name).items() if v not in ("", None, b"")}
                      for name in FACET_FIELDS}
        return rows, len(results), facets

    def _stored(self, address: int) -> dict[str, Any]:
        return self._searcher().stored_fields(address)

    def _vocabulary(self, prefix: str) -> Iterable[tuple[str, int]]:
        reader = self._searcher().reader()
        for term, info in reader.iter_prefix("spell", prefix):
            yield (term.decode("utf-8") if isinstance(term, bytes) else term), info.doc_frequency()
