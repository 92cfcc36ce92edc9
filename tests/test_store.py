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


def test_query_kinds_and_merged_default_graph(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("a"))
    assert store.query(f"ASK {{ <{S}> <{P}> 'a' }}").askAnswer
    assert len(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph) == 1
    with pytest.raises(Exception):
        store.query("SELEC nonsense")
    store.close()


def test_select_gives_term_texts_as_query_does(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("a", "b"))
    sparql = f"SELECT ?s ?o ?missing WHERE {{ ?s <{P}> ?o OPTIONAL {{ ?s <{P}x> ?missing }} }} ORDER BY ?o"
    assert store.select(sparql) == [(str(S), "a", None), (str(S), "b", None)]
    assert store.select(sparql) == [tuple(None if v is None else str(v) for v in row) for row in store.query(sparql)]
    with pytest.raises(StoreError):
        store.select("SELEC nonsense")
    store.close()


def test_a_triple_stated_by_many_documents_is_answered_once(tmp_path):
    """Oxigraph's union default graph is a bag; the store's merged default graph is a set."""
    store = GraphStore.open(tmp_path / "g")
    for i in range(4):
        store.replace_graph(URIRef(f"http://x.test/id/document/{i}"), graph("same", f"only-{i}"))
    rows = list(store.query(f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}"))
    assert sorted(str(r[0]) for r in rows) == sorted(["same"] + [f"only-{i}" for i in range(4)])
    # joins do not multiply: 5 values, joined with themselves
    assert len(list(store.query(f"SELECT ?a ?b WHERE {{ <{S}> <{P}> ?a . <{S}> <{P}> ?b }}"))) == 25
    graphs = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{S}> <{P}> 'same' }} }}", union_default_graph=False)
    assert len(list(graphs)) == 4  # provenance: every document that says it
    assert store.triple_count() == 8
    store.close()


def test_the_merged_graph_follows_replace_and_remove(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("shared", "old"))
    store.replace_graph(G2, graph("shared"))
    store.replace_graph(G1, graph("new"))
    assert values(store) == {"shared", "new"}  # "old" went with the only graph that stated it
    store.remove_graph(G2)
    assert values(store) == {"new"}
    store.remove_graph(G1)
    assert values(store) == set() and len(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph) == 0
    store.close()


def test_a_store_from_before_the_merged_graph_is_migrated(tmp_path):
    import pyoxigraph

    raw = pyoxigraph.Store(str(tmp_path / "g"))
    for g in (G1, G2):
        raw.add(pyoxigraph.Quad(pyoxigraph.NamedNode(str(S)), pyoxigraph.NamedNode(str(P)), pyoxigraph.Literal("x"),
                                pyoxigraph.NamedNode(str(g))))
    raw.flush()
    del raw
    store = GraphStore.open(tmp_path / "g")
    assert not store.merged
    assert len(list(store.query(f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}"))) == 2  # the union view, as before
    assert store.ensure_merged()
    assert store.merged and len(list(store.query(f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}"))) == 1
    assert not store.ensure_merged()
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


def test_n_triples_text_goes_in_whole_with_awkward_literals(tmp_path):
    """replace_graph takes N-Triples text too (what ingest workers send); literals with line and page
    breaks, quotes and a final full stop arrive intact, in the document graph and the merged graph."""
    awkward = ["page one\fpage two", "line\u2028separator", 'said "noted".', "ends with a dot .", "back\\slash\r\n"]
    g = graph(*awkward)
    g.add((S, URIRef("http://x.test/ns#n"), Literal(3)))
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, g.serialize(format="nt"))
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}", union_default_graph=False)
    assert {(s, p, str(o)) for s, p, o in rows} == {(s, p, str(o)) for s, p, o in g}  # plain = xsd:string
    assert values(store) == set(awkward)
    assert store.triple_count() == len(g)
    store.replace_graph(G1, graph("replaced").serialize(format="nt"))  # the replacing path takes text too
    assert values(store) == {"replaced"}
    store.close()


def _merged_equals_union(store: GraphStore) -> bool:
    default = store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    union = store.select("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", union_default_graph=False)
    return sorted(default) == sorted(union)


def test_add_graphs_writes_new_graphs_and_replaces_known_ones(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    store.replace_graph(G1, graph("old", "kept"))
    g3 = URIRef("http://x.test/id/document/c")
    store.add_graphs([(G1, graph("new", "kept").serialize(format="nt")),
                      (G2, graph("b", "shared").serialize(format="nt")),
                      (g3, graph("first").serialize(format="nt")),
                      (g3, graph("second", "shared").serialize(format="nt"))])  # named twice: the later wins
    assert values(store) == {"new", "kept", "b", "shared", "second"}
    assert store.graph_names() == {str(G1), str(G2), str(g3)}
    assert store.triple_count() == 6 and _merged_equals_union(store)
    store.add_graphs([])  # nothing to do
    store.close()


def test_add_graphs_rejects_bad_n_triples_with_a_store_error(tmp_path):
    store = GraphStore.open(tmp_path / "g")
    with pytest.raises(StoreError):
        store.add_graphs([(G1, "<http://x.test/s> <http://x.test/p> not-a-term .\n")])
    store.close()


def test_a_bulk_load_cut_short_is_undone_by_removing_the_unvouched_graphs(tmp_path):
    """What a run killed inside add_graphs leaves: the batch's named graphs (whole or partial) and,
    from the second load, part of their triples in the merged graph. Removing the graphs the
    manifest does not vouch for (what the next run's reconcile does) leaves the merged graph equal
    to the union again; a triple a vouched graph also states stays."""
    import pyoxigraph

    store = GraphStore.open(tmp_path / "g")
    store.add_graphs([(G1, graph("vouched", "shared").serialize(format="nt"))])
    g3 = URIRef("http://x.test/id/document/c")
    cut = graph("shared", "only-new-1", "only-new-2", "only-new-3").serialize(format="nt")
    # "shared" first, so the cut-short second load leaves out a triple only the new graphs state
    lines = sorted((line for line in cut.splitlines() if line), key=lambda line: ("shared" not in line, line))
    ox = store._ox
    ox.bulk_load("".join(line[:-1] + f"<{G2}> .\n" for line in lines), format=pyoxigraph.RdfFormat.N_QUADS)
    ox.bulk_load("".join(line[:-1] + f"<{g3}> .\n" for line in lines[:2]), format=pyoxigraph.RdfFormat.N_QUADS)
    ox.bulk_load("\n".join(lines[:3]) + "\n", format=pyoxigraph.RdfFormat.N_TRIPLES)  # the second load, cut short
    assert not _merged_equals_union(store)  # the cut: one of G2's triples is missing from the merged graph
    for name in store.graph_names() - {str(G1)}:
        store.remove_graph(URIRef(name))
    assert values(store) == {"vouched", "shared"}
    assert _merged_equals_union(store)
    store.close()


def test_sparql_string_round_trips_awkward_text():
    from graph.vocab import sparql_string, sparql_values

    store = GraphStore.memory()
    for text in ['plain', 'say "hi"', "back\\slash", "two\nlines\r\n", "O'Neill", "", "\\\"", "tab\there"]:
        assert store.select(f"SELECT ?x WHERE {{ BIND({sparql_string(text)} AS ?x) }}") == [(text,)]
    rows = store.select(f"SELECT ?k WHERE {{ {sparql_values('k', ['a', 'b', 'c'], size=2)[1]} }}")
    assert rows == [("c",)]
