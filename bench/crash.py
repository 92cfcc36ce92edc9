"""Kill `councilgraph ingest` with SIGKILL at random moments and check the data dir survives each time.

    python bench/crash.py --kills 20          # the long version; results appended to docs/benchmarks.md

After every kill: the store opens and answers a query, the index answers a search, every
document the manifest lists is in both the graph snapshot and the index, and the snapshot's
merged default graph is the union of its document graphs. After the last kill a
second ingest completes the job and graph, index and manifest agree exactly.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

FILLER = """PLANNING COMMITTEE

MEETING HELD AT THE CIVIC CENTRE, EXAMPLETON ON WEDNESDAY {day}TH MARCH, 2024

PRESENT: Councillor Rowe (in the Chair)

1. APPLICATION {n}

The Committee considered application number {n} for {topic}.

RESOLVED: That application {n} for {topic} be approved.
"""


def make_inputs(folder: Path, extra: int) -> Path:
    """The sample corpus plus `extra` small minutes, so an ingest run lasts long enough to be killed."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    for n in range(extra):
        (folder / f"planning-{n:04d}.txt").write_text(
            FILLER.format(day=10 + n % 18, n=n, topic=f"a garden room at plot {n}"), encoding="utf-8")
    return folder


def ingest_command(inputs: Path, data: Path) -> list[str]:
    return [sys.executable, "-m", "councilgraph.cli", "ingest", str(inputs), "--data", str(data)]


def check_consistent(data: Path, *, complete: bool) -> dict:
    """Open store and index as a reader would; the manifest's documents must be in both."""
    from councilgraph.data import DataDir
    from councilgraph.settings import load_settings
    from search import SearchQuery

    data_dir = DataDir(load_settings({"data_dir": str(data)}, environ={}))
    manifest = data_dir.manifest()
    store, index = data_dir.open_graph(), data_dir.open_index()
    try:
        wanted = set(manifest["documents"])
        graphs = store.graph_names()
        indexed = set(index.documents())
        count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        n_triples = int(next(iter(count))[0])
        index.search(SearchQuery(q="resolved"))
        missing_graph = [d for d in wanted if manifest["documents"][d]["graph"] not in graphs]
        missing_index = sorted(wanted - indexed)
        vouched = {d["graph"] for d in manifest["documents"].values()}
        unvouched = sorted(f"graph not in manifest: {g}" for g in graphs - vouched)
        # The merged default graph is exactly the union of the document graphs (graph/store.py):
        # a bulk load cut short by the kill must leave no triple behind once the next run reconciles.
        merged = set(store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
        union = set(store.select("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", union_default_graph=False))
        unmerged = [f"merged default graph differs from the union: {len(merged - union)} extra, "
                    f"{len(union - merged)} missing triples"] if merged != union else []
        problems = missing_graph + missing_index + unvouched + unmerged
        if complete:
            problems += sorted(indexed ^ wanted)
        return {"documents": len(wanted), "triples": n_triples, "problems": problems}
    finally:
        store.close()
        index.close()


def run_kill_cycles(kills: int, workdir: Path, *, extra: int = 40, seed: int = 1, max_delay: float = 4.0,
                    scaled: int = 0) -> list[dict]:
    """Kill ingest `kills` times at random moments, then let one run finish; one result dict per cycle.

    ``scaled`` > 0 ingests that many scaled documents (bench/scale.py) instead of the corpus and
    small fillers: batches of 200 real-size documents, with workers and bulk loads, so kills land
    inside them."""
    rng = random.Random(seed)
    if scaled:
        from bench.scale import scale_corpus

        inputs = workdir / "inputs"
        scale_corpus(scaled, inputs, seed=1)
    else:
        inputs = make_inputs(workdir / "inputs", extra)
    data = workdir / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results = []
    for cycle in range(kills):
        proc = subprocess.Popen(ingest_command(inputs, data), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.3, max_delay)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = check_consistent(data, complete=False)
        results.append({"cycle": cycle + 1, "killed_after_s": round(delay, 2), "finished_first": finished, **state})
        if finished:  # the job got done; start again from an empty data dir so later kills still land mid-run
            shutil.rmtree(data)
    proc = subprocess.run(ingest_command(inputs, data), cwd=ROOT, env=env, capture_output=True, text=True)
    final = check_consistent(data, complete=True)
    results.append({"cycle": "final", "exit": proc.returncode, **final})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--extra", type=int, default=40, help="extra small documents beside the corpus")
    parser.add_argument("--max-delay", type=float, default=4.0, help="kill after a random 0.3..MAX seconds")
    parser.add_argument("--scaled", type=int, default=0,
                        help="ingest this many scaled documents instead (batches with workers and bulk loads)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "crash")
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    t0 = time.time()
    results = run_kill_cycles(args.kills, args.workdir, extra=args.extra, max_delay=args.max_delay, scaled=args.scaled)
    ok = all(not r["problems"] for r in results) and results[-1]["exit"] == 0
    lines = [f"| {r['cycle']} | {r.get('killed_after_s', '')} | {'finished first' if r.get('finished_first') else ('killed' if 'killed_after_s' in r else '')} "
             f"| {r['documents']} | {r['triples']} | {'ok' if not r['problems'] else r['problems']} |"
             for r in results]
    print("| cycle | after (s) | ingest | documents in manifest | triples | check |\n|---|---|---|---|---|---|")
    print("\n".join(lines))
    print(f"\n{'PASS' if ok else 'FAIL'}: {args.kills} kills in {time.time() - t0:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
