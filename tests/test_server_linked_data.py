"""Linked data: entity IRIs served as Turtle, JSON-LD, N-Triples or HTML; /ontology."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def inspection(corpus_app) -> dict:
    client = corpus_app.test_client()
    return client.get("/api/inspections?inspector=Pat%20Speed").get_json()["results"][0]


def path_of(iri: str, base: str) -> str:
    assert iri.startswith(base + "/id/")
    return iri[len(base):]


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt"), ("*/*", "turtle")])
def test_entity_as_rdf(client, corpus_app, inspection, accept, fmt):
    base = corpus_app.config["COUNCILGRAPH"]["base_iri"]
    school = URIRef(inspection["school"]["id"])
    response = client.get(path_of(school, base), headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=fmt)
    assert (school, RDFS.label, None) in graph
    # the inspection pointing at the school comes with its label (neighbour labels)
    inspection_iri = URIRef(inspection["id"])
    assert (inspection_iri, None, school) in graph
    assert graph.value(inspection_iri, RDFS.label) is not None


def test_entity_as_html_with_sources(client, corpus_app, inspection):
    base = corpus_app.config["COUNCILGRAPH"]["base_iri"]
    response = client.get(path_of(inspection["school"]["id"], base), headers=BROWSER)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert inspection["grade"] in text and inspection["start"] in text
    assert f"/documents/{inspection['document']}" in text


def test_document_page(client, inspection):
    response = client.get(f"/documents/{inspection['document']}", headers=BROWSER)
    assert response.status_code == 200 and inspection["document"] in response.get_data(as_text=True)
    assert client.get("/documents/no-such-file.txt", headers={"Accept": "application/json"}).status_code == 404


def test_unknown_iri_is_404_in_every_format(client):
    for accept in ("text/turtle", "application/ld+json", "application/json"):
        response = client.get("/id/school/no-such-school-anywhere", headers={"Accept": accept})
        assert response.status_code == 404
        assert response.get_json()["ok"] is False
    html = client.get("/id/school/no-such-school-anywhere", headers=BROWSER)
    assert html.status_code == 404 and html.mimetype == "text/html"


def test_ontology(client):
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert len(graph) > 10
    html = client.get("/ontology", headers=BROWSER)
    classes = {str(graph.value(c, RDFS.label) or c) for c in graph.subjects(None, URIRef("http://www.w3.org/2002/07/owl#Class"))}
    assert html.status_code == 200 and any(label in html.get_data(as_text=True) for label in classes)


def test_every_entity_page_renders(client, corpus_app):
    """Every subject IRI in the corpus graph has an HTML page and a Turtle document."""
    base = corpus_app.config["COUNCILGRAPH"]["base_iri"]
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}/id/")) }}'
    subjects = [r["s"]["value"] for r in client.get("/sparql", query_string={"query": query}).get_json()["results"]["bindings"]]
    assert len(subjects) > 100
    for iri in subjects:
        path = path_of(iri, base)
        html = client.get(path, headers=BROWSER)
        assert html.status_code == 200, (path, html.get_data(as_text=True)[:300])
    kinds = {path_of(s, base).split("/")[2] for s in subjects}
    for kind in kinds:  # one Turtle document per kind is enough to cover the serialiser
        sample = next(s for s in subjects if path_of(s, base).split("/")[2] == kind)
        assert client.get(path_of(sample, base), headers={"Accept": "text/turtle"}).status_code == 200
