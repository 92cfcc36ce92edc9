"""The full-text index: one suite, run against both engines on real indexes in temp dirs."""
from __future__ import annotations

import pytest

from search import ENGINES, SearchError, SearchQuery, open_index
from search.common import group_passages
from tests.test_search_fixtures import CLLR, INSPECTOR, SCHOOL, bulk_passages, cabinet_passages, minutes_passages


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def index(tmp_path, engine):
    ix = open_index(tmp_path / "index", engine)
    ix.replace_documents(group_passages(minutes_passages() + cabinet_passages()))
    yield ix
    ix.close()


def keys(result) -> list[str]:
    return [h.key for h in result.hits]


def search(ix, q: str = "", **kw):
    return ix.search(SearchQuery(q, **kw))


# --- opening ------------------------------------------------------------------------
def test_unknown_engine_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown search engine 'lucene'.*whoosh, tantivy"):
        open_index(tmp_path, "lucene")


def test_opening_with_the_other_engine_is_refused(tmp_path, engine):
    open_index(tmp_path, engine).replace_documents(group_passages(cabinet_passages()))
    other = next(e for e in ENGINES if e != engine)
    with pytest.raises(ValueError, match=f"built with {engine}"):
        open_index(tmp_path, other)


def test_reopening_sees_committed_passages(tmp_path, engine):
    open_index(tmp_path, engine).replace_documents(group_passages(cabinet_passages()))
    again = open_index(tmp_path, engine)
    assert again.count() == 3
    assert again.documents() == {"cabinet-update-2022-06.txt": 3}


# --- query language -------------------------------------------------------------------
def test_words_are_anded_by_default(index):
    result = search(index, "school meals")
    assert set(keys(result)) == {"scrutiny-minutes-2024-09.txt#1", "cabinet-update-2022-06.txt#1",
                                 "cabinet-update-2022-06.txt#3"}
    assert search(index, "meals attendance").total == 0


def test_stemming_finds_other_forms(index):
    assert "scrutiny-minutes-2024-09.txt#3" in keys(search(index, "inspection"))  # text says "inspected"
    assert "cabinet-update-2022-06.txt#2" in keys(search(index, "inspected"))  # text says "inspections"


def test_title_is_searched_and_boosted(index):
    result = search(index, "complaints")
    assert keys(result)[0] == "scrutiny-minutes-2024-09.txt#5"
    # "Hillside" is in the title and the text of the inspection row; the title counts more.
    assert keys(search(index, "disorder")) == ["scrutiny-minutes-2024-09.txt#2"]  # only in the title


def test_phrase(index):
    assert keys(search(index, '"free school meals"'))[:1] and set(keys(search(index, '"free school meals"'))) == {
        "scrutiny-minutes-2024-09.txt#1", "cabinet-update-2022-06.txt#1"}
    assert search(index, '"meals school"').total == 0


def test_field_value(index):
    assert keys(search(index, "kind:inspection")) == ["scrutiny-minutes-2024-09.txt#3"]
    assert set(keys(search(index, "school kind:resolution"))) == {
        "scrutiny-minutes-2024-09.txt#1", "cabinet-update-2022-06.txt#3"}
    assert search(index, "committee:cabinet").total == 3  # committee is also a stemmed text field


def test_prefix(index):
    assert set(keys(search(index, "insp*"))) == {"scrutiny-minutes-2024-09.txt#3", "cabinet-update-2022-06.txt#2"}
    assert search(index, "zzq*").total == 0


def test_or_and_not(index):
    assert set(keys(search(index, "petition OR FASD"))) == {"scrutiny-minutes-2024-09.txt#5",
                                                             "scrutiny-minutes-2024-09.txt#2"}
    assert set(keys(search(index, "school NOT meals"))) == {"scrutiny-minutes-2024-09.txt#3",
                                                             "cabinet-update-2022-06.txt#2"}
    assert search(index, "NOT school").total == 8 - 5


@pytest.mark.parametrize("bad, finds", [('"school meals', 3), ("(school", 5), ("school)", 5), ("AND OR (", None),
                                        ("petition OR", None)])
def test_malformed_query_falls_back_to_words(index, bad, finds):
    result = search(index, bad)
    assert result.fallback is True
    assert "could not be read" in result.message
    if finds is not None:
        assert result.total == finds


def test_syntax_only_query_finds_nothing_and_says_so(index):
    result = search(index, "()")
    assert result.fallback and result.total == 0 and result.hits == []


# --- filters ------------------------------------------------------------------------
def test_kind_filter_returns_only_that_kind(index):
    result = search(index, "school", kind="resolution")
    assert result.total == 2 and {h.kind for h in result.hits} == {"resolution"}


def test_committee_and_council_filters(index):
    assert {h.committee for h in search(index, "school", committee="Cabinet").hits} == {"Cabinet"}
    assert keys(search(index, "school", council="Other Council")) == ["cabinet-update-2022-06.txt#3"]


