"""Full-text index of passages. Nothing outside this package imports a search engine."""
from search.base import (  # noqa: F401
    EntityRef, IndexedPassage, SearchError, SearchHit, SearchIndex, SearchQuery, SearchResult,
)
