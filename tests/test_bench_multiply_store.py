"""bench/multiply_store.py: a K-times data dir from an ingested one, served by the real app."""
from __future__ import annotations

import json

import pyoxigraph

from bench.multiply_store import multiply_store, rewrite
from tests.conftest import app_over


def test_rewrite_moves_minted_iris_into_the_copy_and_leaves_the_vocabulary():
    line = (b'<http://127.0.0.1:8000/id/inspection/oak-primary-school/2024-01-30> '
            b'<https://councilgraph.org/ns#school> <http://127.0.0.1:8000/id/school/oak-primary-school> '
            b'<http://127.0.0.1:8000/id/document/oak-report-2024> .\n')
    moved = rewrite(line, 3)
    assert moved == (b'<http://127.0.0.1:8000/id/inspection/oak-primary-school-c3/2024-01-30> '
                     b'<https://councilgraph.org/ns#school> <http://127.0.0.1:8000/id/school/oak-primary-school-c3> '
                     b'<http://127.0.0.1:8000/id/document/oak-report-2024-c3> .\n')
    assert rewrite(line, 0) == line
    literal = b'<http://x.org/id/person/pat-lee> <http://xmlns.com/foaf/0.1/name> "Pat Lee" .\n'
    assert b'"Pat Lee"' in rewrite(literal, 2)


def test_multiplied_data_dir_serves_k_times_the_entities(corpus_data_dir, tmp_path):
    dest = tmp_path / "times3"
    result = multiply_store(corpus_data_dir, dest, 3, log=lambda _: None)

    with app_over(corpus_data_dir) as app:
        client = app.test_client()
        source_inspections = client.get("/api/inspections?limit=0").get_json()["total"]
        source_health = client.get("/healthz").get_json()
        school = client.get("/api/inspections?limit=1").get_json()["results"][0]["school"]["id"]
    snapshot = json.loads((corpus_data_dir / "manifest.json").read_text(encoding="utf-8"))["snapshot"]
    source = pyoxigraph.Store.read_only(str(corpus_data_dir / snapshot))
    lines = source.dump(format=pyoxigraph.RdfFormat.N_QUADS).splitlines(keepends=True)
    # Quads naming nothing minted here (the grade concepts' labels, say) are the same in every copy.
    shared = sum(1 for line in lines if rewrite(line, 1) == line)

    assert source_inspections > 0 and 0 < shared < len(lines) / 10
    assert result["quads"] == 3 * len(lines) - 2 * shared
    assert result["documents"] == 3 * source_health["documents"]
    with app_over(dest) as app:
        client = app.test_client()
        assert client.get("/api/inspections?limit=0").get_json()["total"] == 3 * source_inspections
        health = client.get("/healthz").get_json()
        assert health["documents"] == 3 * source_health["documents"]
        assert health["triples"] == 3 * source_health["triples"]
        copy = client.get("/api/entity", query_string={"id": school + "-c2"})
        assert copy.status_code == 200
        assert copy.get_json()["label"] == client.get("/api/entity", query_string={"id": school}).get_json()["label"]
        assert client.get("/api/entity", query_string={"id": school + "-c3"}).status_code == 404
