"""End to end on the sample corpus: read -> extract -> passages -> index, on both engines.

Assertions are about the shape of a good answer (the query's words marked in a top-3 snippet,
entity links present), not about corpus-specific keys.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from search import ENGINES, SearchQuery, open_index
from search.common import group_passages

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="sample corpus not present")


@pytest.fixture(scope="module")
def corpus_passages():
    from graph.build import BuildContext
    from graph.extract import extract_document
    from graph.iris import Minter
    from graph.passages import passages_for
    from graph.read import read_document
    from graph.resolve import PeopleIndex

    extractions = [extract_document(read_document(p)) for p in sorted(CORPUS.glob("*.txt"))]
    context = BuildContext(minter=Minter("http://example.org"), people=PeopleIndex.from_extractions(extractions),
                           ingested_at="2024-01-01T00:00:00+00:00")
    return [p for x in extractions for p in passages_for(x, context)]


@pytest.fixture(scope="module", params=ENGINES)
def corpus_index(request, corpus_passages, tmp_path_factory):
    ix = open_index(tmp_path_factory.mktemp(f"corpus-{request.param}"), request.param)
    ix.replace_documents(group_passages(corpus_passages))
    return ix


def marked_words(snippet: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<mark>([^<]+)</mark>", snippet)}


@pytest.mark.parametrize("q", ["FASD training", "school meals", "child poverty", "complaints procedure petition"])
def test_topic_queries_put_a_highlighted_linked_passage_in_the_top_3(corpus_index, q):
    hits = corpus_index.search(SearchQuery(q, size=3)).hits
    words = {w.lower() for w in q.split()}
    good = [h for h in hits if words <= marked_words(h.snippet) | set(re.findall(r"\w+", h.title.lower()))
            and marked_words(h.snippet) and h.entities]
    assert good, [(h.title, h.snippet) for h in hits]


def test_inspector_query_finds_inspections_linked_to_that_person(corpus_index):
    hits = corpus_index.search(SearchQuery("Pat Speed", size=3)).hits
    assert hits and all({"pat", "speed"} <= marked_words(h.snippet) for h in hits)
    assert any(e.type == "person" and "Speed" in e.label for h in hits for e in h.entities)


def test_kind_and_date_filters_and_paging_on_the_corpus(corpus_index):
    result = corpus_index.search(SearchQuery("committee", kind="resolution", size=100))
    assert result.total > 0 and {h.kind for h in result.hits} == {"resolution"}
    year = max(result.facets["year"])
    dated = corpus_index.search(SearchQuery("committee", date_from=f"{year}-01-01", date_to=f"{year}-12-31", size=100))
    assert dated.total > 0 and all(h.date and h.date.startswith(year) for h in dated.hits)
    for q in ("school", ""):
        first = corpus_index.search(SearchQuery(q, page=1, size=5))
        second = corpus_index.search(SearchQuery(q, page=2, size=5))
        assert first.total > 10 and len(second.hits) == 5
        assert not {h.key for h in first.hits} & {h.key for h in second.hits}


def test_both_engines_return_the_same_matches(corpus_passages, tmp_path):
    indexes = {e: open_index(tmp_path / e, e) for e in ENGINES}
    for ix in indexes.values():
        ix.replace_documents(group_passages(corpus_passages))
    for q in ["school meals", '"free school meals"', "inspect*", "petition OR complaints", "school NOT meals",
              "kind:inspection outstanding", "", "AND OR ("]:
        results = {e: ix.search(SearchQuery(q, size=100)) for e, ix in indexes.items()}
        w, t = results["whoosh"], results["tantivy"]
        assert (w.total, w.facets, w.fallback) == (t.total, t.facets, t.fallback), q
        assert {h.key for h in w.hits} == {h.key for h in t.hits}, q
        assert {h.key: h.snippet for h in w.hits} == {h.key: h.snippet for h in t.hits}, q
