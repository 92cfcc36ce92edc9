"""The long load test of issue 7: concurrent clients on a mix of requests while an ingest runs.

    python bench/load.py                       # 32 clients, 60 s, corpus + 40 scaled documents ingested meanwhile
    python bench/load.py --seconds 5 --clients 8 --extra 10 --no-append     # a short version

Builds a data dir from the sample corpus, starts ``councilgraph serve`` (waitress) on a loopback
port, then starts ``councilgraph ingest`` of ``--extra`` more (scaled) documents into the same
data dir in another process and, at the same time, runs ``--clients`` keep-alive connections for
``--seconds`` on a mix of keyword search, inspections by inspector, entity pages, meeting pages
and SPARQL SELECT. Any 5xx, broken connection or timeout is an error; the answer must be zero.
Results (errors, p50/p99 overall and per kind, whether the server saw the new generation) are
appended to docs/benchmarks.md with the command.

``run_load(data_dir, seconds, clients)`` does the load part against an existing data dir, so a
test can call a short version.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
DOC = ROOT / "docs" / "benchmarks.md"


def request_mix(data_dir: Path, engine: str = "whoosh") -> list[tuple[str, str]]:
    """(kind, path) pairs built from what the data dir holds: inspectors, schools, meetings, words."""
    from bench.run import inspector_sparql, pick_targets

    targets = pick_targets(Path(data_dir), engine)
    q = urllib.parse.quote
    mix = [
        ("search", "/api/search?q=school+improvement"),
        ("search", "/api/search?" + urllib.parse.urlencode({"q": '"school improvement"'})),
        ("search", "/api/search?q=attendance&kind=inspection"),
        ("inspections", "/api/inspections?inspector=" + q(targets["inspector"])),
        ("inspections", "/api/inspections?grade=Good"),
        ("sparql", "/sparql?query=" + q(inspector_sparql(targets["inspector"]), safe="")),
    ]
    if targets["school"]:
        mix.append(("entity", "/api/entity?id=" + q(targets["school"], safe="")))
    if targets["meeting"]:
        mix.append(("meeting", "/api/meetings/" + targets["meeting"]))
    return mix


def run_load(data_dir: str | Path, seconds: float = 60.0, clients: int = 32, *, engine: str = "whoosh",
             ingest_paths: list[str] | None = None, port: int | None = None) -> dict[str, Any]:
    """Serve ``data_dir`` and load it for ``seconds`` from ``clients`` connections; optionally ingest meanwhile.

    Returns a dict: errors, count, rps, p50/p99 overall and by kind, the ingest's exit code and
    seconds, and the generation /healthz reported before and after.
    """
    from bench.http_load import run_load as http_load
    from bench.run import free_port, start_server, stop_server

    data_dir = Path(data_dir)
    port = port or free_port()
    log = data_dir.parent / f"load-server-{port}.log"
    mix = request_mix(data_dir, engine)
    server = start_server(data_dir, engine, port, log)
    base = f"http://127.0.0.1:{port}"
    ingest = None
    out: dict[str, Any] = {"clients": clients, "seconds": seconds, "mix": sorted({k for k, _ in mix})}
    try:
        out["generation_before"] = _healthz(base).get("generation")
        if ingest_paths:
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            out["ingest_started"] = time.time()
            ingest = subprocess.Popen(
                [sys.executable, "-m", "councilgraph.cli", "ingest", *ingest_paths, "--data", str(data_dir),
                 "--engine", engine, "--json"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tally = http_load(base, mix, connections=clients, seconds=seconds, timeout=60)
        out.update(tally.summary())
        if ingest is not None:
            # The ingest may outlast the load; wait for it (bounded) so the data dir is whole.
            try:
                stdout, stderr = ingest.communicate(timeout=max(600, seconds * 10))
            except subprocess.TimeoutExpired:
                ingest.kill()
                stdout, stderr = ingest.communicate()
            out["ingest_exit"] = ingest.returncode
            out["ingest_s"] = round(time.time() - out.pop("ingest_started"), 1)
            out["ingest_finished_during_load"] = out["ingest_s"] <= seconds
            try:
                statuses = json.loads(stdout)["documents"]
                out["ingest_documents"] = f"{sum(statuses.values())} ({', '.join(f'{n} {k}' for k, n in statuses.items())})"
            except (ValueError, KeyError):
                out["ingest_stderr"] = stderr[-500:]
            time.sleep(1.5)
        health = _healthz(base)
        out["generation_after"] = health.get("generation")
        out["documents_after"] = health.get("documents")
    finally:
        if ingest is not None and ingest.poll() is None:
            ingest.kill()
            ingest.wait()
        out["server_peak_rss_mb"] = stop_server(server)
    return out


def _healthz(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
        return json.loads(response.read())


def render(result: dict[str, Any], command: str) -> str:
    lines = [f"## Load test of {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} (bench/load.py)", "",
             f"Command: `{command}`", "",
             f"{result['clients']} keep-alive connections for {result['seconds']:.0f} s on loopback against "
             f"`councilgraph serve` (waitress), mix: {', '.join(result['mix'])}; meanwhile an ingest of "
             f"{result.get('ingest_documents', '?')} more documents ran into the same data dir "
             f"(exit {result.get('ingest_exit')}, {result.get('ingest_s')} s"
             f"{', finished during the load' if result.get('ingest_finished_during_load') else ', still running when the load ended'}; "
             f"server generation {result.get('generation_before')} → {result.get('generation_after')}, "
             f"{result.get('documents_after')} documents after).", "",
             f"**{result['errors']} errors** (5xx, broken connections, timeouts), {result['client_errors']} 4xx, "
             f"{result['count']} requests, {result['rps']} req/s, p50 {result['p50_ms']} ms, **p99 {result['p99_ms']} ms**; "
             f"server peak RSS {result.get('server_peak_rss_mb') or 0:.0f} MB.", "",
             "| kind | requests | p50 ms | p99 ms |", "|---|---|---|---|"]
    for kind, r in result.get("by_kind", {}).items():
        lines.append(f"| {kind} | {r['count']} | {r['p50_ms']} | {r['p99_ms']} |")
    if result.get("error_samples"):
        lines += ["", "Error samples: " + "; ".join(f"`{e}`" for e in result["error_samples"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    from bench.scale import scale_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--extra", type=int, default=40, help="scaled documents ingested during the load")
    parser.add_argument("--engine", choices=["whoosh", "tantivy"], default="whoosh")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "load")
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    data = args.workdir / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "councilgraph.cli", "ingest", str(CORPUS), "--data", str(data),
                    "--engine", args.engine], cwd=ROOT, env=env, check=True, capture_output=True)
    extra = args.workdir / "extra"
    scale_corpus(args.extra, extra, seed=11)
    result = run_load(data, args.seconds, args.clients, engine=args.engine, ingest_paths=[str(extra)])
    command = "python bench/load.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    text = render(result, command)
    (args.workdir / "result.json").write_text(json.dumps(result, indent=1))
    if not args.no_append:
        with open(DOC, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)
    print(text)
    sys.exit(0 if result["errors"] == 0 and result.get("ingest_exit", 0) == 0 else 1)


if __name__ == "__main__":
    main()
