"""Full-text index of passages. Nothing outside this package imports a search engine.

`open_index(path, engine)` is the one entry point; `engine` comes from the `search_engine`
setting. Both engines implement `SearchIndex` (search/base.py) with the same query language,
fields, filters, facets, snippets and results.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from search.base import (  # noqa: F401
    EntityRef, IndexedPassage, SearchError, SearchHit, SearchIndex, SearchQuery, SearchResult,
)

ENGINES = ("whoosh", "tantivy")


def detect_engine(path: Path) -> str | None:
    """The engine that built the index at `path`, or None if there is none yet."""
    path = Path(path)
    if any(path.glob("_MAIN_*.toc")):
        return "whoosh"
    if (path / "meta.json").exists():
        return "tantivy"
    return None


def open_index(path: Path, engine: str = "whoosh") -> SearchIndex:
    """Open the index at `path` with `engine` (one of ENGINES), creating it if missing."""
    if engine not in ENGINES:
        raise ValueError(f"unknown search engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    found = detect_engine(path)
    if found and found != engine:
        raise ValueError(
            f"the index at {path} was built with {found}, not {engine}; set search_engine={found} "
            f"or rebuild the index into an empty directory"
        )
    if engine == "whoosh":
        from search.whoosh_engine import WhooshIndex
        return WhooshIndex(Path(path))
    from search.tantivy_engine import TantivyIndex
    return TantivyIndex(Path(path))


def prepare_passages(path: Path, engine: str, passages: dict[str, list[IndexedPassage]]) -> Any:
    """The engine's work for adding these passages, done wherever this runs (an ingest worker), for
    one later `SearchIndex.commit_prepared` in the process that owns the index.

    whoosh analyses the passages and writes them as a segment the index does not list yet (its
    pure-Python writer is most of whoosh's indexing time, so workers share it out); tantivy's writer
    is native and fast, so its passages are handed back as they are. The index at `path` must exist.
    """
    if engine == "whoosh":
        from search.whoosh_engine import write_segment
        return write_segment(Path(path), passages)
    if engine == "tantivy":
        return passages
    raise ValueError(f"unknown search engine {engine!r}; choose one of: {', '.join(ENGINES)}")
