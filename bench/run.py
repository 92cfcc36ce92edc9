"""The benchmark harness: ingest, queries over HTTP and concurrency at each corpus size, with baselines.

    python bench/run.py --docs 1000 10000 --engines whoosh tantivy     # results appended to docs/benchmarks.md
    python bench/run.py --docs 100 --engines whoosh --load-seconds 3 --no-append   # a quick look

For each size the sample corpus is scaled (bench/scale.py) once; for each size and engine, each
step runs in a fresh subprocess so its peak RSS is its own:

* ingest: ``councilgraph.pipeline.ingest_paths`` end to end (documents/s; read+clean, extract,
  graph, index seconds as the pipeline reports them), triples, passages, disk used, peak RSS.
  The passages the pipeline indexed are written to a JSONL file on the way (a wrapper around
  ``graph.passages.passages_for``), for the baselines.
* baselines, same run: the same passage texts indexed with whoosh's and tantivy's plain APIs
  (key, title, body; one writer, one commit), and the store's N-Quads (``Store.dump``) bulk-loaded
  into a fresh on-disk ``pyoxigraph.Store``. Ratios are ours / raw.
* queries: ``python -m councilgraph.cli serve`` (waitress, as deployed) on a loopback port;
  sequential p50/p99 over HTTP per question, ``/healthz`` as the framework floor, and the same
  question asked of the engine directly in-process (search index ``.search``,
  ``graph.queries``, a pyoxigraph query on the snapshot).
* concurrency: requests/s at 16 keep-alive connections (bench/http_load.py), ``--load-seconds`` each.

The sample corpus ingest from a cold start of the command (``councilgraph ingest`` on a fresh
data dir, median of 3 timed subprocesses) is measured once per run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
DOC = ROOT / "docs" / "benchmarks.md"

SLOW_MS = 2000  # questions slower than this sequentially get no concurrency figure
SEARCHES = {  # words of council papers in general, not of the sample documents
    "search_terms": {"q": "school improvement"},
    "search_phrase": {"q": '"school improvement"'},
    "search_filter": {"q": "school", "kind": "inspection", "from": "2000-01-01"},
}


# --- helpers ------------------------------------------------------------------------------------------

def peak_rss_mb() -> float:
    """This process's peak resident set (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_memory_mb(pid: int | str = "self") -> dict[str, float]:
    """A process's resident set now (``VmRSS``) and at its peak (``VmHWM``), in MB, from /proc."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def disk_usage(path: Path) -> dict[str, int]:
    """Bytes under path, in total and per top-level entry, each file once: snapshots are RocksDB
    checkpoints that hard-link the store's files, and counting every link made the 10k run's
    snapshots look like 13 GB where du saw 1.8 GB. An entry is charged only for the files no
    earlier entry (in name order, so graph/ before snapshots/) already holds."""
    out: dict[str, int] = {"total": 0}
    if not path.exists():
        return out
    seen: set[tuple[int, int]] = set()
    for entry in sorted(path.iterdir()):
        size = 0
        for p in ([entry] if entry.is_file() else entry.rglob("*")):
            st = p.stat()
            if p.is_file() and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                size += st.st_size
        out[entry.name] = size
        out["total"] += size
    return out


def percentiles(ms: list[float]) -> dict[str, float | None]:
    from bench.http_load import percentile

    return {"n": len(ms), "p50_ms": _r(percentile(ms, 0.5)), "p99_ms": _r(percentile(ms, 0.99))}


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def settings_for(data: Path, engine: str) -> dict[str, Any]:
    """The settings a step runs with: the environment's COUNCILGRAPH_* (as the servers the harness
    starts get them, and recorded by :func:`machine`), then the step's data dir and engine."""
    from councilgraph.settings import load_settings

    return load_settings({"data_dir": str(data), "search_engine": engine})


