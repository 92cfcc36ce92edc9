"""The /sparql endpoint: protocol, content negotiation, read-only guard, limits, and unmodified clients.

Runs on a small data dir whose snapshot is a real Oxigraph store filled here, so these
tests do not depend on extraction; the corpus is queried in test_server_*.
"""
from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from tests.conftest import app_over, live_server

EX = "http://example.org/"
N_THINGS = 60


def make_data_dir(root: Path) -> Path:
    """A data dir whose manifest names one snapshot holding two named graphs."""
    (root / "snapshots").mkdir()
    store = ox.Store(str(root / "snapshots" / "000001"))
    for i in range(N_THINGS):
        graph = ox.NamedNode(EX + ("g1" if i % 2 else "g2"))
        thing = ox.NamedNode(f"{EX}thing/{i}")
        store.add(ox.Quad(thing, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(f"Thing {i}", language="en"), graph))
        store.add(ox.Quad(thing, ox.NamedNode(EX + "rank"), ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), graph))
    store.flush()
    del store
    manifest = {"version": 1, "generation": 1, "snapshot": "snapshots/000001", "engine": "whoosh", "documents": {}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


@pytest.fixture(scope="module")
def small_app(tmp_path_factory):
    root = make_data_dir(tmp_path_factory.mktemp("sparql-data"))
    with app_over(root, sparql_timeout=3.0, sparql_max_rows=100) as app:
        yield app


@pytest.fixture()
def sc(small_app):
    return small_app.test_client()


@pytest.fixture(scope="module")
def small_url(small_app):
    with live_server(small_app) as url:
        yield url


LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}rank> ?r }} WHERE {{ ?s <{EX}rank> ?r FILTER(?r < 3) }}"


def expected_construct() -> Graph:
    graph = Graph()
    for i in range(3):
        graph.add((URIRef(f"{EX}thing/{i}"), URIRef(EX + "rank"), Literal(i)))
    return graph


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list)
    assert "Traceback" not in body["error"] and "/work/" not in json.dumps(body) and "/tmp/" not in json.dumps(body)
    return body


def test_select_json_queries_union_of_named_graphs(sc):
    response = sc.get("/sparql", query_string={"query": LABELS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    body = response.get_json()
    assert body["head"]["vars"] == ["s", "label"]
    rows = body["results"]["bindings"]
    assert len(rows) == N_THINGS  # both named graphs are in the default graph
    assert {"type": "literal", "value": "Thing 0", "xml:lang": "en"} in [r["label"] for r in rows]


@pytest.mark.parametrize("accept,parse", [
    ("application/sparql-results+xml", lambda b: b.count(b"<result>")),
    ("text/csv", lambda b: len(list(csv.reader(io.StringIO(b.decode())))) - 1),
    ("text/tab-separated-values", lambda b: len(b.decode().strip().split("\n")) - 1),
])
def test_select_content_negotiation(sc, accept, parse):
    response = sc.get("/sparql", query_string={"query": LABELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert parse(response.data) == N_THINGS


_XSD = "http://www.w3.org/2001/XMLSchema#"
SOLUTIONS = [  # every kind of term a worker sends, unbound values and non-ASCII text included
    [("uri", f"{EX}a"), ("literal", "Thing", "en", None), ("literal", "5", None, _XSD + "integer"), ("bnode", "b0")],
    [("uri", f"{EX}b"), ("literal", 'café "quoted"\nline', None, _XSD + "string"), None, None],
    [("uri", f"{EX}c"), ("literal", "dir", "ar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"),
     ("literal", "2024-01-30", None, _XSD + "date"), ("literal", "plain", None, None)],
]


@pytest.mark.parametrize("answer", [
    pytest.param(("solutions", ["s", "label", "n", "b"], SOLUTIONS), id="select"),
    pytest.param(("solutions", ["s"], []), id="no-rows"),
    pytest.param(("boolean", True, None), id="ask-true"),
    pytest.param(("boolean", False, None), id="ask-false"),
])
def test_results_json_is_the_document_rdflib_writes(answer):
    from web.sparql import serialize_with_rdflib, sparql_results_json
    from web.sparql_worker import QueryAnswer

    kind, second, rows = answer
    made = QueryAnswer("boolean", boolean=second) if kind == "boolean" else QueryAnswer(kind, variables=second, rows=rows)
    ours = sparql_results_json(made)
    assert json.loads(ours) == json.loads(serialize_with_rdflib(made, "application/sparql-results+json"))
    assert ours.decode("utf-8")  # UTF-8, as the media type says


def test_tsv_uses_rdf_term_syntax(sc):
    response = sc.get("/sparql", query_string={"query": LABELS + " LIMIT 1"}, headers={"Accept": "text/tab-separated-values"})
    header, row = response.get_data(as_text=True).strip().split("\n")
    assert header == "?s\t?label"
    assert row == f'<{EX}thing/0>\t"Thing 0"@en'


def test_ask(sc):
    yes = sc.get("/sparql", query_string={"query": f"ASK {{ <{EX}thing/1> ?p ?o }}"})
    no = sc.get("/sparql", query_string={"query": f"ASK {{ <{EX}nothing> ?p ?o }}"})
    assert yes.get_json()["boolean"] is True and no.get_json()["boolean"] is False


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
])
def test_construct_content_negotiation(sc, accept, fmt):
    response = sc.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert isomorphic(Graph().parse(data=response.data, format=fmt), expected_construct())


def test_format_parameter_beats_accept(sc):
    response = sc.get("/sparql", query_string={"query": LABELS, "format": "csv"}, headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == "text/csv"
    response = sc.get("/sparql", query_string={"query": CONSTRUCT, "output": "json"})
    assert response.mimetype == "application/ld+json"


def test_post_form_and_sparql_query_body(sc):
    form = sc.post("/sparql", data={"query": LABELS})
    raw = sc.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query")
    assert form.status_code == raw.status_code == 200
    assert form.get_json() == raw.get_json()


def test_unacceptable_media_type_is_406(sc):
    assert_error_shape(sc.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "image/png"}), 406)


@pytest.mark.parametrize("hostile", [
    f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}",
    f"DELETE WHERE {{ ?s ?p ?o }}",
    "LOAD <http://example.org/data.ttl>",
    "load <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>",
    "CLEAR ALL",
    "DROP GRAPH <http://example.org/g1>",
    "CREATE GRAPH <http://example.org/new>",
    f"PREFIX x: <{EX}> INSERT {{ ?s x:p 1 }} WHERE {{ ?s ?p ?o }}",
])
def test_updates_are_refused_and_nothing_changes(sc, hostile):
    for response in (sc.get("/sparql", query_string={"query": hostile}),
                     sc.post("/sparql", data={"update": hostile}),
                     sc.post("/sparql", data=hostile.encode(), content_type="application/sparql-update")):
        body = assert_error_shape(response, 400)
        assert "not allowed" in body["error"]
    count = sc.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).get_json()
    assert count["results"]["bindings"][0]["n"]["value"] == str(2 * N_THINGS)


