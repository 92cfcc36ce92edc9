"""Ingest with worker processes: the same graph and passages as in-process, failures and dead workers reported."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from bench import scale
from councilgraph import pipeline
from councilgraph.data import DataDir
from councilgraph.pipeline import ingest_paths, worker_count
from councilgraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GENERATED_AT = URIRef("http://www.w3.org/ns/prov#generatedAtTime")
MIN_DOCUMENTS = pipeline.MIN_DOCUMENTS_FOR_WORKERS  # as shipped (some tests lower them)
MIN_MEAN_BYTES = pipeline.MIN_MEAN_BYTES_FOR_WORKERS


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    """Six documents: the sample corpus and four scaled copies in two synthetic councils."""
    folder = tmp_path_factory.mktemp("docs")
    scale.scale_corpus(4, folder, cohort=1)
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def few_per_batch():
    """Workers for as few as two documents, and batches of three: six documents make two batches,
    so the next batch's extraction overlaps this batch's writes."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "BATCH_DOCUMENTS", 3)
        mp.setattr(pipeline, "MIN_DOCUMENTS_FOR_WORKERS", 2)
        mp.setattr(pipeline, "MIN_MEAN_BYTES_FOR_WORKERS", 100)
        yield


@pytest.fixture(scope="module")
def serial(tmp_path_factory, documents, few_per_batch) -> dict:
    """The documents ingested in-process, once for the module: what parallel runs must match."""
    settings = settings_for(tmp_path_factory.mktemp("serial") / "data", ingest_workers=1)
    report = ingest_paths([documents], settings)
    assert report.by_status() == {"added": 6}
    settings["report"] = report
    return settings


def settings_for(data: Path, **extra) -> dict:
    return load_settings({"data_dir": str(data), **extra}, environ={})


def document_graphs(settings: dict) -> dict[str, Graph]:
    """Each document's named graph, without its ingest time (which differs between two runs)."""
    data = DataDir(settings)
    store = data.open_graph()
    try:
        graphs = {}
        for name, entry in data.manifest()["documents"].items():
            graph = Graph()
            rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{entry['graph']}> {{ ?s ?p ?o }} }}",
                               union_default_graph=False)
            for s, p, o in rows:
                if p != GENERATED_AT:
                    graph.add((s, p, o))
            graphs[name] = graph
        return graphs
    finally:
        store.close()


def stored_passages(settings: dict) -> list[dict]:
    """Every passage as the whoosh index stores it, in key order."""
    from whoosh import index

    ix = index.open_dir(str(DataDir(settings).index_path))
    with ix.searcher() as searcher:
        return sorted((dict(fields) for fields in searcher.all_stored_fields()), key=lambda f: f["key"])


def assert_same_ingest(a: dict, b: dict) -> None:
    graphs_a, graphs_b = document_graphs(a), document_graphs(b)
    assert set(graphs_a) == set(graphs_b)
    for name in graphs_a:
        assert len(graphs_a[name]) > 0
        assert isomorphic(graphs_a[name], graphs_b[name]), name
    assert stored_passages(a) == stored_passages(b)
    manifest_a, manifest_b = DataDir(a).manifest(), DataDir(b).manifest()
    for name, entry in manifest_a["documents"].items():
        other = manifest_b["documents"][name]
        for key in ("checksum", "graph", "triples", "passages", "council", "kind"):
            assert entry[key] == other[key], (name, key)


def test_workers_give_the_same_graph_and_passages_as_in_process(tmp_path, documents, serial):
    parallel = settings_for(tmp_path / "parallel", ingest_workers=2)
    one, two = serial["report"], ingest_paths([documents], parallel)
    assert two.by_status() == {"added": 6}
    assert "wait" in two.seconds and "wait" not in one.seconds  # the second really used workers
    assert {"read", "extract", "graph", "index", "wall"} <= set(json.loads(json.dumps(two.as_dict()))["seconds"])
    assert [o.name for o in one.outcomes] == [o.name for o in two.outcomes]
    assert one.triples == two.triples and one.passages == two.passages
    assert one.entities == two.entities
    assert one.warnings == two.warnings
    # two batches, each with its own manifest, then one for the store compacted at the end
    assert DataDir(parallel).manifest()["generation"] == 3
    assert_same_ingest(serial, parallel)