def test_date_filter_is_inclusive_and_month_dates_compare_by_first_day(index):
    result = search(index, "school", date_from="2024-09-24", date_to="2024-09-24")
    assert result.hits and {h.date for h in result.hits} == {"2024-09-24"}
    # "2022-06" counts as 2022-06-01; the undated report never matches a date filter.
    assert set(keys(search(index, "", date_from="2022-06-01", date_to="2022-06-14"))) == {
        "cabinet-update-2022-06.txt#1"}
    assert search(index, "", date_to="2030-01-01").total == 7


def test_entity_filter_with_empty_query_lists_the_entitys_passages(index):
    assert set(keys(search(index, "", entity=SCHOOL.id))) == {"scrutiny-minutes-2024-09.txt#3",
                                                              "cabinet-update-2022-06.txt#2"}
    assert keys(search(index, "inspected", entity=INSPECTOR.id)) == ["scrutiny-minutes-2024-09.txt#3"]
    assert search(index, "", entity="http://example.org/id/person/nobody").total == 0


@pytest.mark.parametrize("kwargs, message", [
    (dict(page=0), "page"), (dict(size=0), "size"), (dict(size=101), "size"),
    (dict(sort="score"), "sort"), (dict(date_from="24/09/2024"), "ISO day"),
    (dict(date_from="2024-09-30", date_to="2024-09-01"), "empty"),
])
def test_bad_request_values_raise_search_error(index, kwargs, message):
    with pytest.raises(SearchError, match=message):
        search(index, "school", **kwargs)


# --- sorting and paging ---------------------------------------------------------------
def test_sort_by_date(index):
    dates = [h.date for h in search(index, "school", sort="-date").hits]
    assert dates[:4] == ["2024-09-24", "2024-09-24", "2022-06-15", "2022-06"]
    assert [h.date for h in search(index, "school", sort="date").hits][-1] == "2024-09-24"


def test_pages_are_disjoint_and_stable(tmp_path, engine):
    ix = open_index(tmp_path, engine)
    ix.replace_documents(group_passages(bulk_passages(45)))
    for sort in ("relevance", "date", "-date"):
        pages = [keys(search(ix, "budget monitoring", sort=sort, page=p, size=10)) for p in range(1, 6)]
        flat = [k for page in pages for k in page]
        assert len(flat) == 45 and len(set(flat)) == 45, sort
        assert pages == [keys(search(ix, "budget monitoring", sort=sort, page=p, size=10)) for p in range(1, 6)]
        assert flat == keys(search(ix, "budget monitoring", sort=sort, size=45)), sort  # whatever the page size
    assert search(ix, "budget", page=6, size=10).hits == []


def test_ties_keep_one_order_across_pages_whatever_order_they_were_indexed_in(tmp_path, engine):
    """Tied passages indexed in reverse key order, over two commits (two segments). whoosh
    orders ties by key; tantivy keeps its own index order, which is one total order per commit."""
    ix = open_index(tmp_path, engine)
    ix.replace_documents(group_passages(bulk_passages(30, document="b-programme.txt")[::-1]))
    ix.replace_documents(group_passages(bulk_passages(30, document="a-programme.txt")[::-1]))
    expected = [f"a-programme.txt#{i:03d}" for i in range(30)] + [f"b-programme.txt#{i:03d}" for i in range(30)]
    pages = [keys(search(ix, "budget", page=p, size=7)) for p in range(1, 10)]
    flat = [k for page in pages for k in page]
    assert sorted(flat) == expected and flat == keys(search(ix, "budget", size=60))
    if engine == "whoosh":
        assert flat == expected


# --- facets, snippets, suggestions ----------------------------------------------------
def test_facets_count_all_matches_not_just_the_page(index):
    result = search(index, "school", size=1)
    assert len(result.hits) == 1 and result.total == 5
    assert result.facets["kind"] == {"resolution": 2, "update": 1, "inspection": 1, "report": 1}
    assert result.facets["committee"] == {"Cabinet": 3, "Children's Services Scrutiny Committee": 2}
    assert result.facets["year"] == {"2022": 2, "2024": 2}  # the undated report has no year


def test_snippet_marks_matches_and_escapes_the_rest(index):
    hit = search(index, "declarations").hits[0]
    assert "<mark>declarations</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "<img" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "onerror=" in hit.snippet  # shown, as inert text
    stemmed = search(index, "inspection", kind="inspection").hits[0]
    assert "<mark>inspected</mark>" in stemmed.snippet
    prefixed = search(index, "insp*", kind="inspection").hits[0]
    assert "<mark>inspected</mark>" in prefixed.snippet and "<mark>Inspector</mark>" in prefixed.snippet
    assert "<mark>" not in search(index, "school NOT meals", kind="report").hits[0].snippet.replace(
        "<mark>schools</mark>", "")


