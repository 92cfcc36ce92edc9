"""Where one tantivy keyword search's time goes, in-process on a kept data dir: the ranking with
and without the exact count, the facet pass (whole and per facet), both side by side as the engine
runs them, and the page's stored hits and snippets. Median of N calls each, milliseconds.

usage: python bench/search_parts.py DATA_DIR [--query "school improvement"] [--repeat 100]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import timed_repeat  # noqa: E402


def median_ms(call: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``call`` over ``repeat`` runs after one warm-up, in ms."""
    return round(statistics.median(timed_repeat(call, count=repeat, seconds=float("inf"))), 3)


def search_parts(data_dir: Path, query: str, repeat: int) -> dict[str, object]:
    """The figures above for ``query`` on the tantivy index of ``data_dir``."""
    from search import open_index
    from search.base import SearchQuery
    from search.query import highlight_terms, validate
    from search.tantivy_engine import _FACET_AGGREGATION

    if not (data_dir / "index" / "meta.json").exists():  # open_index would make an empty one
        raise SystemExit(f"{data_dir} holds no tantivy index (no index/meta.json)")
    index = open_index(data_dir / "index", "tantivy")
    request = validate(SearchQuery(q=query))
    compiled = index._compile(request)
    searcher = index._searcher()
    rows = index._ranked(compiled, "relevance", 11)[0]
    words = highlight_terms(request.parsed.tree)
    parts: dict[str, object] = {
        "query": query, "passages": searcher.num_docs, "segments": searcher.num_segments,
        "matches": searcher.search(compiled, limit=1, count=True).count,
        "whole search (SearchIndex.search)": median_ms(lambda: index.search(SearchQuery(q=query)), repeat),
        "rank top 11, no count": median_ms(lambda: searcher.search(compiled, limit=11, count=False), repeat),
        "rank top 11, exact count": median_ms(lambda: searcher.search(compiled, limit=11, count=True), repeat),
        "facet pass, all facets": median_ms(lambda: searcher.aggregate(compiled, _FACET_AGGREGATION), repeat),
    }
    for name, aggregation in _FACET_AGGREGATION.items():
        parts[f"facet pass, {name} alone"] = median_ms(lambda: searcher.aggregate(compiled, {name: aggregation}), repeat)
    parts["ranking and facets side by side"] = median_ms(
        lambda: index._ranked(compiled, "relevance", 11, with_facets=True), repeat)
    parts["10 hits: stored fields and snippets"] = median_ms(lambda: [index._hit(r, words) for r in rows[:10]], repeat)
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--query", default="school improvement")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(search_parts(args.data, args.query, args.repeat), indent=1))


if __name__ == "__main__":
    main()
