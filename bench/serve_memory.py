"""Memory of `councilgraph serve` under load: 16 connections of keyword searches, then a mix of
sorts, filters, empty queries and misspellings; the server's VmRSS and VmHWM (MB) after each phase.

usage: python bench/serve_memory.py DATA [--engine whoosh] [--seconds 30] [--set NAME=VALUE ...]

The response cache is off (``response_cache_mb=0``) so every request reaches the engine; ``--set``
passes other settings to the server (e.g. ``--set search_concurrency=8``). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.http_load import percentile, run_load  # noqa: E402
from bench.run import SEARCHES, free_port, process_memory_mb, start_server, stop_server  # noqa: E402

MIX = [{"q": "school", "sort": "date"}, {"q": "school", "sort": "-date", "page": "3"}, {"q": ""},
       {"q": "", "kind": "inspection", "page": "5"}, {"q": "zzqqxx schol"}, {"q": "improvment"},
       {"q": "budget", "from": "2000-01-01", "to": "2010-12-31"}, {"q": "council meeting", "kind": "resolution"},
       {"q": "school NOT primary"}, {"q": "governors budget", "size": "50"}]


def memory(pid: int) -> dict[str, int]:
    return {name: int(mb) for name, mb in process_memory_mb(pid).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--engine", default="whoosh", choices=["whoosh", "tantivy"])
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each loaded phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a server setting")
    args = parser.parse_args()
    for item in args.set:
        name, _, value = item.partition("=")
        os.environ[f"COUNCILGRAPH_{name.upper()}"] = value
    terms = ["/api/search?" + urllib.parse.urlencode(p) for p in SEARCHES.values()]
    phases = {"keyword searches": terms, "mix": terms + ["/api/search?" + urllib.parse.urlencode(p) for p in MIX]}
    out: dict = {"data": str(args.data), "engine": args.engine, "settings": args.set, "connections": args.connections}
    port = free_port()
    t0 = time.perf_counter()
    proc = start_server(args.data, args.engine, port, args.data.parent / f"serve-memory-{port}.log", cache_mb=0)
    base = f"http://127.0.0.1:{port}"
    try:
        out["started"] = {"s": round(time.perf_counter() - t0, 1), **memory(proc.pid)}
        t0 = time.perf_counter()
        urllib.request.urlopen(base + terms[0], timeout=900).read()
        out["first search"] = {"s": round(time.perf_counter() - t0, 1), **memory(proc.pid)}
        for name, paths in phases.items():
            tally = run_load(base, paths, connections=args.connections, seconds=args.seconds, timeout=900)
            ms = tally.latencies_ms
            out[name] = {"requests": len(ms), "errors": tally.errors, "p50_ms": round(percentile(ms, 0.5)),
                         "p99_ms": round(percentile(ms, 0.99)), **memory(proc.pid)}
            print(name, out[name], file=sys.stderr, flush=True)
    finally:
        out["peak_rss_mb"] = round(stop_server(proc) or 0)
        out["loadavg"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
