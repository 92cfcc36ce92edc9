"""The list questions in-process, on a kept data dir: inspections, meetings and people, unfiltered
and filtered, first page and after (what a server keeps per data generation counts from the
second call on). Prints one line per question: milliseconds of the first call and the median of
the repeats, and how many items match.

usage: python bench/lists.py DATA [--engine whoosh] [--inspector NAME] [--repeats 3] [--only TEXT ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import pick_targets, settings_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--engine", default="whoosh", choices=["whoosh", "tantivy"])
    parser.add_argument("--inspector", help="lead inspector to ask for (default: the busiest, by pick_targets)")
    parser.add_argument("--repeats", type=int, default=3, help="calls after the first (0: the first only)")
    parser.add_argument("--only", nargs="+", default=[], help="ask only the questions whose name holds one of these")
    args = parser.parse_args()

    from councilgraph.data import DataDir
    from graph import queries as Q

    inspector = args.inspector or pick_targets(args.data, args.engine)["inspector"]
    questions = [
        ("inspections, page 10", Q.inspections_page, {"limit": 10}),
        ("inspections, page 1000", Q.inspections_page, {"offset": 1000, "limit": 1000}),
        ("inspections by the inspector", Q.inspections_page, {"inspector": inspector}),
        ("inspections, grade outstanding, page 10", Q.inspections_page, {"grade": "outstanding", "limit": 10}),
        ("inspections, HMI, page 10", Q.inspections_page, {"hmi": True, "limit": 10}),
        ("inspections, monitoring visits, page 10", Q.inspections_page, {"type": "monitoring visit", "limit": 10}),
        ("inspections, grade good, not HMI, page 10", Q.inspections_page, {"grade": "good", "hmi": False, "limit": 10}),
        ("meetings, page 10", Q.meetings_page, {"limit": 10}),
        ("meetings, page 1000", Q.meetings_page, {"offset": 1000, "limit": 1000}),
        ("people, page 10", Q.people_page, {"limit": 10}),
        ("people, page 1000", Q.people_page, {"offset": 1000, "limit": 1000}),
        ("people, councillors, page 10", Q.people_page, {"role": "councillor", "limit": 10}),
        ("people, role chair, page 10", Q.people_page, {"role": "chair", "limit": 10}),
    ]
    questions = [q for q in questions if not args.only or any(text in q[0] for text in args.only)]
    store = DataDir(settings_for(args.data, args.engine)).open_graph()  # read-only, as a server opens it
    try:
        for name, question, kwargs in questions:
            t0 = time.perf_counter()
            total, _ = question(store, **kwargs)
            first = (time.perf_counter() - t0) * 1000
            repeats = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                question(store, **kwargs)
                repeats.append((time.perf_counter() - t0) * 1000)
            then = f"{statistics.median(repeats):10.1f} ms" if repeats else "         - ms"
            print(f"{name:42} first {first:10.1f} ms  then {then}  total {total:,}", flush=True)
    finally:
        store.close()


if __name__ == "__main__":
    main()
