"""The embedded Oxigraph store: replace, remove, query, serialize, backup and read-only open."""
from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from graph.store import GraphStore, StoreError

G1, G2 = URIRef("http://x.test/id/document/a"), URIRef("http://x.test/id/document/b")
S, P = URIRef("http://x.test/id/thing/s"), URIRef("http://x.test/ns#p")


def graph(*values: str) -> Graph:
    g = Graph()
    for v in values:
        g.add((S, P, Literal(v)))
    return g


def values(store: GraphStore) -> set[str]:
    return {str(r[0]) for r in store.query(f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}")}


def test_replace_graph_replaces_and_remove_graph_removes(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("old", "kept"))
    store.replace_graph(G2, graph("other"))
    store.replace_graph(G1, graph("new", "kept"))
    assert values(store) == {"new", "kept", "other"}
    assert store.graph_names() == {str(G1), str(G2)}
    assert store.triple_count() == 3
    store.remove_graph(G1)
    assert values(store) == {"other"} and store.graph_names() == {str(G2)}
    store.remove_graph(G1)  # absent: no error
    store.close()


def test_query_kinds_and_union_default(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("a"))
    assert store.query(f"ASK {{ <{S}> <{P}> 'a' }}").askAnswer
    assert not store.query(f"ASK {{ <{S}> <{P}> 'a' }}", union_default_graph=False).askAnswer
    assert len(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph) == 1
    with pytest.raises(Exception):
        store.query("SELEC nonsense")
    store.close()


def test_serialize_round_trips(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("a", "b"))
    store.replace_graph(G2, graph("c"))
    nq = Dataset().parse(data=store.serialize("nq").decode(), format="nquads")
    assert {str(c.identifier) for c in nq.graphs() if len(c)} == {str(G1), str(G2)}
    assert len(Graph().parse(data=store.serialize("ttl").decode(), format="turtle")) == 3
    assert len(Graph().parse(data=store.serialize("nt").decode(), format="nt")) == 3
    assert len(Dataset().parse(data=store.serialize("jsonld").decode(), format="json-ld")) == 3
    with pytest.raises(StoreError):
        store.serialize("xls")
    store.close()


def test_backup_opens_read_only(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("a"))
    store.backup(tmp_path / "snapshot")
    store.replace_graph(G1, graph("after backup"))
    snapshot = GraphStore.open(tmp_path / "snapshot", read_only=True)
    assert values(snapshot) == {"a"}
    with pytest.raises(StoreError):
        snapshot.replace_graph(G1, graph("x"))
    snapshot.close()
    store.close()


def test_data_survives_reopen(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("a"))
    store.close()
    del store
    import gc

    gc.collect()
    again = GraphStore.open(tmp_path / "g")
    assert values(again) == {"a"}
    again.close()
