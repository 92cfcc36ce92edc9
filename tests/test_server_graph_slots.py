"""graph_concurrency: requests asking the embedded store past the bound wait their turn; others do not."""
from __future__ import annotations

import pytest

from tests.conftest import app_over, assert_waits_for_its_slot


def test_graph_requests_past_the_bound_wait_their_turn(corpus_data_dir):
    with app_over(corpus_data_dir, graph_concurrency=1, response_cache_mb=0) as app:
        assert app.test_client().get("/api/inspections?size=1").status_code == 200  # the data is open
        # Neither liveness nor keyword search waits for the store.
        assert_waits_for_its_slot(app, app.extensions["councilgraph"].graph_slots, "/api/meetings?size=1",
                                  ["/healthz", "/api/search?q=school"])


@pytest.mark.parametrize("path, status", [
    ("/api/entity?id=http://127.0.0.1:8000/id/school/no-such-school", 404),
    ("/api/inspections?from=yesterday", 400),
    ("/inspections?size=2", 200),
])
def test_every_request_gives_its_slot_back(corpus_data_dir, path, status):
    with app_over(corpus_data_dir, graph_concurrency=1, response_cache_mb=0) as app:
        client = app.test_client()
        for _ in range(3):  # a slot kept would make the second request wait for ever
            assert client.get(path).status_code == status
        slots = app.extensions["councilgraph"].graph_slots
        assert slots.acquire(timeout=5), "the slot was not given back"
        slots.release()


def test_no_bound_and_a_negative_bound(corpus_data_dir):
    with app_over(corpus_data_dir, graph_concurrency=0) as app:
        assert app.extensions["councilgraph"].graph_slots is None
        assert app.test_client().get("/api/inspections?size=1").status_code == 200
    with pytest.raises(ValueError, match="graph_concurrency"):
        with app_over(corpus_data_dir, graph_concurrency=-1):
            pass
