"""GraphStore against a real `oxigraph serve` on loopback: query, update, graph store protocol."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from graph import queries as Q
from graph.build import build_document_graph, document_graph_iri
from graph.store import GraphStore
from tests.test_build import context_for, two_documents


def _oxigraph_command() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    command = _oxigraph_command()
    if command is None:
        pytest.skip("the `oxigraph` server command is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + "/query", params={"query": "ASK {}"}, timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None:
                pytest.skip(f"oxigraph serve did not start: {process.stderr.read().decode()[:300]}")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_remote_store_round_trip(server):
    store = GraphStore.remote(f"{server}/query", f"{server}/update", graph_store_endpoint=f"{server}/store")
    extractions = two_documents()
    context = context_for(extractions)
    for x in extractions:
        store.replace_graph(document_graph_iri(context, x.document.name), build_document_graph(x, context))
    names = store.graph_names()
    assert len(names) == 2
    count = store.triple_count()
    # replace is a replacement, not an addition
    x = extractions[1]
    store.replace_graph(document_graph_iri(context, x.document.name), build_document_graph(x, context))
    assert store.triple_count() == count
    # the same queries the server uses, over the union of graphs
    assert [i["school"]["name"] for i in Q.find_inspections(store, hmi=True)] == ["Hill High School"]
    meeting = Q.find_meetings(store)[0]
    assert Q.meeting_detail(store, meeting["key"])["substitutes"]
    assert store.query("ASK { ?s ?p ?o }").askAnswer
    assert b"Hill High School" in store.serialize("nq")
    # graph store protocol GET sees the graph; remove_graph deletes it
    doc = document_graph_iri(context, extractions[0].document.name)
    got = requests.get(f"{server}/store", params={"graph": str(doc)}, headers={"Accept": "application/n-triples"}, timeout=5)
    assert got.status_code == 200 and str(doc) in got.text
    store.remove_graph(doc)
    assert store.graph_names() == names - {str(doc)}


def test_remote_update_without_graph_store(server):
    store = GraphStore.remote(f"{server}/query", f"{server}/update")
    x = two_documents()[0]
    context = context_for([x])
    graph_iri = document_graph_iri(context, "via-update.txt")
    store.replace_graph(graph_iri, build_document_graph(x, context))
    assert str(graph_iri) in store.graph_names()
    store.remove_graph(graph_iri)
    assert str(graph_iri) not in store.graph_names()