def test_a_document_failing_in_a_worker_is_reported_and_the_rest_go_in(tmp_path, documents, few_per_batch):
    folder = tmp_path / "in"
    shutil.copytree(documents, folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    (folder / "empty.txt").write_text("   \n")
    (folder / "huge.txt").write_text("RESOLVED: that the report be noted.\n" * 3000)
    settings = settings_for(tmp_path / "data", ingest_workers=2, max_text_bytes=100_000)
    report = ingest_paths([folder], settings)
    failed = {o.name: o.reason for o in report.failed}
    assert set(failed) == {"broken.pdf", "empty.txt", "huge.txt"}
    assert "PDF" in failed["broken.pdf"]
    assert "empty" in failed["empty.txt"]
    assert "too large" in failed["huge.txt"]
    assert report.by_status() == {"added": 6, "failed": 3}
    manifest = DataDir(settings).manifest()
    assert set(manifest["documents"]) == {p.name for p in documents.iterdir()}
    index = DataDir(settings).open_index()
    try:
        assert set(index.documents()) == set(manifest["documents"])
    finally:
        index.close()


def test_a_killed_worker_is_redone_in_process(tmp_path, documents, serial):
    """SIGKILL a worker mid-run: its documents are redone in the ingest process, nothing is lost or hangs."""
    before = {p.pid for p in multiprocessing.active_children()}
    killed: list[int] = []

    def kill_a_worker(name: str) -> None:
        if killed:
            return
        workers = [p for p in multiprocessing.active_children() if p.pid not in before]
        if workers:
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    parallel = settings_for(tmp_path / "parallel", ingest_workers=2)
    report = ingest_paths([documents], parallel, progress=kill_a_worker)
    assert killed
    assert report.by_status() == {"added": 6}
    assert any("worker process died" in w["message"] for w in report.warnings)
    assert_same_ingest(serial, parallel)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find the ingest's workers")
def test_workers_exit_when_the_ingest_process_is_killed(tmp_path, documents):
    folder = tmp_path / "in"
    shutil.copytree(documents, folder)
    for path in documents.iterdir():  # twelve documents of some size: enough for the ingest to start workers
        shutil.copy(path, folder / f"copy-{path.name}")
    sizes = [p.stat().st_size for p in folder.iterdir()]
    assert len(sizes) >= MIN_DOCUMENTS and sum(sizes) >= MIN_MEAN_BYTES * len(sizes)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COUNCILGRAPH_INGEST_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "councilgraph.cli", "ingest", str(folder), "--data",
                             str(tmp_path / "data")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            # The workers are the ingest's children running spawn_main (not the resource tracker).
            workers = {pid for pid in _children(proc.pid)
                       if b"spawn_main" in (Path("/proc") / str(pid) / "cmdline").read_bytes()}
            time.sleep(0.05)
        assert workers, "the ingest finished before its workers were seen"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "workers outlived the killed ingest"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_small_inputs_and_one_worker_stay_in_process(monkeypatch):
    monkeypatch.setattr(pipeline, "MIN_DOCUMENTS_FOR_WORKERS", MIN_DOCUMENTS)
    monkeypatch.setattr(pipeline, "MIN_MEAN_BYTES_FOR_WORKERS", MIN_MEAN_BYTES)
    settings = load_settings({"ingest_workers": 4}, environ={})
    assert worker_count(settings, 2, 130_000) == 1  # the sample corpus: no pool to start
    assert worker_count(settings, MIN_DOCUMENTS - 1) == 1
    assert worker_count(settings, MIN_DOCUMENTS) == 4
    assert worker_count(settings, 500, 500 * 47_000) == 4
    assert worker_count(settings, 2000, 2000 * 650) == 1  # many tiny files: the pool costs more than it saves
    assert worker_count(load_settings({"ingest_workers": 1}, environ={}), 500) == 1
    assert worker_count(load_settings({"ingest_workers": 0}, environ={}), 500) == len(os.sched_getaffinity(0))
