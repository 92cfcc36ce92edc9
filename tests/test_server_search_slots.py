"""search_concurrency: keyword searches past the bound wait for a slot; nothing else does."""
from __future__ import annotations

import pytest

from tests.conftest import app_over, assert_waits_for_its_slot


def test_searches_past_the_bound_wait_their_turn(corpus_data_dir):
    with app_over(corpus_data_dir, search_concurrency=1, response_cache_mb=0) as app:
        assert app.test_client().get("/api/search?q=school").status_code == 200  # the index is open
        # Pages that are not keyword searches do not wait for a search slot.
        assert_waits_for_its_slot(app, app.extensions["councilgraph"].search_slots, "/api/search?q=school+meals",
                                  ["/healthz", "/api/inspections"])
        # A refused search (too deep a page for the engine) gives its slot back: the next one runs.
        assert app.test_client().get("/api/search?q=school&page=200&size=100").status_code == 400
        assert app.test_client().get("/?q=school").status_code == 200


def test_a_negative_bound_is_refused(corpus_data_dir):
    with pytest.raises(ValueError, match="search_concurrency"):
        with app_over(corpus_data_dir, search_concurrency=-1):
            pass
