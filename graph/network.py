"""networkx over a projection of the graph: entities as nodes, object properties as edges.

Record nodes (attendance, memberships, resolutions...) are kept as nodes too, so a path
reads as the facts that join two entities (inspector -> inspection -> school, or
person -> membership -> committee). Literals, types and vocabulary terms are left out.
"""
from __future__ import annotations

import networkx as nx

from graph.queries import _iri, _rows
from graph.store import GraphStore

# Links that would make everything one hop apart without saying anything about the entities.
_SKIPPED = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/prov#wasDerivedFrom",
            "http://www.w3.org/ns/org#classification", "http://www.w3.org/ns/prov#hadRole",
            "http://www.w3.org/2004/02/skos/core#inScheme")
_SKIP_FILTER = "FILTER(?p NOT IN (" + ", ".join(f"<{p}>" for p in _SKIPPED) + "))"


def _kind(iri: str) -> str:
    return iri.split("/id/", 1)[1].split("/", 1)[0] if "/id/" in iri else "resource"


def projection(store: GraphStore) -> nx.MultiDiGraph:
    """The whole entity graph: one node per IRI subject/object with a label, one edge per object property."""
    rows = _rows(store, f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . FILTER(isIRI(?o)) {_SKIP_FILTER}
        FILTER(!STRSTARTS(STR(?o), "https://councilgraph.org/ns#")) }}""")
    labels = _rows(store, "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    graph = nx.MultiDiGraph()
    for row in labels:
        current = graph.nodes.get(row["s"], {}).get("label", "")
        if len(row["label"]) > len(current):
            graph.add_node(row["s"], label=row["label"], type=_kind(row["s"]))
    for row in rows:
        for node in (row["s"], row["o"]):
            if node not in graph:
                graph.add_node(node, label=node.rsplit("/", 1)[-1], type=_kind(node))
        graph.add_edge(row["s"], row["o"], key=row["p"], predicate=row["p"])
    return graph


def neighbours(store: GraphStore, iri: str, depth: int = 1) -> dict:
    """Entities within ``depth`` links of ``iri`` (either direction) and the links between them."""
    graph = projection(store)
    if iri not in graph:
        return {"id": iri, "nodes": [], "edges": []}
    reachable = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), iri, cutoff=max(depth, 0))
    sub = graph.subgraph(reachable)
    return {
        "id": iri,
        "nodes": sorted(({"id": n, "label": d.get("label"), "type": d.get("type")} for n, d in sub.nodes(data=True)),
                        key=lambda x: x["id"]),
        "edges": sorted(({"source": s, "target": t, "predicate": d["predicate"]} for s, t, d in sub.edges(data=True)),
                        key=lambda x: (x["source"], x["predicate"], x["target"])),
    }


def shortest_path(store: GraphStore, source: str, target: str) -> list[dict] | None:
    """Nodes along the shortest connection (links followed either way), each with the predicate reaching it."""
    graph = projection(store)
    if source not in graph or target not in graph:
        return None
    try:
        path = nx.shortest_path(graph.to_undirected(as_view=True), source, target)
    except nx.NetworkXNoPath:
        return None
    steps = []
    for i, node in enumerate(path):
        step = {"id": node, "label": graph.nodes[node].get("label"), "type": graph.nodes[node].get("type")}
        if i:
            prev = path[i - 1]
            if graph.has_edge(prev, node):
                step["predicate"] = next(iter(graph.get_edge_data(prev, node)))
                step["direction"] = "forward"
            else:
                step["predicate"] = next(iter(graph.get_edge_data(node, prev)))
                step["direction"] = "inverse"
        steps.append(step)
    return steps


def co_membership(store: GraphStore, committee_iri: str | None = None) -> nx.Graph:
    """People joined when they sit on a committee together; edge attribute ``committees`` lists where."""
    where = f"VALUES ?c {{ {_iri(committee_iri)} }}" if committee_iri else ""
    rows = _rows(store, f"""SELECT DISTINCT ?c ?p ?name WHERE {{ {where}
        ?ms a <http://www.w3.org/ns/org#Membership> ; <http://www.w3.org/ns/org#member> ?p ;
            <http://www.w3.org/ns/org#organization> ?c .
        ?p <http://xmlns.com/foaf/0.1/name> ?name }}""")
    graph = nx.Graph()
    by_committee: dict[str, set[str]] = {}
    for row in rows:
        graph.add_node(row["p"], label=row["name"], type="person")
        by_committee.setdefault(row["c"], set()).add(row["p"])
    for committee, people in by_committee.items():
        ordered = sorted(people)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if graph.has_edge(a, b):
                    graph[a][b]["committees"].append(committee)
                    graph[a][b]["weight"] += 1
                else:
                    graph.add_edge(a, b, committees=[committee], weight=1)
    return graph
