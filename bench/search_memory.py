"""Warm search latency and peak RSS of one process serving a kept whoosh data dir.

usage: SRC=<source tree> python bench/search_memory.py <data dir>

Opens ``DataDir.open_index()`` from the tree at $SRC (default: this checkout), calls ``warm()``,
then for each query one cold search and 15 warm ones; prints their medians (ms), the time of
``warm()`` and VmRSS/VmHWM (MB) as one JSON line. Run it alternately on two trees to compare.
"""
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("SRC", str(Path(__file__).resolve().parents[1])))

from bench.run import process_memory_mb, settings_for  # noqa: E402
from councilgraph.data import DataDir  # noqa: E402
from search.base import SearchQuery  # noqa: E402

QUERIES = [("school improvement", {}), ('"school improvement"', {}),
           ("school", {"kind": "inspection", "date_from": "2000-01-01"}), ("budget", {}),
           ("council meeting", {"kind": "resolution"}), ("", {}), ("school", {"sort": "-date"})]


def main(data: str) -> None:
    index = DataDir(settings_for(Path(data), "whoosh")).open_index()
    t0 = time.perf_counter()
    index.warm()
    out: dict = {"warm_s": round(time.perf_counter() - t0, 2)}
    for q, filters in QUERIES:
        query = SearchQuery(q=q, **filters)
        index.search(query)  # cold
        times = []
        for _ in range(15):
            t0 = time.perf_counter()
            index.search(query)
            times.append((time.perf_counter() - t0) * 1000)
        out[f"{q!r} {filters}"] = round(statistics.median(times), 1)
    out.update({name: int(mb) for name, mb in process_memory_mb().items()})
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