def settings_from_environment() -> dict[str, str]:
    """The COUNCILGRAPH_* variables a run was given: its figures hold for these settings."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("COUNCILGRAPH_")}


def child(mode: str, *args: str, timeout: float = 7200) -> dict[str, Any]:
    """Run one step in a fresh interpreter; it prints one JSON line last."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"step {mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def timed_repeat(fn: Callable[[], Any], *, count: int, seconds: float, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out: list[float] = []
    stop = time.perf_counter() + seconds
    while len(out) < count and time.perf_counter() < stop:
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


# --- child steps ------------------------------------------------------------------------------------------

def step_ingest(docs: str, data: str, engine: str, passages_out: str, progress_path: str) -> dict[str, Any]:
    """Ingest ``docs`` into ``data``. The run's progress is written to ``progress_path`` after every
    durable batch, so a run stopped part way (timeout, kill, end of a session) can be resumed by
    running this again on the same data dir: known documents are skipped, and the figures are the
    sums over the parts, each part counting its time up to its last durable batch."""
    from councilgraph.pipeline import discover, ingest_paths

    progress_file = Path(progress_path)
    earlier = json.loads(progress_file.read_text())["parts"] if progress_file.is_file() else []
    part: dict[str, Any] = {"started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                            "commit": _commit(), "written": 0, "wall_s": 0.0, "phases_s": {}, "peak_rss_mb": 0.0}
    files, _ = discover([docs])
    t0 = time.perf_counter()

    def batch_written(report) -> None:  # noqa: ANN001
        part.update(written=report.written, wall_s=time.perf_counter() - t0, phases_s=dict(report.seconds),
                    peak_rss_mb=peak_rss_mb())
        _write_atomically(progress_file, {"parts": earlier + [part]})

    report = ingest_paths([docs], settings_for(Path(data), engine), batch_written=batch_written)
    batch_written(report)  # the whole part, with the run's last steps after its last batch
    parts = earlier + [part]
    wall = sum(p["wall_s"] for p in parts)
    phases: dict[str, float] = {}
    for p in parts:
        for phase, seconds in p["phases_s"].items():
            phases[phase] = phases.get(phase, 0.0) + seconds
    phases["wall"] = wall
    # The raw baselines index the passages the index now holds (workers prepare them, and with
    # whoosh they reach the index as segments, never as passages in this process).
    with open(passages_out, "w", encoding="utf-8") as fh:
        for row in indexed_passages(Path(data) / "index", engine):
            fh.write(json.dumps(row) + "\n")
    return {
        "documents": len(files), "statuses": report.by_status(), "wall_s": wall,
        "docs_per_s": len(files) / wall if wall else None,
        "phases_s": phases, "triples": report.triples, "passages": report.passages,
        "peak_rss_mb": max(p["peak_rss_mb"] for p in parts), "disk": disk_usage(Path(data)),
        "failed": [(o.name, o.reason) for o in report.failed][:5],
        **({"parts": parts} if len(parts) > 1 else {}),
    }


def _write_atomically(path: Path, value: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=1))
    tmp.replace(path)


def indexed_passages(path: Path, engine: str) -> Iterator[dict[str, str]]:
    """key, title and text of every live passage of the index at `path`."""
    if engine == "whoosh":
        from whoosh.filedb.filestore import FileStorage

        with FileStorage(str(path), supports_mmap=False).open_index().searcher() as searcher:
            for fields in searcher.reader().all_stored_fields():
                yield {"key": fields["key"], "title": fields.get("title", ""), "text": fields.get("text", "")}
        return
    import tantivy

    index = tantivy.Index.open(str(path))
    searcher = index.searcher()
    for _, address in searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs)).hits:
        doc = searcher.doc(address)
        yield {"key": doc.get_first("key"), "title": doc.get_first("title") or "", "text": doc.get_first("text") or ""}


def _iter_passages(path: str) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _index_raw(passages: str, add: Callable[[dict[str, str]], None], finish: Callable[[], None]) -> tuple[int, float]:
    """Feed every passage to ``add`` then call ``finish``; the seconds spent in those two only.

    Passages are streamed (at 100,000 documents the file holds 6.9M of them, and a list of
    them took more memory than the machine has room for beside the store) and their JSON
    decoding stays out of the timing, as it is not the engine's work."""
    rows, seconds = 0, 0.0
    for row in _iter_passages(passages):
        t0 = time.perf_counter()
        add(row)
        seconds += time.perf_counter() - t0
        rows += 1
    t0 = time.perf_counter()
    finish()
    return rows, seconds + time.perf_counter() - t0


def step_raw_whoosh(passages: str, target: str) -> dict[str, Any]:
    from whoosh import index as windex
    from whoosh.fields import ID, TEXT, Schema

    shutil.rmtree(target, ignore_errors=True)
    Path(target).mkdir(parents=True)
    t0 = time.perf_counter()
    ix = windex.create_in(target, Schema(key=ID(stored=True, unique=True), title=TEXT(stored=True),
                                         body=TEXT(stored=True)))
    writer = ix.writer()
    opened = time.perf_counter() - t0
    rows, seconds = _index_raw(
        passages, lambda row: writer.add_document(key=row["key"], title=row["title"], body=row["text"]),
        writer.commit)
    return {"passages": rows, "seconds": opened + seconds, "peak_rss_mb": peak_rss_mb(),
            "disk": disk_usage(Path(target))["total"]}


def step_raw_tantivy(passages: str, target: str) -> dict[str, Any]:
    import tantivy

    shutil.rmtree(target, ignore_errors=True)
    Path(target).mkdir(parents=True)
    t0 = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("body", stored=True)
    index = tantivy.Index(builder.build(), path=target)
    writer = index.writer()
    opened = time.perf_counter() - t0

    def finish() -> None:
        writer.commit()
        writer.wait_merging_threads()

    rows, seconds = _index_raw(
        passages, lambda row: writer.add_document(tantivy.Document(key=row["key"], title=row["title"], body=row["text"])),
        finish)
    return {"passages": rows, "seconds": opened + seconds, "peak_rss_mb": peak_rss_mb(),
            "disk": disk_usage(Path(target))["total"]}


def snapshot_path(data: Path) -> Path:
    manifest = json.loads((data / "manifest.json").read_text())
    return data / manifest["snapshot"]


