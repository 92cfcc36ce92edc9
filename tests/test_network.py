"""Neighbourhoods, shortest connections and co-membership, checked against the whole networkx projection."""
from __future__ import annotations

import pytest

from graph.network import co_membership, neighbours, shortest_path
from tests.test_build import BASE, load, two_documents


@pytest.fixture(scope="module")
def store():
    return load(two_documents())[0]


def test_neighbours_of_a_school(store):
    school = f"{BASE}/id/school/st-thomas-ce-primary-school"
    result = neighbours(store, school, depth=1)
    kinds = {n["type"] for n in result["nodes"]}
    assert {"school", "inspection", "outcome"} <= kinds
    assert all(school in (e["source"], e["target"]) for e in result["edges"])
    assert neighbours(store, f"{BASE}/id/school/unknown") == {"id": f"{BASE}/id/school/unknown", "nodes": [], "edges": []}


def test_shortest_path_between_a_councillor_and_another_body(store):
    path = shortest_path(store, f"{BASE}/id/person/bram-rook", f"{BASE}/id/committee/borough-council-cabinet")
    assert path is not None and path[0]["id"].endswith("bram-rook") and path[-1]["id"].endswith("-cabinet")
    assert all("predicate" in step for step in path[1:])
    assert shortest_path(store, f"{BASE}/id/person/vera-lamb", f"{BASE}/id/person/nobody") is None


def test_co_membership(store):
    graph = co_membership(store)
    rook, wren = f"{BASE}/id/person/bram-rook", f"{BASE}/id/person/borough-council-councillor-wren"
    assert graph.has_edge(rook, wren) and graph[rook][wren]["weight"] == 1
    assert not graph.has_edge(rook, f"{BASE}/id/person/alice-quill")


def _corpus_store():
    from tests.test_build import corpus_extractions

    return load(list(corpus_extractions()))[0]


@pytest.fixture(scope="module", params=["two documents", "corpus"])
def either(request, store):
    return store if request.param == "two documents" else _corpus_store()


def _entities(graph, step: int) -> list[str]:
    return sorted(n for n in graph.nodes if "/id/" in n)[::step]


def test_neighbours_are_the_projections_neighbourhood(either):
    """Read level by level from the entity, the same nodes, labels and links as the subgraph of
    the whole projection (what the routes built per request before)."""
    import networkx as nx

    from graph.network import projection

    whole = projection(either)
    undirected = whole.to_undirected(as_view=True)
    for iri in _entities(whole, 7):
        for depth in (1, 2):
            near = nx.single_source_shortest_path_length(undirected, iri, cutoff=depth)
            sub = whole.subgraph(near)
            got = neighbours(either, iri, depth)
            assert {(n["id"], n["label"], n["type"]) for n in got["nodes"]} == {
                (n, d["label"], d["type"]) for n, d in sub.nodes(data=True)}, (iri, depth)
            assert {(e["source"], e["predicate"], e["target"]) for e in got["edges"]} == {
                (s, d["predicate"], t) for s, t, d in sub.edges(data=True)}, (iri, depth)
            assert "truncated" not in got


def test_a_shortest_path_is_as_short_as_the_projections_and_follows_its_links(either):
    import networkx as nx

    from graph.network import projection

    whole = projection(either)
    undirected = whole.to_undirected(as_view=True)
    entities = _entities(whole, 5)
    pairs = list(zip(entities, reversed(entities)))[: len(entities) // 2]
    assert pairs
    for source, target in pairs:
        path = shortest_path(either, source, target)
        try:
            length = nx.shortest_path_length(undirected, source, target)
        except nx.NetworkXNoPath:
            assert path is None, (source, target)
            continue
        assert path is not None and len(path) - 1 == length, (source, target)
        assert path[0]["id"] == source and path[-1]["id"] == target
        for before, step in zip(path, path[1:]):
            s, t = (before["id"], step["id"]) if step["direction"] == "forward" else (step["id"], before["id"])
            assert whole.has_edge(s, t, key=step["predicate"]), (before, step)


def test_a_neighbourhood_past_the_bound_says_it_was_cut(store):
    school = f"{BASE}/id/school/st-thomas-ce-primary-school"
    cut = neighbours(store, school, depth=3, max_nodes=3)
    assert cut["truncated"] is True and len(cut["nodes"]) > 3
    assert len(cut["nodes"]) < len(neighbours(store, school, depth=3)["nodes"])
    assert shortest_path(store, f"{BASE}/id/person/bram-rook", f"{BASE}/id/committee/borough-council-cabinet",
                         max_nodes=1) is None  # given up: not searched far enough
