"""The whole service over a remote SPARQL 1.1 store (a real `oxigraph serve` on loopback): one setting switches it."""
from __future__ import annotations

from pathlib import Path

from councilgraph.pipeline import ingest_paths
from councilgraph.settings import load_settings
from tests.test_remote_store import server  # noqa: F401  (the oxigraph server fixture)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_ingest_query_and_sparql_through_a_remote_store(server, tmp_path, gold):  # noqa: F811
    from server import create_app

    settings = {"data_dir": str(tmp_path / "data"), "graph_endpoint": f"{server}/query",
                "graph_update_endpoint": f"{server}/update", "graph_store_endpoint": f"{server}/store"}
    report = ingest_paths([CORPUS], load_settings(settings, environ={}))
    assert not report.failed and report.triples > 1000
    assert not (tmp_path / "data" / "graph").exists()  # nothing embedded

    app = create_app({**settings, "TESTING": True})
    client = app.test_client()
    question = next(q for q in gold["questions"] if q.get("ask", "").startswith("Which schools did"))
    inspector = question["ask"].removeprefix("Which schools did ").removesuffix(" grade?")
    body = client.get("/api/inspections", query_string={"inspector": inspector}).get_json()
    assert len(body["results"]) == len(question["answer"])

    answer = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert int(answer.get_json()["results"]["bindings"][0]["n"]["value"]) == report.triples
    refused = client.get("/sparql", query_string={"query": "DROP ALL"})
    assert refused.status_code == 400 and refused.get_json()["ok"] is False