def test_hits_carry_what_a_page_renders(index):
    hit = search(index, "petition").hits[0]
    assert (hit.title, hit.kind, hit.page, hit.date) == ("Complaints Procedure", "agenda_item", 7, "2024-09-24")
    assert hit.document == "scrutiny-minutes-2024-09.txt" and hit.council == "Example Borough Council"
    assert CLLR in hit.entities and hit.score > 0


def test_did_you_mean_when_nothing_is_found(index):
    result = search(index, "petitoin complaints")
    assert result.total == 0 and result.suggestion == "petition complaints"
    assert search(index, "petition").suggestion is None
    assert search(index, "qqqqqqq").suggestion is None


# --- writing ------------------------------------------------------------------------
def test_add_replace_and_remove_a_document_without_rebuilding(index):
    from search.base import IndexedPassage

    assert search(index, "trampoline").total == 0
    doc = "new-agenda.txt"
    index.replace_documents({doc: [IndexedPassage(f"{doc}#1", doc, "agenda_item", "Parks", "A trampoline park bid.")]})
    assert keys(search(index, "trampoline")) == [f"{doc}#1"]
    index.replace_documents({doc: [IndexedPassage(f"{doc}#1", doc, "agenda_item", "Parks", "A skate park bid."),
                                   IndexedPassage(f"{doc}#2", doc, "resolution", "Parks", "RESOLVED: skate park.")]})
    assert search(index, "trampoline").total == 0
    assert search(index, "skate").total == 2
    assert index.documents()[doc] == 2 and index.count() == 10
    assert search(index, "school").total == 5  # other documents untouched
    index.remove_documents([doc])
    assert search(index, "skate").total == 0 and doc not in index.documents()


def test_a_second_handle_sees_commits_from_the_first(tmp_path, engine):
    reader = open_index(tmp_path, engine)
    writer = open_index(tmp_path, engine)
    assert search(reader, "school").total == 0  # reader's searcher is now cached
    writer.replace_documents(group_passages(cabinet_passages()))
    assert search(reader, "school").total == 3
    writer.remove_documents(["cabinet-update-2022-06.txt"])
    assert search(reader, "school").total == 0


def test_a_failed_replace_leaves_the_index_as_it_was(index):
    from search.base import IndexedPassage

    before = index.documents()
    bad = {"scrutiny-minutes-2024-09.txt": [IndexedPassage("x#1", "another.txt", "minutes", "T", "text")]}
    with pytest.raises(ValueError, match="belongs to"):
        index.replace_documents(bad)
    assert index.documents() == before and search(index, "school").total == 5


def test_prepared_passages_commit_as_replace_does(tmp_path, engine):
    """Passages prepared apart (as ingest workers do: whoosh writes uncommitted segments) and
    committed in one go give the index that one replace_documents gives."""
    import search as search_package
    from search.base import IndexedPassage

    whole = group_passages(minutes_passages() + cabinet_passages())
    names = sorted(whole)
    replaced = open_index(tmp_path / "replaced", engine)
    replaced.replace_documents(whole)
    prepared = open_index(tmp_path / "prepared", engine)
    prepared.replace_documents({names[0]: [IndexedPassage(f"{names[0]}#old", names[0], "minutes", "Old", "obsolete")]})
    parts = [search_package.prepare_passages(tmp_path / "prepared", engine, {name: whole[name]}) for name in names]
    parts.append(search_package.prepare_passages(tmp_path / "prepared", engine, {}))  # nothing to prepare
    assert search(prepared, "school").total == 0  # nothing is visible before the commit
    prepared.commit_prepared(parts, names)
    assert prepared.documents() == replaced.documents()
    for q in ("school", "obsolete", '"school meals"', "petition OR inspection"):
        assert keys(search(prepared, q)) == keys(search(replaced, q)), q
    assert search(prepared, "obsolete").total == 0  # the old version of a named document is gone


def test_a_failed_prepare_leaves_nothing_behind(tmp_path, engine):
    import search as search_package
    from search.base import IndexedPassage

    ix = open_index(tmp_path / "index", engine)
    ix.replace_documents(group_passages(cabinet_passages()))
    before = sorted(p.name for p in (tmp_path / "index").iterdir())
    bad = {"a.txt": [IndexedPassage("a#1", "a.txt", "minutes", "T", "fine")],
           "b.txt": [IndexedPassage("x#1", "another.txt", "minutes", "T", "text")]}
    with pytest.raises(ValueError, match="belongs to"):
        ix.commit_prepared([search_package.prepare_passages(tmp_path / "index", engine, bad)], list(bad))
    assert ix.documents() == {"cabinet-update-2022-06.txt": 3}
    if engine == "whoosh":  # a failed segment's files are cleared by the next commit
        ix.commit_prepared([], [])
        after = sorted(p.name for p in (tmp_path / "index").iterdir())
        assert [n for n in after if not n.endswith(".toc")] == [n for n in before if not n.endswith(".toc")]
    assert ix.documents() == {"cabinet-update-2022-06.txt": 3}
