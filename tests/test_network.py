"""networkx projection: neighbourhoods, shortest connections, co-membership."""
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
