"""A server opening a data generation works out the lists' orders in the background (setting warm_lists)."""
import pytest

from tests.conftest import app_over


def _opened(app):
    with app.app_context():
        resources = app.extensions["councilgraph"]
        graph, _ = resources.current()
        return resources, graph


def test_the_lists_orders_are_kept_before_any_list_request(corpus_data_dir):
    with app_over(corpus_data_dir) as app:
        resources, graph = _opened(app)
        resources.warming.join(timeout=60)
        assert not resources.warming.is_alive()
        not_again = lambda: pytest.fail("worked out again: it was not kept")  # noqa: E731
        days, inspections = graph.derived("order of cg:Inspection", not_again)
        assert len(inspections) == len(days) > 5 and days == sorted(days)
        assert graph.derived("order of cg:Meeting", not_again)[1]
        assert graph.derived("people by name", not_again)
        assert graph.derived("facets of cg:Inspection", not_again)["grade"]
        assert graph.derived("roles of foaf:Person", not_again)
        assert graph.kept("facts of every cg:Inspection").iris == inspections
        # The lists answer from what was kept.
        body = app.test_client().get("/api/inspections?size=2").get_json()
        assert body["total"] == len(inspections) and [i["id"] for i in body["results"]] == inspections[:2]


def test_warming_can_be_turned_off(corpus_data_dir):
    with app_over(corpus_data_dir, warm_lists=False) as app:
        resources, graph = _opened(app)
        assert resources.warming is None
        assert graph.derived("order of cg:Meeting", lambda: "not kept") == "not kept"
        app.test_client().get("/api/inspections?size=2")
        assert graph.kept("facts of every cg:Inspection") is None  # pages read from the store
