"""Linked data: every entity IRI ``{base_iri}/id/...`` is served here (HTML, Turtle, JSON-LD, N-Triples), and ``/ontology``."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, render_template, request

from web.errors import ApiError
from web.params import MAX_IRI_CHARS
from web.resources import get_graph, settings

bp = Blueprint("linked_data", __name__)

RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt", "application/rdf+xml": "xml"}
# Path segments minted by graph.iris are slugs; allow a little more (percent-escapes, dots, underscores), never '..'.
_REST_RE = re.compile(r"^[A-Za-z0-9._~%-]+(/[A-Za-z0-9._~%-]+)*$")
ONTOLOGY_PATH = Path(__file__).resolve().parent.parent / "ontology.ttl"
LABEL_PREDICATES = ("<http://www.w3.org/2000/01/rdf-schema#label>", "<http://www.w3.org/2004/02/skos/core#prefLabel>",
                    "<http://xmlns.com/foaf/0.1/name>", "<https://schema.org/name>")


def iri_for_rest(rest: str) -> str:
    """The entity IRI for an /id/ path; 400 for paths that cannot be one (traversal, odd characters, too long)."""
    segments = rest.split("/")
    if (len(rest) > MAX_IRI_CHARS or not _REST_RE.match(rest) or any(s in {".", ".."} for s in segments)):
        raise ApiError(400, "Invalid entity path: only slugs separated by '/' are allowed.", [{"param": "rest", "message": "invalid path"}])
    return f"{settings()['base_iri']}/id/{rest}"


def entity_graph(iri: str):
    """The entity's triples (both directions), its neighbours' labels and its sources' pages, as an rdflib Graph."""
    values = " ".join(LABEL_PREDICATES)
    sparql = f"""
    CONSTRUCT {{ <{iri}> ?p ?o . ?o ?lp ?ol . ?s ?p2 <{iri}> . ?s ?lp2 ?sl . }}
    WHERE {{
      {{ <{iri}> ?p ?o OPTIONAL {{ ?o ?lp ?ol VALUES ?lp {{ {values} }} }} }}
      UNION
      {{ ?s ?p2 <{iri}> OPTIONAL {{ ?s ?lp2 ?sl VALUES ?lp2 {{ {values} }} }} }}
    }}"""
    graph = get_graph().query(sparql).graph
    from graph.vocab import PREFIXES

    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def negotiate_rdf(default: str = "text/turtle") -> str:
    """text/html for browsers, else the best RDF type (Turtle for */*)."""
    choices = [default] + [m for m in RDF_TYPES if m != default] + ["text/html", "application/json"]
    if not request.headers.get("Accept", "").strip():
        return default
    best = request.accept_mimetypes.best_match(choices)
    if best is None:
        raise ApiError(406, "Available media types: " + ", ".join(choices))
    return "application/ld+json" if best == "application/json" else best


@bp.get("/id/<path:rest>")
def entity(rest: str) -> Response:
    """An entity's linked-data document; 404 in the error shape for IRIs without triples."""
    iri = iri_for_rest(rest)
    media_type = negotiate_rdf()
    if media_type == "text/html":
        from web.pages import render_entity

        return render_entity(iri)
    graph = entity_graph(iri)
    if len(graph) == 0:
        raise ApiError(404, "Unknown entity: no triples about this IRI.", [{"param": "id", "message": "unknown entity"}])
    body = graph.serialize(format=RDF_TYPES[media_type], encoding="utf-8")
    return Response(body, mimetype=media_type, headers={"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"'})


@lru_cache(maxsize=1)
def ontology_summary() -> dict:
    """Classes and properties of ontology.ttl with labels and comments, for the HTML view."""
    from rdflib import Graph
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

    graph = Graph().parse(ONTOLOGY_PATH, format="turtle")

    def describe(kind) -> list[dict]:
        items = []
        for term in sorted(set(graph.subjects(RDF.type, kind))):
            items.append({"iri": str(term), "label": str(graph.value(term, RDFS.label) or term.split("#")[-1].split("/")[-1]),
                          "comment": str(graph.value(term, RDFS.comment) or ""),
                          "domain": str(graph.value(term, RDFS.domain) or ""), "range": str(graph.value(term, RDFS.range) or "")})
        return items

    ontology = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    return {
        "iri": str(ontology or ""),
        "title": str((ontology and (graph.value(ontology, RDFS.label) or graph.value(ontology, DCTERMS.title))) or "councilgraph ontology"),
        "classes": describe(OWL.Class) or describe(RDFS.Class),
        "object_properties": describe(OWL.ObjectProperty),
        "datatype_properties": describe(OWL.DatatypeProperty),
    }


@bp.get("/ontology")
def ontology() -> Response:
    """ontology.ttl as Turtle, or HTML documentation for browsers."""
    media_type = negotiate_rdf()
    if not ONTOLOGY_PATH.exists():
        raise ApiError(404, "The ontology file is not installed.")
    if media_type == "text/html":
        return Response(render_template("ontology.html", onto=ontology_summary()), mimetype="text/html")
    if media_type == "text/turtle":
        return Response(ONTOLOGY_PATH.read_bytes(), mimetype="text/turtle")
    from rdflib import Graph

    graph = Graph().parse(ONTOLOGY_PATH, format="turtle")
    return Response(graph.serialize(format=RDF_TYPES[media_type], encoding="utf-8"), mimetype=media_type)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
