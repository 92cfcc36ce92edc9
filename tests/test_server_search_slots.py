"""search_concurrency: keyword searches past the bound wait for a slot; nothing else does."""
from __future__ import annotations

import threading

import pytest

from tests.conftest import app_over


def test_searches_past_the_bound_wait_their_turn(corpus_data_dir):
    with app_over(corpus_data_dir, search_concurrency=1, response_cache_mb=0) as app:
        assert app.test_client().get("/api/search?q=school").status_code == 200  # the index is open
        slots = app.extensions["councilgraph"].search_slots
        answered = threading.Event()
        statuses: list[int] = []

        def search() -> None:
            statuses.append(app.test_client().get("/api/search?q=school+meals").status_code)
            answered.set()

        slots.acquire()  # as a search in progress would
        try:
            waiting = threading.Thread(target=search)
            waiting.start()
            assert not answered.wait(0.5), "a search ran although the only slot was taken"
            # Pages that are not keyword searches do not wait for a search slot.
            assert app.test_client().get("/healthz").status_code == 200
            assert app.test_client().get("/api/inspections").status_code == 200
        finally:
            slots.release()
        assert answered.wait(30) and statuses == [200]
        waiting.join(5)
        # A refused search (too deep a page for the engine) gives its slot back: the next one runs.
        assert app.test_client().get("/api/search?q=school&page=200&size=100").status_code == 400
        assert app.test_client().get("/?q=school").status_code == 200


def test_a_negative_bound_is_refused(corpus_data_dir):
    with pytest.raises(ValueError, match="search_concurrency"):
        with app_over(corpus_data_dir, search_concurrency=-1):
            pass
