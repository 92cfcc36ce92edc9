"""One `councilgraph serve` on a kept data dir, as many processes as asked: how long until ready,
the peak RSS of every process it runs, and requests/s at 16 connections (no response cache).

usage: python bench/serve_processes.py DATA --workers 2 [--seconds 8] [--inspector NAME --school IRI]

For comparing one server process with several on the same data (run it once with ``--workers 1``
and once with ``--workers 2``, back to back). Without ``--inspector`` and ``--school`` the busiest
inspector and their first school are picked from the store, as `bench/run.py` does. Prints one
JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.http_load import run_load  # noqa: E402
from bench.run import child_pids, free_port, pick_targets, process_memory_mb, start_server  # noqa: E402


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (gunicorn's workers, each one's SPARQL workers)."""
    found = [pid]
    for child in child_pids(pid):
        found += process_tree(child)
    return found


def proportional_mb(pid: int) -> int:
    """The process's share of the memory it maps (Pss): pages shared with others counted once
    across them, where summing VmRSS or VmHWM counts them in every process."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def tree_memory(pid: int) -> list[dict]:
    """VmHWM, VmRSS and Pss (MB) and the command line of each process in the tree."""
    rows = []
    for each in process_tree(pid):
        try:
            command = Path(f"/proc/{each}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            rows.append({"pid": each, **{k: round(v) for k, v in process_memory_mb(each).items()},
                         "Pss": proportional_mb(each), "command": command[:120]})
        except OSError:  # ended between listing and reading
            pass
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--workers", type=int, default=1, help="setting workers (1: waitress; more: gunicorn)")
    parser.add_argument("--engine", default="tantivy", choices=["whoosh", "tantivy"])
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each concurrency figure")
    parser.add_argument("--inspector")
    parser.add_argument("--school")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds the server may take to be ready")
    args = parser.parse_args()

    targets = {"inspector": args.inspector, "school": args.school}
    if not (args.inspector and args.school):
        targets = pick_targets(args.data, args.engine)
    os.environ["COUNCILGRAPH_WORKERS"] = str(args.workers)
    port = free_port()
    log = Path(f"/tmp/councilgraph-serve-{port}.log")
    server = start_server(args.data, args.engine, port, log, cache_mb=0, timeout=args.timeout)
    out: dict = {"workers": args.workers, "ready_s": server.ready_s, "inspector": targets["inspector"],
                 "school": targets["school"], "log": str(log), "load": {}}
    base = f"http://127.0.0.1:{port}"
    paths = {"healthz": "/healthz", "entity": "/api/entity?id=" + quote(targets["school"], safe=""),
             "inspections": "/api/inspections?inspector=" + quote(targets["inspector"]),
             "sparql": "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/School> }")}
    try:
        for name, path in paths.items():
            run_load(base, [path], connections=4, seconds=1)  # every process has answered it once
            result = run_load(base, [path], connections=16, seconds=args.seconds)
            out["load"][name] = {k: result.summary()[k] for k in ("rps", "p50_ms", "p99_ms", "count", "errors")}
        out["processes"] = tree_memory(server.pid)
        out["peak_rss_mb_total"] = sum(p.get("VmHWM", 0) for p in out["processes"])
        out["pss_mb_total"] = sum(p["Pss"] for p in out["processes"])
    finally:
        server.terminate()
        server.wait(60)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
