"""The response cache (web/cache.py): replays answers within a data generation, never across one."""
from __future__ import annotations

import requests

from tests.conftest import CORPUS_DIR, app_over, build_data_dir, live_server


def _documents():
    docs = sorted(CORPUS_DIR.glob("*.txt"))
    assert len(docs) >= 2
    return docs


def test_answers_are_replayed_with_an_etag_and_304(corpus_app):
    client = corpus_app.test_client()
    cache = corpus_app.extensions["councilgraph_cache"]
    first = client.get("/api/meetings")
    assert first.status_code == 200 and first.headers["ETag"]
    hits = cache.hits
    again = client.get("/api/meetings")
    assert cache.hits == hits + 1
    assert again.data == first.data
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["ETag"] == first.headers["ETag"]
    unchanged = client.get("/api/meetings", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
    head = client.head("/api/meetings")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(first.data)


def test_negotiated_answers_are_kept_apart(corpus_app):
    client = corpus_app.test_client()
    iri = client.get("/api/meetings").get_json()["results"][0]["id"]
    path = "/id/" + iri.split("/id/", 1)[1]
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    html = client.get(path, headers={"Accept": "text/html"})
    turtle_again = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and html.mimetype == "text/html"
    assert turtle_again.data == turtle.data and turtle_again.mimetype == "text/turtle"


def test_errors_are_never_cached(corpus_app):
    client = corpus_app.test_client()
    cache = corpus_app.extensions["councilgraph_cache"]
    size = len(cache)
    for _ in range(2):
        response = client.get("/api/search")  # q is required
        assert response.status_code == 400 and response.get_json()["ok"] is False
    assert len(cache) == size


def test_a_new_ingest_is_seen_at_once(tmp_path):
    """An answer cached before an ingest run is not replayed after it."""
    first, second = _documents()[:2]
    data = build_data_dir(tmp_path / "data", [first])
    with app_over(data) as app, live_server(app) as url:
        before = requests.get(f"{url}/api/meetings", params={"size": 100}, timeout=30)
        assert before.status_code == 200
        assert requests.get(f"{url}/api/meetings", params={"size": 100}, timeout=30).content == before.content
        build_data_dir(data, [first, second])
        after = requests.get(f"{url}/api/meetings", params={"size": 100}, timeout=30)
        assert after.status_code == 200
        assert after.headers["ETag"] != before.headers["ETag"]
        assert after.json()["total"] > before.json()["total"]


def test_cache_can_be_turned_off(tmp_path):
    data = build_data_dir(tmp_path / "data", _documents()[:1])
    with app_over(data, response_cache_mb=0) as app:
        assert "councilgraph_cache" not in app.extensions
        response = app.test_client().get("/api/meetings")
        assert response.status_code == 200 and "ETag" not in response.headers


def test_the_budget_bounds_what_is_kept(corpus_data_dir):
    """Least recently used answers are dropped to stay within response_cache_mb; they are recomputed alike."""
    with app_over(corpus_data_dir, response_cache_mb=0.04) as app:
        client = app.test_client()
        pages = [client.get("/api/search", query_string={"q": "school", "page": n, "size": 4}) for n in range(1, 31)]
        assert all(r.status_code == 200 for r in pages)
        assert sum(len(r.data) for r in pages) > 40_000  # more than the budget was answered
        cache = app.extensions["councilgraph_cache"]
        assert 0 < len(cache) < 30
        assert cache._bytes <= cache.max_bytes
        again = client.get("/api/search", query_string={"q": "school", "page": 1, "size": 4})
        assert again.data == pages[0].data
