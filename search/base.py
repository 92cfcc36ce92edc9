"""The one interface every full-text engine implements; nothing outside `search/` imports an engine.

Passages are the unit of search: a resolution, an agenda item, a report section, an
inspection row... Each carries the IRIs of the graph entities it is about, so a hit
points at the meeting, committee, people and schools involved.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol


class SearchError(Exception):
    """A bad search request (e.g. an invalid filter value); the message is safe to show a user."""


@dataclass(frozen=True)
class EntityRef:
    id: str  # IRI
    label: str
    type: str  # short kind: person, school, meeting, committee, inspection, report, ...


@dataclass
class IndexedPassage:
    """One searchable passage. ``key`` is unique across the index (document name + ordinal)."""

    key: str
    document: str  # source file name
    kind: str  # resolution | decision | report | agenda_item | inspection | minutes | update | work_programme | ...
    title: str
    text: str
    page: int | None = None
    committee: str | None = None
    council: str | None = None
    date: str | None = None  # ISO day (or month/year) the passage is dated by, usually the meeting date
    entities: list[EntityRef] = field(default_factory=list)


@dataclass
class SearchQuery:
    q: str
    kind: str | None = None
    committee: str | None = None
    council: str | None = None
    entity: str | None = None  # IRI: only passages about this entity
    date_from: str | None = None  # ISO day, inclusive
    date_to: str | None = None  # ISO day, inclusive
    sort: str = "relevance"  # relevance | date | -date
    page: int = 1
    size: int = 10


@dataclass
class SearchHit:
    key: str
    kind: str
    title: str
    snippet: str  # HTML: matched words in <mark>, everything else escaped
    date: str | None
    committee: str | None
    council: str | None
    document: str
    page: int | None
    entities: list[EntityRef]
    score: float


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    size: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]  # kind / committee / year -> value -> count
    fallback: bool = False  # the query did not parse and was searched as plain words
    message: str | None = None  # what a user should be told (e.g. about the fallback)
    suggestion: str | None = None  # "did you mean", when nothing was found


class SearchIndex(Protocol):
    """What the pipeline, the server and the CLI need from a full-text engine."""

    def replace_documents(self, passages: dict[str, list[IndexedPassage]]) -> None:
        """Replace every passage of each named document with the given ones: one writer, one commit."""

    def commit_prepared(self, prepared: list[Any], documents: Iterable[str]) -> None:
        """One commit: every passage of `documents` goes, the passages of `prepared` come in.

        Each item of `prepared` comes from :func:`search.prepare_passages`, which may run in
        another process (an ingest worker). Nothing may commit to this index between the
        preparing and this call (the ingest's writer lock and its order of work see to it)."""

    def remove_documents(self, documents: Iterable[str]) -> None:
        """Remove every passage of the named documents (one commit)."""

    def documents(self) -> dict[str, int]:
        """Document name -> number of passages in the index."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; a malformed query string falls back to plain words, never raises for it."""

    def count(self) -> int:
        """Number of passages."""

    def warm(self) -> None:
        """Load what the first search would otherwise load (a server calls it when it opens the index)."""

    def close(self) -> None:
        ...