def step_raw_oxigraph(data: str, target: str) -> dict[str, Any]:
    """The store's quads, dumped as N-Quads to a file, then bulk-loaded from it into a fresh store
    (a file, not a string: at 100,000 documents the dump is tens of GB)."""
    import pyoxigraph

    dump = Path(target + ".nq")
    t0 = time.perf_counter()
    source = pyoxigraph.Store.read_only(str(snapshot_path(Path(data))))
    with open(dump, "wb") as fh:
        source.dump(fh, format=pyoxigraph.RdfFormat.N_QUADS)
    dump_s = time.perf_counter() - t0
    del source
    shutil.rmtree(target, ignore_errors=True)
    try:
        t0 = time.perf_counter()
        store = pyoxigraph.Store(target)
        store.bulk_load(path=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()
        seconds = time.perf_counter() - t0
        quads = len(store)
        del store
        nquads_mb = dump.stat().st_size / 1e6
    finally:
        dump.unlink(missing_ok=True)
    return {"quads": quads, "nquads_mb": nquads_mb, "dump_s": dump_s, "seconds": seconds,
            "peak_rss_mb": peak_rss_mb(), "disk": disk_usage(Path(target))["total"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, engine: str, port: int, log: Path, cache_mb: float | None = None,
                 timeout: float = 900) -> subprocess.Popen:
    """`councilgraph serve` (waitress) in its own process; returns once /healthz says ``ready``
    (the data open and the lists warm), so that no measurement shares the cores with the warm-up
    thread. ``proc.ready_s`` is how long that took from the start. ``cache_mb`` sets
    response_cache_mb (None: the default; 0: no response cache)."""
    cmd = [sys.executable, "-m", "councilgraph.cli", "serve", "--data", str(data), "--engine", engine,
           "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if cache_mb is not None:
        env["COUNCILGRAPH_RESPONSE_CACHE_MB"] = str(cache_mb)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline, ready_in_a_row = time.time() + timeout, 0
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                ready = response.status == 200 and json.loads(response.read()).get("ready", True)
        except OSError:
            ready = False
        # Each worker process (setting workers) warms its own copy: several answers in a row,
        # each on a new connection, so that every worker has likely answered ready.
        ready_in_a_row = ready_in_a_row + 1 if ready else 0
        if ready_in_a_row >= 4:
            proc.ready_s = round(time.perf_counter() - started, 2)  # type: ignore[attr-defined]
            return proc
        time.sleep(0.05 if ready else 0.3)
    proc.terminate()
    raise RuntimeError(f"server was not ready within {timeout:.0f} s; see {log}")


def server_processes() -> int:
    """Processes `councilgraph serve` runs with the settings the harness's servers get (the environment's)."""
    from councilgraph.settings import load_settings, worker_count

    return worker_count(load_settings())


def child_pids(pid: int) -> list[int]:
    """The processes ``pid`` started (from /proc, each of its threads' children)."""
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def stop_server(proc: subprocess.Popen) -> float | None:
    """Stop the server we started; returns its peak RSS (VmHWM) in MB: with worker processes
    (setting workers above 1, gunicorn), the sum of the master's and each worker's. A process's
    SPARQL workers are not counted, as they were not before."""
    try:
        pids = [proc.pid]
        if server_processes() > 1:
            pids += child_pids(proc.pid)
        peak = sum(process_memory_mb(pid).get("VmHWM", 0.0) for pid in pids)
    except OSError:
        peak = None
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return peak


_WARM_REPORT = re.compile(r"lists warm \((.+)\) in ([\d.]+) s")


def warm_reports(log: Path) -> list[str]:
    """How each server process warmed its lists, as its log says (`web.resources._warm`): read
    from the snapshot's kept file, or worked out (by a child process, with the child's peak RSS,
    which the server's own peak does not include)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [f"{how} ({float(secs):.1f} s)" for how, secs in _WARM_REPORT.findall(text)]


def pick_targets(data: Path, engine: str) -> dict[str, Any]:
    """Query parameters taken from the data itself: the busiest inspector, a meeting, a school.

    By aggregates in the store, not by listing every inspection and meeting (at 100,000 documents
    that is a million inspections read fact by fact before the first request)."""
    from councilgraph.data import DataDir
    from graph.iris import meeting_key
    from graph.queries import _iri, _rows, meetings_page

    store = DataDir(settings_for(data, engine)).open_graph()
    try:
        # Counted over the lead associations alone: joined with the inspections and names it
        # took 7.8 s at 10,000 documents, this 2.9; the first school by date took 24 s (an ORDER BY
        # over every inspection), so the school is the busiest inspector's first by IRI.
        busiest = _rows(store, """SELECT ?p (COUNT(?a) AS ?n) WHERE {
            ?a prov:hadRole cg:LeadInspector ; prov:agent ?p } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1""")
        inspections = _rows(store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a cg:Inspection }")[0]["n"]
        first, name = [], []
        if busiest:
            lead = _iri(busiest[0]["p"])
            name = _rows(store, f"SELECT (MIN(STR(?name)) AS ?name) WHERE {{ {lead} foaf:name ?name }}")
            first = _rows(store, f"""SELECT ?school WHERE {{ ?a prov:agent {lead} ; prov:hadRole cg:LeadInspector .
                ?i prov:qualifiedAssociation ?a ; cg:school ?school }} ORDER BY STR(?school) LIMIT 1""")
        meetings, _ = meetings_page(store, limit=0)
        middle = meetings_page(store, offset=meetings // 2, limit=1)[1]
    finally:
        store.close()
    inspector = name[0]["name"] if name and name[0].get("name") else "Smith"
    return {"inspector": inspector, "inspector_inspections": int(busiest[0]["n"]) if busiest else 0,
            "school": first[0]["school"] if first else None, "meeting": meeting_key(middle[0]["id"]) if middle else None,
            "committee": middle[0]["committee"]["id"] if middle else None,
            "inspections": int(inspections), "meetings": int(meetings)}


def inspector_sparql(name: str) -> str:
    """Schools graded by an inspector, with the name bound in the triple pattern (not a FILTER)."""
    from graph.vocab import PREFIXES

    header = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("cg", "prov", "foaf", "rdfs", "skos"))
    return header + f"""SELECT ?school ?name ?grade WHERE {{
  ?inspector foaf:name {json.dumps(name)} .
  ?i prov:qualifiedAssociation [ prov:agent ?inspector ] ; cg:school ?school .
  ?school rdfs:label ?name .
  OPTIONAL {{ ?i cg:grade/skos:prefLabel ?grade }}
}}"""


def step_queries(data: str, engine: str, count: str, seconds: str, load_seconds: str, server_log: str) -> dict[str, Any]:
    import pyoxigraph

    from bench.http_load import run_load
    from councilgraph.data import DataDir
    from graph import network, queries
    from search import SearchQuery

    data_path, n, per, load_s = Path(data), int(count), float(seconds), float(load_seconds)
    targets = pick_targets(data_path, engine)
    sparql = inspector_sparql(targets["inspector"])
    q = urllib.parse.quote
    http_paths: dict[str, str] = {"healthz": "/healthz"}
    for name, params in SEARCHES.items():
        http_paths[name] = "/api/search?" + urllib.parse.urlencode(params)
    http_paths["inspections"] = "/api/inspections?inspector=" + q(targets["inspector"])
    if targets["meeting"]:
        http_paths["meeting"] = "/api/meetings/" + targets["meeting"]
    if targets["school"]:
        http_paths["entity"] = "/api/entity?id=" + q(targets["school"], safe="")
        # Routes that once read the whole store per request (2026-12-03): kept in the run so a
        # regression shows.
        http_paths["neighbours"] = "/api/graph/neighbours?depth=2&id=" + q(targets["school"], safe="")
    if targets.get("committee"):
        http_paths["committee_page"] = "/entity?id=" + q(targets["committee"], safe="")
    http_paths["sparql"] = "/sparql?query=" + q(sparql, safe="")

    results: dict[str, Any] = {"targets": targets, "http": {}, "first": {}, "direct": {}, "concurrency": {},
                               "server_peak_rss_mb": {}}
    # Twice: without the response cache (every request runs its query: the engines' cost through
    # HTTP), then as deployed, with it (a repeated question is replayed from memory).
    for mode, cache_mb in (("no cache", 0.0), ("cache", None)):
        port = free_port()
        server = start_server(data_path, engine, port, Path(server_log), cache_mb=cache_mb)
        results.setdefault("server_ready_s", {})[mode] = server.ready_s
        base = f"http://127.0.0.1:{port}"
        http: dict[str, Any] = results["http"].setdefault(mode, {})
        first: dict[str, Any] = results["first"].setdefault(mode, {})
        concurrency: dict[str, Any] = results["concurrency"].setdefault(mode, {})
        try:
            for name, path in http_paths.items():
                log(f"  http {name} ({mode})")
                try:
                    t0 = time.perf_counter()  # the first request: nothing cached yet
                    urllib.request.urlopen(base + path, timeout=120).read()
                    first[name] = round((time.perf_counter() - t0) * 1000, 2)
                except OSError as exc:
                    http[name] = {"n": 0, "p50_ms": None, "p99_ms": None, "errors": 1,
                                  "path": path[:120], "failure": f"{type(exc).__name__}: {exc}"}
                    continue
                tally = run_load(base, [path], connections=1, seconds=per, max_requests=n, timeout=60)
                http[name] = {**percentiles(tally.latencies_ms), "errors": tally.errors + tally.client_errors,
                              "path": path[:120]}
            for name in ("entity", "inspections", "search_terms", "healthz"):
                p50 = http.get(name, {}).get("p50_ms")
                if name in http_paths and p50 is not None and p50 > SLOW_MS:
                    # 16 clients on a question this slow only queue behind each other until they time out.
                    concurrency[name] = {"skipped": f"sequential p50 {p50:.0f} ms > {SLOW_MS} ms", "rps": 0,
                                         "p50_ms": None, "p99_ms": None, "count": 0, "errors": 0, "client_errors": 0}
                    continue
                if name in http_paths:
                    tally = run_load(base, [http_paths[name]], connections=16, seconds=load_s, timeout=60)
                    concurrency[name] = tally.summary()
        finally:
            results["server_peak_rss_mb"][mode] = stop_server(server)
            results.setdefault("server_warm", {})[mode] = warm_reports(Path(server_log))

    # The same questions asked of the engines in this process, with nothing in between.
    data_dir = DataDir(settings_for(data_path, engine))
    index, store = data_dir.open_index(), data_dir.open_graph()
    try:
        for name, params in SEARCHES.items():
            sq = SearchQuery(q=params["q"], kind=params.get("kind"), date_from=params.get("from"))
            results["direct"][name] = percentiles(timed_repeat(lambda: index.search(sq), count=n, seconds=per))
        results["direct"]["inspections"] = percentiles(timed_repeat(
            lambda: queries.find_inspections(store, inspector=targets["inspector"]), count=n, seconds=per))
        if targets["meeting"]:
            results["direct"]["meeting"] = percentiles(timed_repeat(
                lambda: queries.meeting_detail(store, targets["meeting"], base_iri=data_dir.settings["base_iri"]),
                count=n, seconds=per))
        if targets["school"]:
            results["direct"]["entity"] = percentiles(timed_repeat(
                lambda: queries.describe_entity(store, targets["school"]), count=n, seconds=per))
            results["direct"]["neighbours"] = percentiles(timed_repeat(
                lambda: network.neighbours(store, targets["school"], 2), count=n, seconds=per))
    finally:
        index.close()
        store.close()
    ox = pyoxigraph.Store.read_only(str(snapshot_path(data_path)))
    results["direct"]["sparql"] = percentiles(timed_repeat(
        lambda: list(ox.query(sparql)), count=n, seconds=per))  # the default graph: the merge (graph/store.py)
    results["sparql_rows"] = len(list(ox.query(sparql)))
    return results


def cold_corpus_ingest(workdir: Path, runs: int = 3) -> dict[str, Any]:
    """`councilgraph ingest ../shared/corpus` on a fresh data dir, wall time of the whole command."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for i in range(runs):
        data = workdir / f"cold-{i}"
        shutil.rmtree(data, ignore_errors=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "councilgraph.cli", "ingest", str(CORPUS), "--data", str(data)],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(f"corpus ingest failed: {proc.stderr[-2000:]}")
        shutil.rmtree(data, ignore_errors=True)
    return {"runs_s": [round(t, 2) for t in times], "median_s": round(statistics.median(times), 2)}


# --- the parent ---------------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    from importlib import metadata

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    versions = {"python": platform.python_version()}
    for dist in ("rdflib", "oxrdflib", "pyoxigraph", "Whoosh-Reloaded", "Whoosh", "tantivy", "flask", "waitress"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return {"nproc": os.cpu_count(), "ram_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu, "versions": versions,
            "commit": _commit(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            "server_workers": server_processes(), "settings_env": settings_from_environment()}


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def run_size(n: int, engines: list[str], workdir: Path, args: argparse.Namespace,
             save: Callable[[], None] = lambda: None, out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Ingest and query each engine, then the raw baselines. ``out`` (already in the results)
    is filled step by step and ``save()`` called after each, so a run stopped part way keeps
    what it measured; raw whoosh, the longest baseline, comes last."""
    from bench.scale import scale_corpus

    docs = workdir / f"docs-{n}"
    out = out if out is not None else {}
    resumed = args.resume and docs.is_dir() and sum(1 for _ in docs.iterdir()) == n and "docs_mb" in out
    if not resumed:
        shutil.rmtree(docs, ignore_errors=True)
        t0 = time.perf_counter()
        scale_corpus(n, docs, seed=args.seed)
        out.clear()
        out.update({"documents": n, "scale_s": round(time.perf_counter() - t0, 1),
                    "docs_mb": round(sum(p.stat().st_size for p in docs.iterdir()) / 1e6, 1), "engines": {},
                    "raw_index": {}})
        save()
    passages = None
    for engine in engines:
        data = workdir / f"data-{n}-{engine}"
        progress = workdir / f"ingest-progress-{n}-{engine}.json"
        passages = workdir / f"passages-{n}-{engine}.jsonl"
        res: dict[str, Any] = out["engines"].setdefault(engine, {})
        if "ingest" not in res:
            if not resumed:
                shutil.rmtree(data, ignore_errors=True)
                progress.unlink(missing_ok=True)
            log(f"[{n} docs, {engine}] ingest" + (" (resumed)" if progress.is_file() else ""))
            res["ingest"] = child("ingest", str(docs), str(data), engine, str(passages), str(progress),
                                  timeout=args.ingest_timeout)
            save()
        if "raw_oxigraph" not in out and n <= args.raw_oxigraph_max_docs:  # the same quads whichever engine ingested them
            log(f"[{n} docs, {engine}] raw pyoxigraph bulk load")
            out["raw_oxigraph"] = child("raw_oxigraph", str(data), str(workdir / f"raw-ox-{n}"))
            shutil.rmtree(workdir / f"raw-ox-{n}", ignore_errors=True)
            save()
        if "queries" not in res:
            log(f"[{n} docs, {engine}] queries")
            res["queries"] = child("queries", str(data), engine, str(args.count), str(args.seconds),
                                   str(args.load_seconds), str(workdir / f"server-{n}-{engine}.log"))
            save()
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    # The same passages whichever engine ingested them: each raw baseline runs once per size.
    for raw in sorted(args.raw_engines, key=lambda e: e == "whoosh"):
        if raw in out["raw_index"]:
            continue
        if raw == "whoosh" and n > args.raw_whoosh_max_docs:
            log(f"[{n} docs] raw whoosh skipped (--raw-whoosh-max-docs {args.raw_whoosh_max_docs})")
            continue
        log(f"[{n} docs] raw {raw} indexing")
        out["raw_index"][raw] = child(f"raw_{raw}", str(passages), str(workdir / f"raw-{raw}-{n}"))
        shutil.rmtree(workdir / f"raw-{raw}-{n}", ignore_errors=True)
        save()
    if not args.keep:
        shutil.rmtree(docs, ignore_errors=True)
    return out


def requery(saved: Path, args: argparse.Namespace, now: str, command: str) -> dict[str, Any]:
    """A kept run's results, relabelled for re-measured queries: the ingest figures stay those
    of the original run (its date, command and commit are kept beside the new ones)."""
    if not saved.is_file():
        raise SystemExit(f"--queries-only: no {saved} (run with --keep and this --workdir first)")
    results = json.loads(saved.read_text())
    first = results.get("ingested") or {"date": results["date"], "command": results["command"],
                                        "commit": results["machine"]["commit"]}
    results.update({"date": now, "command": command, "machine": machine(), "ingested": first})
    results.pop("cold_ingest", None)
    return results


def log(message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {message}", file=sys.stderr, flush=True)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}×" if a and b else "–"


def _ms(x: float | None) -> str:
    return "–" if x is None else (f"{x:.1f}" if x < 100 else f"{x:.0f}")


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"## Run of {results['date']} (bench/run.py)",
        "",
        f"Command: `{results['command']}`",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM"
        + (f", load average {m['loadavg_at_start'][0]} (1 min) before the run started" if "loadavg_at_start" in m
           else ", shared with other work while it ran")
        + f". Commit {m['commit']}. Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
    ]
    if m.get("settings_env"):
        lines += ["Settings from the environment (the rest are the defaults): "
                  + ", ".join(f"`{k}={v}`" for k, v in m["settings_env"].items()) + ".", ""]
    first = results.get("ingested")
    if first:
        lines += [f"Queries only, on the data dirs of the run of {first['date']} (`{first['command']}`, commit "
                  f"{first['commit']}): its ingest figures are repeated below, the query figures are new.", ""]
    for again in results.get("resumed", []):
        given = ", ".join(f"`{k}={v}`" for k, v in again.get("settings_env", {}).items())
        lines += [f"Resumed {again['date']} at commit {again['commit']}: `{again['command']}`"
                  + (f", with {given}" if given else "") + ".", ""]
    cold = results.get("cold_ingest")
    if cold:
        lines += [f"Sample corpus (2 documents), `councilgraph ingest ../shared/corpus` on a fresh data dir, whole "
                  f"command from a cold interpreter: median {cold['median_s']} s (runs {cold['runs_s']}; target < 2 s).", ""]
    lines += ["### Ingest", "",
              "| docs | engine | docs/s | wall s | read | extract | graph | store | index | triples | passages | disk MB |"
              " peak RSS MB | raw index s (whoosh / tantivy) | ours wall ÷ raw same engine | ours index ÷ raw same engine |"
              " raw bulk_load s | ours store ÷ bulk_load |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size in results["sizes"]:
        for engine, r in size["engines"].items():
            if "ingest" not in r:
                continue
            ing, ph = r["ingest"], r["ingest"]["phases_s"]
            raw = size.get("raw_index") or r.get("raw_index") or {}
            raw_s = " / ".join(f"{raw[e]['seconds']:.2f}" if e in raw else "–" for e in ("whoosh", "tantivy"))
            same = raw.get(engine, {}).get("seconds")
            ox = size.get("raw_oxigraph") or r.get("raw_oxigraph")
            bulk = f"{ox['seconds']:.2f} ({ox['quads']:,} quads)" if ox else "skipped"
            # Runs before the store phase was timed on its own counted it in "graph".
            store_s = (ph["store"] if "store" in ph else ph.get("graph", 0)) + ph.get("snapshot", 0) + ph.get("compact", 0)
            lines.append(
                f"| {size['documents']} | {engine} | {ing['docs_per_s']:.1f} | {ing['wall_s']:.1f} | {ph.get('read', 0):.1f} | "
                f"{ph.get('extract', 0):.1f} | {ph.get('graph', 0) if 'store' in ph else float('nan'):.1f} | {store_s:.1f} | "
                f"{ph.get('index', 0):.1f} | {ing['triples']:,} | "
                f"{ing['passages']:,} | {ing['disk']['total'] / 1e6:.0f} | {ing['peak_rss_mb']:.0f} | {raw_s} | "
                f"{_ratio(ing['wall_s'], same)} | {_ratio(ph.get('index'), same)} | {bulk} | {_ratio(store_s, ox['seconds'] if ox else None)} |")
    for size in results["sizes"]:
        for engine, r in size["engines"].items():
            parts = r.get("ingest", {}).get("parts")
            if parts:
                lines += ["", f"The {size['documents']:,}-document {engine} ingest ran in {len(parts)} parts (stopped, then "
                          "carried on by `--resume` from its last durable batch); its figures are the sums over the parts, "
                          "each counted to its last durable batch (peak RSS: the highest). Parts: " + "; ".join(
                              f"{p['started']}, commit {p['commit']}, {p['written']:,} documents in {p['wall_s']:.0f} s"
                              for p in parts) + "."]
    lines += ["", "Phases as the pipeline times them, summed over processes (they overlap): *graph* is building "
              "each document's N-Triples in the workers; *store* is writing them (bulk loads) plus the snapshots "
              "and, since 2026-12-02, the compaction at the end of the run (setting compact_after_ingest) "
              "(runs before 2026-12-01 counted both in one figure, shown under *store*); *index* includes making the passages. "
              "Raw baselines index only key/title/body of the same passages with the library's plain API; "
              "bulk_load loads the same quads (N-Quads dumped from the store) into a fresh on-disk store.", ""]
    workers = results["machine"].get("server_workers", 1)
    server = "waitress" if workers == 1 else f"gunicorn, {workers} worker processes"
    lines += [f"### Queries through HTTP ({server}, `councilgraph serve`), sequential, one keep-alive connection", "",
              "*first*: the first request after the server started (nothing cached); *no cache*: "
              "`response_cache_mb=0`, every request runs its query; *cache*: as deployed, repeats replayed "
              "from the response cache.", "",
              "| docs | engine | question | first ms | no cache p50 | no cache p99 | cache p50 | cache p99 | "
              "direct p50 | direct p99 | no cache ÷ direct (p50) | n |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size in results["sizes"]:
        for engine, r in size["engines"].items():
            if "queries" not in r:
                continue
            qr = r["queries"]
            off, on = qr["http"].get("no cache", {}), qr["http"].get("cache", {})
            for name, h in off.items():
                d, c = qr["direct"].get(name, {}), on.get(name, {})
                lines.append(f"| {size['documents']} | {engine} | {name} | {_ms(qr['first']['no cache'].get(name))} | "
                             f"{_ms(h['p50_ms'])} | {_ms(h['p99_ms'])} | {_ms(c.get('p50_ms'))} | {_ms(c.get('p99_ms'))} | "
                             f"{_ms(d.get('p50_ms'))} | {_ms(d.get('p99_ms'))} | {_ratio(h['p50_ms'], d.get('p50_ms'))} | {h['n']} |")
    lines += ["", "Direct: search → the engine's `SearchIndex.search`; inspections / meeting / entity → "
              "`graph.queries` over the read-only snapshot; neighbours → `graph.network.neighbours` (depth 2 "
              "around the school); committee_page: the HTML page of the meeting's committee (no direct call); sparql → pyoxigraph `Store.query` on "
              "the snapshot. `healthz` is the framework floor (never cached; it reads the manifest's counts).", ""]
    lines += ["### Concurrency: 16 keep-alive connections on loopback", "",
              "| docs | engine | response cache | route | req/s | p50 ms | p99 ms | requests | errors |",
              "|---|---|---|---|---|---|---|---|---|"]
    for size in results["sizes"]:
        for engine, r in size["engines"].items():
            for mode, routes in r.get("queries", {}).get("concurrency", {}).items():
                for name, c in routes.items():
                    if c.get("skipped"):
                        lines.append(f"| {size['documents']} | {engine} | {mode} | {name} | skipped: {c['skipped']} | | | | |")
                        continue
                    lines.append(f"| {size['documents']} | {engine} | {mode} | {name} | {c['rps']:.0f} | {_ms(c['p50_ms'])} | "
                                 f"{_ms(c['p99_ms'])} | {c['count']} | {c['errors'] + c['client_errors']} |")
    lines += ["", "Server peak RSS while serving (VmHWM): " + "; ".join(
        f"{s['documents']} docs {e} ({mode}): {mb or 0:.0f} MB"
        for s in results["sizes"] for e, r in s["engines"].items()
        for mode, mb in r.get("queries", {}).get("server_peak_rss_mb", {}).items()) + ".", ""]
    ready = ["%s docs %s (%s): %.1f s" % (s["documents"], e, mode, secs)
             for s in results["sizes"] for e, r in s["engines"].items()
             for mode, secs in r.get("queries", {}).get("server_ready_s", {}).items() if secs is not None]
    warm = ["%s docs %s (%s): %s" % (s["documents"], e, mode, ", ".join(reports) or "not logged")
            for s in results["sizes"] for e, r in s["engines"].items()
            for mode, reports in r.get("queries", {}).get("server_warm", {}).items()]
    if warm:  # runs before 2026-12-04 did not log it
        lines += ["How each server process warmed its lists (its log): " + "; ".join(warm) + ".", ""]
    if ready:  # runs before commit 33f731c measured from the first answer, during the warm-up
        lines += ["From the server's start until /healthz said ready (data open, lists warm; the "
                  "queries were measured after it): " + "; ".join(ready) + ".", ""]
    return "\n".join(lines) + "\n"


def render_curve(runs: list[dict[str, Any]]) -> str:
    """One growth table from several saved runs: per engine and size, the ingest and the main
    query figures (the latest run wins where two measured the same size and engine)."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for results in sorted(runs, key=lambda r: r["date"]):
        for size in results["sizes"]:
            for engine, r in size.get("engines", {}).items():
                row = rows.setdefault((engine, size["documents"]), {})
                if "ingest" in r:
                    row.update(ingest=r["ingest"], ingest_run=results.get("ingested", {}).get("date") or results["date"],
                               raw=(size.get("raw_index") or {}).get(engine, {}).get("seconds"))
                if "queries" in r:
                    row.update(queries=r["queries"], queries_run=results["date"])
    lines = ["| engine | docs | docs/s | ÷ raw engine | triples | passages | disk GB | ingest peak RSS MB | "
             "search p50 / p99 ms | inspector p50 ms | meeting p50 ms | entity p50 ms | SPARQL p50 ms | "
             "entity req/s at 16 (cache / none) | server peak RSS MB | runs |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (engine, n), row in sorted(rows.items()):
        ing, q = row.get("ingest"), row.get("queries")
        http = (q or {}).get("http", {}).get("no cache", {})
        conc = (q or {}).get("concurrency", {})

        def p50(name: str) -> str:
            return _ms(http.get(name, {}).get("p50_ms"))

        def rps(mode: str) -> str:
            value = conc.get(mode, {}).get("entity", {}).get("rps")
            return f"{value:,.0f}" if value is not None else "–"

        search = f"{p50('search_terms')} / {_ms(http.get('search_terms', {}).get('p99_ms'))}" if http else "–"
        rss = (q or {}).get("server_peak_rss_mb", {}).get("no cache")
        lines.append(
            f"| {engine} | {n:,} | {ing['docs_per_s']:.1f} | {_ratio(ing['wall_s'], row.get('raw'))} | {ing['triples']:,} | "
            f"{ing['passages']:,} | {ing['disk']['total'] / 1e9:.1f} | {ing['peak_rss_mb']:,.0f} | "
            if ing else f"| {engine} | {n:,} | – | – | – | – | – | – | ")
        lines[-1] += (f"{search} | {p50('inspections')} | {p50('meeting')} | {p50('entity')} | {p50('sparql')} | "
                      f"{rps('cache')} / {rps('no cache')} | {f'{rss:,.0f}' if rss else '–'} | "
                      f"ingest {row.get('ingest_run', '–')}, queries {row.get('queries_run', '–')} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000])
    parser.add_argument("--engines", nargs="+", default=["whoosh"], choices=["whoosh", "tantivy"])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "run")
    parser.add_argument("--count", type=int, default=200, help="requests per sequential latency figure (at most)")
    parser.add_argument("--seconds", type=float, default=5.0, help="time bound of each sequential latency figure")
    parser.add_argument("--load-seconds", type=float, default=10.0, help="duration of each concurrency figure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ingest-timeout", type=float, default=4 * 3600,
                        help="seconds one ingest may take before the run gives up (100k on tantivy takes about 2 h here)")
    parser.add_argument("--no-cold", action="store_true", help="skip the sample-corpus cold-start ingest")
    parser.add_argument("--no-append", action="store_true", help="print the results instead of appending them")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes for the queries step (setting workers; default 1, waitress)")
    parser.add_argument("--keep", action="store_true", help="keep scaled documents and data dirs")
    parser.add_argument("--raw-engines", nargs="*", default=["whoosh", "tantivy"], choices=["whoosh", "tantivy"],
                        help="raw indexing baselines to run (raw whoosh takes about a quarter of our ingest time)")
    parser.add_argument("--raw-whoosh-max-docs", type=int, default=20_000,
                        help="skip the raw whoosh baseline above this many documents (at 10,000 it takes ~13 minutes, "
                             "and it grows faster than linearly)")
    parser.add_argument("--raw-oxigraph-max-docs", type=int, default=20_000,
                        help="skip the bulk-load baseline above this many documents (it needs the dump and a second "
                             "store on disk: about 9 GB at 10,000 documents)")
    parser.add_argument("--render", type=Path, help="print the tables of a results.json (a stopped run's too) and exit")
    parser.add_argument("--curve", type=Path, nargs="+", help="print one growth table from several results.json and exit")
    parser.add_argument("--queries-only", action="store_true",
                        help="re-measure the queries on the data dirs a --keep run left in --workdir (its results.json "
                             "gives the ingest figures), e.g. after a change to search or serving")
    parser.add_argument("--resume", action="store_true",
                        help="carry on a run stopped part way in --workdir (same --docs and --engines): its scaled "
                             "documents and data dirs are reused, an ingest goes on from its last durable batch, "
                             "and steps already measured are not run again")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.render:
        print(render(json.loads(args.render.read_text())))
        return
    if args.curve:
        print(render_curve([json.loads(path.read_text()) for path in args.curve]))
        return
    if args.child:
        mode, rest = args.child[0], args.child[1:]
        steps = {"ingest": step_ingest, "raw_whoosh": step_raw_whoosh, "raw_tantivy": step_raw_tantivy,
                 "raw_oxigraph": step_raw_oxigraph, "queries": step_queries}
        print(json.dumps(steps[mode](*rest), default=str))
        return

    if args.workers is not None:  # the servers the steps start read it from the environment
        os.environ["COUNCILGRAPH_WORKERS"] = str(args.workers)
    args.workdir.mkdir(parents=True, exist_ok=True)
    command = "python bench/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    partial = args.workdir / "results.json"
    if args.queries_only:
        results = requery(partial, args, now, command)
    elif args.resume and partial.is_file():
        results = json.loads(partial.read_text())
        results.setdefault("resumed", []).append({"date": now, "command": command, "commit": _commit(),
                                                  "settings_env": settings_from_environment()})
    else:
        results = {"date": now, "command": command, "machine": machine(), "sizes": []}

    def save() -> None:
        partial.write_text(json.dumps(results, indent=1, default=str))

    if args.queries_only:
        for size in results["sizes"]:
            for engine in args.engines:
                data = args.workdir / f"data-{size['documents']}-{engine}"
                if data.is_dir() and engine in size["engines"]:
                    log(f"[{size['documents']} docs, {engine}] queries again")
                    size["engines"][engine]["queries"] = child(
                        "queries", str(data), engine, str(args.count), str(args.seconds), str(args.load_seconds),
                        str(args.workdir / f"server-{size['documents']}-{engine}.log"))
                    save()
    else:
        if not args.no_cold and "cold_ingest" not in results:
            log("sample corpus, cold command")
            results["cold_ingest"] = cold_corpus_ingest(args.workdir)
            save()
        for n in args.docs:
            size = next((s for s in results["sizes"] if s.get("documents") == n), None)
            if size is None:
                size = {}
                results["sizes"].append(size)
            run_size(n, args.engines, args.workdir, args, save=save, out=size)
    save()
    text = render(results)
    if args.no_append:
        print(text)
    else:
        if not DOC.exists():
            DOC.write_text("# Benchmarks\n\nEvery figure below comes from the run whose command it is listed under.\n\n")
        with open(DOC, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)
        print(text)
        log(f"appended to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
