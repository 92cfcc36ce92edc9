"""Shared fixtures: the sample corpus ingested once per session, an app, a test client and a live waitress server."""
from __future__ import annotations

import json
import socket
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # ../shared beside the clone


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(app, threads: int = 4) -> Iterator[str]:
    """Serve ``app`` with waitress on a free loopback port in a thread; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=threads)
    thread = threading.Thread(target=server.run, daemon=True, name="waitress-test")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


def build_data_dir(target: Path, documents: list[Path], **settings) -> Path:
    """Ingest ``documents`` through the real pipeline into ``target``; fails the test on any failed document."""
    from councilgraph.pipeline import ingest_paths
    from councilgraph.settings import load_settings

    config = load_settings({"data_dir": str(target), **settings})
    report = ingest_paths([str(p) for p in documents], config)
    assert not report.failed, report.as_dict()["failed"]
    return target


@pytest.fixture(scope="session")
def gold() -> dict:
    """The hand-checked facts beside the sample corpus."""
    return json.loads((CORPUS_DIR / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory) -> Path:
    """A data dir holding the sample corpus, built once per session (read-only for tests)."""
    target = tmp_path_factory.mktemp("corpus-data")
    return build_data_dir(target, sorted(CORPUS_DIR.glob("*.txt")))


@contextmanager
def app_over(data_dir: Path, **settings) -> Iterator:
    """An app over ``data_dir`` for tests; its SPARQL worker processes are stopped afterwards."""
    from server import create_app

    app = create_app({"data_dir": str(data_dir), "TESTING": True, **settings})
    try:
        yield app
    finally:
        app.extensions["councilgraph_sparql"].close()


def assert_waits_for_its_slot(app, slots, path: str, others: list[str]) -> None:
    """With every slot of ``slots`` taken, a request for ``path`` waits, the requests for
    ``others`` answer meanwhile, and once a slot is given back ``path`` answers 200."""
    answered = threading.Event()
    statuses: list[int] = []

    def ask() -> None:
        statuses.append(app.test_client().get(path).status_code)
        answered.set()

    slots.acquire()  # as a request in progress would
    try:
        waiting = threading.Thread(target=ask)
        waiting.start()
        assert not answered.wait(0.5), f"{path} ran although the only slot was taken"
        for other in others:
            assert app.test_client().get(other).status_code == 200, other
    finally:
        slots.release()
    assert answered.wait(30) and statuses == [200]
    waiting.join(5)


@pytest.fixture(scope="session")
def corpus_app(corpus_data_dir):
    """One app over the corpus data dir, shared by the session (its SPARQL workers start once)."""
    with app_over(corpus_data_dir) as app:
        yield app


@pytest.fixture()
def client(corpus_app):
    return corpus_app.test_client()


@pytest.fixture(scope="session")
def live_url(corpus_app) -> Iterator[str]:
    """Base URL of a waitress server running the corpus app on loopback."""
    with live_server(corpus_app) as url:
        yield url