@pytest.mark.parametrize("federated", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { ?a ?b ?c OPTIONAL { service silent <http://example.org/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } } } }",
    "ASK { FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    r"SELECT * WHERE { SERVIC\u0045 <http://example.org/sparql> { ?s ?p ?o } }",  # SPARQL resolves \u first
])
def test_service_is_refused(sc, federated):
    body = assert_error_shape(sc.get("/sparql", query_string={"query": federated}), 400)
    assert "SERVICE" in body["error"]


@pytest.mark.parametrize("query,checked", [
    ("SELECT ?s WHERE { ?s ?p ?o }", False),
    ("ASK { ?s a <http://example.org/Thing> }", False),
    ("select * { serVice <http://example.org/sparql> { ?s ?p ?o } }", True),
    (r"SELECT * { SERVIC\u0045 <http://example.org/sparql> { ?s ?p ?o } }", True),
    (r"SELECT * { SERVIC\U00000045 <http://example.org/sparql> { ?s ?p ?o } }", True),
    ('SELECT ?s { ?s ?p "Children\'s Services" }', True),  # conservative: a literal counts too
    ("SELECT * WHERE " + "{ " * 70 + "?s ?p ?o" + " }" * 70, True),
    ("SELECT * WHERE " + "{ " * 20 + "?s ?p ?o" + " }" * 20, False),
])
def test_which_queries_rdflib_checks_first(query, checked):
    from web.sparql import needs_grammar_check

    assert needs_grammar_check(query) is checked


def test_a_query_checked_first_is_answered_as_any_other(sc):
    query = 'SELECT ?s WHERE { ?s ?p ?o FILTER(?o != "Social Services") } ORDER BY ?s LIMIT 3'
    response = sc.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert [b["s"]["value"] for b in response.get_json()["results"]["bindings"]] == [f"{EX}thing/0"] * 2 + [f"{EX}thing/1"]


def test_deep_nesting_is_a_clear_400(sc):
    body = assert_error_shape(sc.get("/sparql", query_string={"query": "SELECT * WHERE " + "{" * 2000 + "}" * 2000}), 400)
    assert "SPARQL" in body["error"]


def test_malformed_query_gets_the_parser_message(sc):
    body = assert_error_shape(sc.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p "}), 400)
    assert "Malformed SPARQL query" in body["error"]
    assert "col" in body["error"] or "char" in body["error"]


def test_undefined_prefix_is_a_400_from_the_store(sc):
    body = assert_error_shape(sc.get("/sparql", query_string={"query": "SELECT * WHERE { ?s nope:p ?o }"}), 400)
    assert "Prefix not found" in body["error"] and "1:27" in body["error"]


def test_missing_and_too_long_query(sc, small_app):
    assert_error_shape(sc.get("/sparql", headers={"Accept": "application/json"}), 400)
    limit = small_app.config["COUNCILGRAPH"]["max_query_chars"]
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    body = assert_error_shape(sc.get("/sparql", query_string={"query": long_query}), 400)
    assert "max_query_chars" in body["error"]


def test_browser_without_query_gets_a_form(sc):
    response = sc.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and b"<form" in response.data


def test_body_over_max_request_bytes_is_413(sc, small_app):
    limit = small_app.config["COUNCILGRAPH"]["max_request_bytes"]
    body = assert_error_shape(sc.post("/sparql", data=b"#" * (limit + 1), content_type="application/sparql-query"), 413)
    assert "max_request_bytes" in body["error"]


def test_row_limit_cuts_and_says_so(tmp_path):
    from server import create_app

    app = create_app({"data_dir": str(make_data_dir(tmp_path)), "sparql_max_rows": 7})
    try:
        response = app.test_client().get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
        assert len(response.get_json()["results"]["bindings"]) == 7
        assert response.headers["X-Councilgraph-Truncated"].startswith("true")
        construct = app.test_client().get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
        assert len(construct.get_data(as_text=True).strip().split("\n")) == 7
    finally:
        app.extensions["councilgraph_sparql"].close()


CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_runaway_query_is_stopped_while_others_are_answered(small_url):
    finished: list[str] = []
    slow_response: dict = {}

    def run_slow() -> None:
        response = requests.get(f"{small_url}/sparql", params={"query": CROSS_PRODUCT}, timeout=60)
        slow_response["status"] = response.status_code
        slow_response["body"] = response.json()
        finished.append("slow")

    slow = threading.Thread(target=run_slow)
    slow.start()
    # Other requests, SPARQL included, are answered while the cross product runs.
    for _ in range(3):
        quick = requests.get(f"{small_url}/sparql", params={"query": f"ASK {{ <{EX}thing/1> ?p ?o }}"}, timeout=60)
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        assert requests.get(f"{small_url}/openapi.json", timeout=60).status_code == 200
    finished.append("quick")
    slow.join(60)
    assert finished == ["quick", "slow"]
    assert slow_response["status"] == 503
    assert slow_response["body"]["ok"] is False and "sparql_timeout" in slow_response["body"]["error"]
    # The killed worker was replaced: the endpoint still answers.
    again = requests.get(f"{small_url}/sparql", params={"query": LABELS}, timeout=60)
    assert again.status_code == 200 and len(again.json()["results"]["bindings"]) == N_THINGS


def test_sparqlwrapper_unmodified(small_url):
    from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(f"{small_url}/sparql")
    client.setQuery(LABELS)
    for fmt in (JSON, XML, CSV):
        client.setReturnFormat(fmt)
        converted = client.query().convert()
        if fmt == JSON:
            assert len(converted["results"]["bindings"]) == N_THINGS
        elif fmt == XML:
            assert len(converted.getElementsByTagName("result")) == N_THINGS
        else:
            assert len(converted.decode().strip().splitlines()) == N_THINGS + 1
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    assert isomorphic(Graph().parse(data=client.query().convert(), format="turtle"), expected_construct())
    client.setReturnFormat(XML)  # SPARQLWrapper's default for CONSTRUCT: RDF/XML, converted to an rdflib Graph
    assert isomorphic(client.query().convert(), expected_construct())
    for method in ("GET", "POST"):
        client.setMethod(method)
        client.setQuery(f"ASK {{ <{EX}thing/2> ?p ?o }}")
        client.setReturnFormat(JSON)
        assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_unmodified(small_url):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(f"{small_url}/sparql")
    graph = Graph(store=store)
    rows = list(graph.query(LABELS))
    assert len(rows) == N_THINGS and rows[0][1] == Literal("Thing 0", lang="en")
    assert isomorphic(graph.query(CONSTRUCT).graph, expected_construct())
    assert graph.query(f"ASK {{ <{EX}thing/3> ?p ?o }}").askAnswer is True
    store.method = "POST"
    assert len(list(graph.query(LABELS))) == N_THINGS
