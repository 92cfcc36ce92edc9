"""ontology.ttl parses, code and ontology name the same terms, every used term is defined."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from graph.build import build_document_graph
from graph.vocab import CG, CG_IRI, RDFS
from tests.test_build import context_for, example_extraction, two_documents

ROOT = Path(__file__).resolve().parent.parent


def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology.ttl")


def test_code_and_ontology_name_the_same_terms():
    defined = {str(s)[len(CG_IRI):] for s in ontology().subjects() if str(s).startswith(CG_IRI)}
    in_code = set(CG.__annotations__)
    assert defined == in_code


def test_every_term_has_label_and_comment():
    graph = ontology()
    for term in CG.__annotations__:
        iri = URIRef(CG_IRI + term)
        assert graph.value(iri, RDFS.label) is not None, term
        assert graph.value(iri, RDFS.comment) is not None, term


def test_misspelt_term_fails():
    import pytest

    with pytest.raises(AttributeError):
        CG.Inspektion  # noqa: B018


def test_every_cg_term_used_in_built_graphs_is_defined():
    graph = ontology()
    for x in [example_extraction(), *two_documents()]:
        built = build_document_graph(x, context_for([x]))
        used = {t for triple in built for t in triple if isinstance(t, URIRef) and str(t).startswith(CG_IRI)}
        for term in used:
            assert graph.value(term, RDFS.label) is not None and graph.value(term, RDFS.comment) is not None, term
