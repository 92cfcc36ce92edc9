"""bench/multiply_index.py: a data dir whose index holds every passage K times, served by the real app;
bench/search_parts.py timing the parts of a search on it."""
from __future__ import annotations

import pytest

from bench.multiply_index import multiply_index
from bench.search_parts import search_parts
from tests.conftest import CORPUS_DIR, app_over, build_data_dir


@pytest.fixture(scope="module", params=["tantivy", "whoosh"])
def engine_data_dir(request, corpus_data_dir, tmp_path_factory):
    if request.param == "whoosh":  # the default engine: the session's corpus data dir
        return request.param, corpus_data_dir
    target = tmp_path_factory.mktemp("corpus-tantivy")
    return request.param, build_data_dir(target, sorted(CORPUS_DIR.glob("*.txt")), search_engine="tantivy")


def test_multiplied_index_finds_every_passage_k_times(engine_data_dir, tmp_path):
    engine, source = engine_data_dir
    dest = tmp_path / "times3"
    passages = multiply_index(source, dest, 3)

    with app_over(source, search_engine=engine) as app:
        client = app.test_client()
        before = client.get("/api/search", query_string={"q": "school", "size": 100}).get_json()
        found = {hit["id"] for hit in before["results"]}
        health = client.get("/healthz").get_json()
    with app_over(dest, search_engine=engine) as app:
        client = app.test_client()
        after = client.get("/api/search", query_string={"q": "school", "size": 100}).get_json()
        assert after["total"] == 3 * before["total"] > 0
        # The copies are the source's passages: what they find is what the source finds.
        assert before["total"] <= 100 and {hit["id"] for hit in after["results"]} <= found
        # Only the full-text side grows: the graph is the source's.
        assert client.get("/healthz").get_json()["triples"] == health["triples"]
    assert passages % 3 == 0 and passages > 0
    with pytest.raises(FileExistsError):
        multiply_index(source, dest, 3)


def test_search_parts_times_a_search_on_the_tantivy_copy(engine_data_dir, tmp_path):
    engine, source = engine_data_dir
    if engine != "tantivy":
        with pytest.raises(SystemExit, match="no tantivy index"):
            search_parts(source, "school", 1)
        return
    dest = tmp_path / "times2"
    multiply_index(source, dest, 2)
    one, two = search_parts(source, "school", 2), search_parts(dest, "school", 2)
    assert two["matches"] == 2 * one["matches"] > 0
    assert two["passages"] == 2 * one["passages"] and two["segments"] == 2 * one["segments"]
    timings = [v for k, v in two.items() if k not in ("query", "passages", "segments", "matches")]
    assert len(timings) == 9 and all(isinstance(v, float) and v > 0 for v in timings)
