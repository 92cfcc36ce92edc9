"""The `councilgraph` command, run as a user runs it (a real subprocess on a temp data dir)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def run_cli(*args: str, data: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "councilgraph.cli", *args, "--data", str(data)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("cli") / "data"
    run_cli("ingest", str(CORPUS), data=data)
    return data


def test_ingest_summary_counts_kinds_and_facts(tmp_path):
    proc = run_cli("ingest", str(CORPUS), data=tmp_path / "data")
    assert "2 added" in proc.stdout
    assert "inspections" in proc.stdout
    assert "triples in the graph" in proc.stdout
    assert "Traceback" not in proc.stderr
    again = run_cli("ingest", str(CORPUS), data=tmp_path / "data")
    assert "2 unchanged" in again.stdout


def test_ingest_exit_code_names_failed_file(tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"this is not a pdf at all")
    proc = run_cli("ingest", str(bad), data=tmp_path / "data", check=False)
    assert proc.returncode == 1
    assert "notes.pdf" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_search_json_matches_api_shape(data_dir):
    proc = run_cli("search", "FASD training", "--json", data=data_dir)
    body = json.loads(proc.stdout)
    assert body["total"] >= 1
    assert {"id", "kind", "title", "snippet", "document", "entities"} <= set(body["results"][0])


def test_search_table_is_readable(data_dir):
    proc = run_cli("search", "FASD training", data=data_dir)
    assert "passages for 'FASD training'" in proc.stdout
    assert "resolution" in proc.stdout


def test_sparql_table_and_json(data_dir):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    table = run_cli("sparql", query, data=data_dir)
    assert "1 rows" in table.stdout
    body = json.loads(run_cli("sparql", query, "--json", data=data_dir).stdout)
    assert int(body["results"]["bindings"][0]["n"]["value"]) > 100


def test_sparql_update_is_refused(data_dir):
    proc = run_cli("sparql", "DELETE WHERE { ?s ?p ?o }", data=data_dir, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("fmt,marker", [("ttl", "@prefix"), ("nq", "> ."), ("jsonld", "@id")])
def test_export_formats(data_dir, fmt, marker):
    proc = run_cli("export", "--format", fmt, data=data_dir)
    assert marker in proc.stdout


def test_stats_and_serve_get(data_dir):
    stats = json.loads(run_cli("stats", "--json", data=data_dir).stdout)
    assert stats["documents"] == 2 and stats["passages"] > 0
    proc = run_cli("serve", "--get", "/healthz", data=data_dir)
    assert json.loads(proc.stdout)["ok"] is True


def test_serve_answers_with_more_than_1024_files_open(data_dir, tmp_path):
    """A server whose searchers hold many segment files gets descriptors past select()'s 1023."""
    import resource
    import socket
    import time
    import urllib.request

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1400:
        pytest.skip(f"this machine allows {hard} open files")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = (
        "import os, resource, sys\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 1400), hard), hard))\n"
        "held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]\n"
        "from councilgraph.cli import main\n"
        f"main(['serve', '--data', {str(data_dir)!r}, '--port', '{port}'])\n"
    )
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, answers = time.time() + 60, []
        while time.time() < deadline and len(answers) < 3:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=school", timeout=10) as response:
                    answers.append(response.status)
            except OSError:
                time.sleep(0.3)
        assert answers == [200, 200, 200]
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
