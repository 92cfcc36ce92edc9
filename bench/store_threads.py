"""How the embedded store answers when several threads of one process ask it at once.

    python bench/store_threads.py DATA_DIR [--iri IRI] [--seconds 4]

An entity page's questions (`graph.queries.describe_entity`) and a bare one-pattern query, asked
back to back by 1, 2 and 8 threads for ``seconds`` each: answers per second altogether, free and
behind one lock (what the setting ``graph_concurrency=1`` does per request). pyoxigraph lets go of
the GIL inside each call; on two cores, threads taking it back in turn cost more than they overlap.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Callable

from councilgraph.data import DataDir
from councilgraph.settings import load_settings
from graph import queries


def answers_per_second(ask: Callable[[], object], threads: int, seconds: float, lock: threading.Lock | None) -> float:
    """How many times ``threads`` threads together called ``ask`` per second (each call under ``lock`` if given)."""
    stop, counts = time.perf_counter() + seconds, [0] * threads

    def work(k: int) -> None:
        while time.perf_counter() < stop:
            if lock is None:
                ask()
            else:
                with lock:
                    ask()
            counts[k] += 1

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return round(sum(counts) / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--iri", help="the entity (default: the first school of the kept inspections' order)")
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    store = DataDir(load_settings({"data_dir": args.data_dir})).open_graph()
    iri = args.iri or queries.inspections_page(store, limit=1)[1][0]["school"]["id"]
    asks = {"entity page": lambda: queries.describe_entity(store, iri),
            "one pattern": lambda: list(store._ox.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"))}
    results = {name: {f"{how}, {n} threads": answers_per_second(ask, n, args.seconds, lock)
                      for how, lock in (("free", None), ("one lock", threading.Lock())) for n in (1, 2, 8)}
               for name, ask in asks.items()}
    print(json.dumps({"iri": iri, "answers_per_second": results}, indent=1))


if __name__ == "__main__":
    main()
