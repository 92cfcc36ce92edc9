"""The graph as entities (nodes) joined by object properties (edges): neighbourhoods, shortest
connections, co-membership.

A neighbourhood or a path is read from the store outwards from its entities, level by level; the
whole projection as a networkx graph (`projection`) is for small stores and offline analysis.

Record nodes (attendance, memberships, resolutions...) are kept as nodes too, so a path
reads as the facts that join two entities (inspector -> inspection -> school, or
person -> membership -> committee). Literals, types and vocabulary terms are left out.
"""
from __future__ import annotations

from typing import Iterator

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


_NS = "https://councilgraph.org/ns#"
_MAX_NODES = 5000  # a neighbourhood or a search for a path stops growing past this many entities


def projection(store: GraphStore) -> nx.MultiDiGraph:
    """The whole entity graph: one node per IRI subject/object with a label, one edge per object
    property. It reads every link of the store: for a small store or an offline analysis, not
    for a request (`neighbours` and `shortest_path` read only the links around their entities)."""
    rows = _rows(store, f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . FILTER(isIRI(?o)) {_SKIP_FILTER}
        FILTER(!STRSTARTS(STR(?o), "{_NS}")) }}""")
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


def _values(nodes: list[str], size: int = 500) -> Iterator[str]:
    """``nodes`` as SPARQL IRIs for a VALUES clause, ``size`` at a time."""
    for i in range(0, len(nodes), size):
        yield " ".join(_iri(n) for n in nodes[i:i + size])


def _links_of(store: GraphStore, nodes: list[str]) -> set[tuple[str, str, str]]:
    """The projection's edges (subject, predicate, object) touching any of ``nodes``, either way."""
    links: set[tuple[str, str, str]] = set()
    for values in _values(nodes):
        rows = _rows(store, f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }}
            {{ ?n ?p ?o . BIND(?n AS ?s) }} UNION {{ ?s ?p ?n . BIND(?n AS ?o) }}
            FILTER(isIRI(?o)) {_SKIP_FILTER} FILTER(!STRSTARTS(STR(?o), "{_NS}")) }}""")
        links.update((row["s"], row["p"], row["o"]) for row in rows)
    return links


def _labels_of(store: GraphStore, nodes: list[str]) -> dict[str, str]:
    """Each node's longest rdfs:label (the projection's label), for the nodes that have one."""
    labels: dict[str, str] = {}
    for values in _values(nodes):
        for row in _rows(store, f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} "
                                f"?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"):
            if len(row["label"]) > len(labels.get(row["s"], "")):
                labels[row["s"]] = row["label"]
    return labels


def _node(node: str, labels: dict[str, str]) -> dict:
    return {"id": node, "label": labels.get(node, node.rsplit("/", 1)[-1]), "type": _kind(node)}


def neighbours(store: GraphStore, iri: str, depth: int = 1, *, max_nodes: int = _MAX_NODES) -> dict:
    """Entities within ``depth`` links of ``iri`` (either direction) and the links between them,
    as in the projection, read level by level from ``iri``: building the whole projection per
    request took 17 s at 1,000 documents. ``truncated``: the levels stopped at ``max_nodes``."""
    level = {iri: 0}
    frontier, links, truncated = [iri], set(), False
    for distance in range(1, max(depth, 0) + 1):
        found = _links_of(store, frontier)
        following = []
        for s, _, o in found:
            for node in (s, o):
                if node not in level:
                    level[node] = distance
                    following.append(node)
        links |= found
        frontier = following
        if len(level) > max_nodes:
            truncated = True
            break
    else:  # the links between entities of the last level, which were not expanded
        links |= {link for link in _links_of(store, frontier) if link[0] in level and link[2] in level}
    if not links and not _labels_of(store, [iri]):
        return {"id": iri, "nodes": [], "edges": []}
    labels = _labels_of(store, list(level))
    result = {
        "id": iri,
        "nodes": sorted((_node(n, labels) for n in level), key=lambda x: x["id"]),
        "edges": sorted(({"source": s, "target": o, "predicate": p} for s, p, o in links),
                        key=lambda x: (x["source"], x["predicate"], x["target"])),
    }
    if truncated:
        result["truncated"] = True
    return result


def shortest_path(store: GraphStore, source: str, target: str, *, max_nodes: int = _MAX_NODES) -> list[dict] | None:
    """Nodes along a shortest connection (links followed either way), each with the predicate
    reaching it, or None. Searched from both ends at once, a level of the smaller side at a time
    (building the whole projection per request took 19 s at 1,000 documents), and given up as
    not connected once ``max_nodes`` entities were reached. Between equals, the least IRIs and
    predicates win, so the answer does not depend on the store's order."""
    if source == target:
        labels = _labels_of(store, [source])
        return [_node(source, labels)] if labels or _links_of(store, [source]) else None
    # Per side: each node reached -> (the node it was reached from, the link between them), and its distance.
    parents: list[dict[str, tuple[str, tuple[str, str, str]] | None]] = [{source: None}, {target: None}]
    distance: list[dict[str, int]] = [{source: 0}, {target: 0}]
    frontiers = [[source], [target]]
    while all(frontiers) and len(distance[0]) + len(distance[1]) <= max_nodes:
        k = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        expanding, following = set(frontiers[k]), []
        for link in sorted(_links_of(store, frontiers[k]), key=lambda x: (x[0], x[1], x[2])):
            s, _, o = link
            for here, there in ((s, o), (o, s)):
                if here in expanding and there not in distance[k]:
                    parents[k][there] = (here, link)
                    distance[k][there] = distance[k][here] + 1
                    following.append(there)
        frontiers[k] = following
        met = [node for node in following if node in distance[1 - k]]
        if met:
            meeting = min(met, key=lambda node: (distance[1 - k][node], node))
            return _steps(store, parents, meeting)
    return None


def _walk(parents: dict[str, tuple[str, tuple[str, str, str]] | None], node: str) -> tuple[list[str], list[tuple]]:
    """The nodes from ``node`` back to its side's end, and the links between them."""
    nodes, links = [node], []
    while parents[node] is not None:
        node, link = parents[node]
        nodes.append(node)
        links.append(link)
    return nodes, links


def _steps(store: GraphStore, parents: list[dict], meeting: str) -> list[dict]:
    """The path through ``meeting`` from the source's side to the target's, as steps."""
    to_source, source_links = _walk(parents[0], meeting)
    to_target, target_links = _walk(parents[1], meeting)
    nodes = to_source[::-1] + to_target[1:]
    links = source_links[::-1] + target_links  # links[i] joins nodes[i] and nodes[i + 1]
    labels = _labels_of(store, nodes)
    steps = [_node(nodes[0], labels)]
    for i in range(1, len(nodes)):
        s, p, o = links[i - 1]
        steps.append({**_node(nodes[i], labels), "predicate": p,
                      "direction": "forward" if (s, o) == (nodes[i - 1], nodes[i]) else "inverse"})
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
