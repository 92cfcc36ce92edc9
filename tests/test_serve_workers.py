"""`councilgraph serve --workers 2`: gunicorn worker processes, each answering from its own app."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.run import child_pids, free_port

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from /proc")
def test_two_worker_processes_answer_and_stop_on_sigterm(corpus_data_dir):
    port = free_port()
    env = {**os.environ, "COUNCILGRAPH_SPARQL_WORKERS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "councilgraph.cli", "serve", "--data", str(corpus_data_dir),
                               "--port", str(port), "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                status, health = _get(base + "/healthz")
                break
            except OSError:
                assert server.poll() is None and time.time() < deadline, server.stderr.read() if server.poll() else "no answer"
                time.sleep(0.3)
        assert status == 200 and health["ok"] and health["triples"] > 1000
        workers = child_pids(server.pid)
        assert len(workers) == 2
        # Every worker answers the same, and errors keep their one JSON shape.
        answers = [_get(base + "/api/search?q=school") for _ in range(8)]
        assert {s for s, _ in answers} == {200} and len({json.dumps(b, sort_keys=True) for _, b in answers}) == 1
        assert answers[0][1]["total"] > 0
        status, error = _get(base + "/api/entity?id=http://nowhere.example/x")
        assert status == 404 and set(error) >= {"error"}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert not any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()
                   for w in workers)


def test_a_negative_worker_count_is_refused(corpus_data_dir):
    proc = subprocess.run([sys.executable, "-m", "councilgraph.cli", "serve", "--data", str(corpus_data_dir),
                           "--workers", "-1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "workers must be 0" in proc.stderr and "Traceback" not in proc.stderr


def test_one_search_slot_per_cpu_is_shared_among_the_worker_processes(corpus_data_dir, monkeypatch):
    import councilgraph.settings
    from councilgraph.settings import load_settings, worker_count
    from web.resources import Resources

    monkeypatch.setattr(councilgraph.settings, "usable_cpus", lambda: 4)
    slots = lambda **s: Resources(load_settings({"data_dir": str(corpus_data_dir), **s}, environ={})).search_slots._value  # noqa: E731
    assert slots() == 4 and slots(workers=2) == 2 and slots(workers=8) == 1 and slots(workers=0) == 1
    assert slots(workers=2, search_concurrency=3) == 3
    assert worker_count({"workers": 0}) == 4 and worker_count({}) == 1
    with pytest.raises(ValueError):
        worker_count({"workers": -2})


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity")
def test_one_per_cpu_counts_the_cpus_the_server_may_run_on():
    """A container or `taskset` allows fewer CPUs than the machine has: one worker per allowed CPU."""
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from councilgraph.settings import worker_count; print(worker_count({'workers': 0}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "1"
