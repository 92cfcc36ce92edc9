"""The whoosh engine's array evaluator (search/whoosh_vectors.py) against whoosh's own matchers.

The reference is whoosh itself: every match scored by its matchers with no shortcut
(`searcher.search(limit=None, optimize=False)`). The evaluator must find the same documents
with the same scores, over several segments and after deletions.
"""
from __future__ import annotations

import random

import pytest

from search.base import IndexedPassage, SearchQuery
from search.query import parse_query, validate
from search.whoosh_engine import WhooshIndex, _leaves
from search.whoosh_vectors import PostingsCache, Unsupported, VectorSearcher, top_by_score

WORDS = ("school", "meals", "budget", "training", "improvement", "council", "inspection", "pupils",
         "governors", "report", "children", "transport", "special", "needs", "finance", "plan")
KINDS = ("resolution", "report", "inspection", "minutes")


def _passages(document: str, n: int, rng: random.Random) -> list[IndexedPassage]:
    out = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        out.append(IndexedPassage(f"{document}#{i:03d}", document=document, kind=rng.choice(KINDS), title=title,
                                  text=text, committee=rng.choice(("Cabinet", "Audit Committee", None)),
                                  date=f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-01"))
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> WhooshIndex:
    """Three commits (three segments), then one document replaced (deletions in an old segment)."""
    rng = random.Random(7)
    ix = WhooshIndex(tmp_path_factory.mktemp("vectors"))
    for batch in range(3):
        ix.replace_documents({f"doc-{batch}-{d}.txt": _passages(f"doc-{batch}-{d}.txt", 60, rng) for d in range(3)})
    ix.replace_documents({"doc-0-1.txt": _passages("doc-0-1.txt", 20, rng)})
    leaves = _leaves(ix._searcher().reader())
    assert len(leaves) > 1 and any(reader.has_deletions() for reader, _, _ in leaves)  # what is tested here
    yield ix
    ix.close()


QUERIES = [
    "school", "school meals", "school OR budget OR training", "school NOT meals", '"school meals"',
    '"special needs" children', "kind:inspection pupils", "title:council", "budget ANDMAYBE finance",
    "(school OR pupils) AND (meals OR transport) NOT finance", "nothingmatches", '"school meals budget"',
]


def _reference(ix: WhooshIndex, q: str) -> list[tuple[float, int]]:
    searcher = ix._searcher()
    results = searcher.search(parse_query(q).tree, limit=None, optimize=False)
    return sorted(((round(score, 9), docnum) for score, docnum in results.top_n), key=lambda t: (-t[0], t[1]))


@pytest.mark.parametrize("q", QUERIES)
def test_same_matches_and_scores_as_whooshs_matchers(index, q):
    searcher = index._searcher()
    vectors = VectorSearcher(searcher, PostingsCache(), _leaves(searcher.reader()))
    hits = vectors.evaluate(parse_query(q).tree)
    live = set(searcher.reader().all_doc_ids())
    ours = sorted(((round(float(s), 9), int(d)) for s, d in zip(hits.scores, hits.ids) if int(d) in live),
                  key=lambda t: (-t[0], t[1]))
    assert ours == _reference(index, q)


@pytest.mark.parametrize("q", QUERIES)
def test_search_pages_match_the_reference(index, q):
    reference = _reference(index, q)
    result = index.search(SearchQuery(q=q, size=15))
    assert result.total == len(reference)
    assert [round(h.score, 9) for h in result.hits] == [score for score, _ in reference[:15]]


@pytest.mark.parametrize("combined_bins", [1 << 20, 0])
def test_facets_and_filters_agree_with_whooshs_matchers(index, monkeypatch, combined_bins):
    """Facets counted over every combination of values at once, or column by column
    (combined_bins 0), are those of whoosh's matchers."""
    import search.whoosh_engine as engine

    monkeypatch.setattr(engine, "_COMBINED_BINS", combined_bins)
    for q in ("school", "budget training", '"school meals"'):
        for kwargs in ({}, {"kind": "report"}, {"date_from": "2015-01-01", "date_to": "2019-12-31"}):
            compiled = index._compile(validate(SearchQuery(q=q, **kwargs)))
            for sort in ("relevance", "date", "-date", "key"):
                fast = index._ranked(compiled, sort, 20, with_facets=True)
                slow = index._ranked_by_sets(compiled, sort, 20, with_facets=True)
                assert fast[1] == slow[1] and fast[2] == slow[2]
                if sort != "relevance":
                    assert [r.address for r in fast[0]] == [r.address for r in slow[0]]


def test_unsupported_nodes_fall_back_to_whoosh(index):
    searcher = index._searcher()
    with pytest.raises(Unsupported):
        VectorSearcher(searcher, PostingsCache(), _leaves(searcher.reader())).evaluate(parse_query("scho*").tree)
    result = index.search(SearchQuery(q="scho*", size=5))
    assert result.total == len(_reference(index, "scho*")) > 0


def test_top_by_score_breaks_ties_by_docnum():
    import numpy as np

    from search.whoosh_vectors import Hits

    hits = Hits(np.array([3, 5, 8, 9], dtype=np.int64), np.array([1.0, 2.0, 2.0, 0.5]))
    assert top_by_score(hits, 2) == [(2.0, 5), (2.0, 8)]
    assert top_by_score(hits, 3) == [(2.0, 5), (2.0, 8), (1.0, 3)]
    rank = np.array([0, 0, 0, 0, 0, 1, 0, 0, 0, 0])  # docnum 5 after the others in key order
    assert top_by_score(hits, 2, rank=rank) == [(2.0, 8), (2.0, 5)]


@pytest.mark.parametrize("factor, into", [(0, 10**9), (10**9, 10**9), (0, 1), (10**9, 1)])
def test_unions_and_intersections_agree_whichever_way_they_are_computed(index, monkeypatch, factor, into):
    """Sorted arrays or dense tables (factor 0: never dense, 10**9: always), and pairs joined by
    adding the shorter into the longer (into 1: always) or not: the same ids and the same
    scores, bit for bit."""
    import search.whoosh_vectors as vectors

    searcher = index._searcher()
    expected = {q: VectorSearcher(searcher, PostingsCache(), _leaves(searcher.reader())).evaluate(parse_query(q).tree)
                for q in ("school OR meals", "budget OR pupils OR plan", "(school AND meals) OR transport",
                          "school meals", "title:council OR (budget NOT finance)")}
    monkeypatch.setattr(vectors, "_DENSE_UNION_FACTOR", factor)
    monkeypatch.setattr(vectors, "_SMALL_INTO_BIG", into)
    for q, hits in expected.items():
        again = VectorSearcher(searcher, PostingsCache(), _leaves(searcher.reader())).evaluate(parse_query(q).tree)
        assert again.ids.tolist() == hits.ids.tolist() and again.scores.tolist() == hits.scores.tolist(), q


def test_the_postings_cache_stays_within_its_budget(index):
    searcher = index._searcher()
    cache = PostingsCache(max_bytes=4096)
    vectors = VectorSearcher(searcher, cache, _leaves(searcher.reader()))
    for word in WORDS:
        vectors.evaluate(parse_query(word).tree)
    assert cache._bytes <= 4096 or len(cache._items) == 1


def test_commits_merge_small_segments_and_leave_large_ones(tmp_path, monkeypatch):
    """The merge policy bounds the work of a commit: segments past the size limit are never rewritten."""
    import search.whoosh_engine as engine

    monkeypatch.setattr(engine, "MERGE_BELOW_PASSAGES", 50)
    rng = random.Random(3)
    monkeypatch.setattr(engine, "MERGE_FACTOR", 3)
    ix = WhooshIndex(tmp_path / "merge")
    seen_large: dict[str, int] = {}
    rewritten: dict[str, int] = {}  # passage key -> times its segment changed
    where: dict[str, str] = {}
    for batch in range(30):
        # 4 passages a commit, as a worker's share of a batch is (search.prepare_passages)
        name = f"d{batch}.txt"
        ix.commit_prepared([engine.write_segment(tmp_path / "merge", {name: _passages(name, 4, rng)})], [name])
        leaves = _leaves(ix._searcher().reader())
        sizes = [reader.doc_count_all() for reader, _, _ in leaves]
        tiers = [engine._size_tier(n) for n in sizes if n < 50]
        # a full tier is merged by the next commit (this one's new segments join after the merge)
        assert all(tiers.count(t) <= 3 for t in tiers), sizes
        for reader, _, segment in leaves:
            for fields in reader.all_stored_fields():
                if where.setdefault(fields["key"], segment) != segment:
                    rewritten[fields["key"]] = rewritten.get(fields["key"], 0) + 1
                    where[fields["key"]] = segment
            if reader.doc_count_all() >= 50:
                seen_large.setdefault(segment, reader.doc_count_all())
    large = {segment for reader, _, segment in leaves if reader.doc_count_all() >= 50}
    assert large and large <= set(seen_large)  # large segments, once written, stay as they were
    assert max(rewritten.values()) <= 3  # once per tier climbed (4 -> 12 -> 36 -> 108 passages)
    assert ix.count() == 120 and ix.search(SearchQuery(q="school OR budget OR pupils", size=1)).total > 0
    ix.close()


def test_a_union_of_two_lists_is_the_plain_sum_of_their_scores():
    """Two hit lists of any lengths and overlaps (one inside the other, disjoint, interleaved,
    empty): the union holds every docnum once, ascending, with the sum of its scores, bit for bit."""
    import numpy as np

    from search.whoosh_vectors import Hits, _unite

    rng = np.random.default_rng(5)
    for trial in range(400):
        span = int(rng.integers(1, 5000))
        lists = []
        for _ in range(2):
            n = int(rng.integers(0, span + 1)) if trial % 4 else int(rng.integers(0, 3))
            ids = np.sort(rng.choice(span, size=min(n, span), replace=False)).astype(np.int64)
            lists.append(Hits(ids, rng.random(len(ids)) * 10))
        if trial % 7 == 0:  # one inside the other
            keep = rng.random(len(lists[0].ids)) < 0.5
            lists[1] = Hits(lists[0].ids[keep], rng.random(int(keep.sum())))
        expected: dict[int, float] = {}
        for hits in lists:
            for docnum, score in zip(hits.ids.tolist(), hits.scores.tolist()):
                expected[docnum] = expected[docnum] + score if docnum in expected else score
        united = _unite(lists)
        assert united.ids.tolist() == sorted(expected)
        assert united.scores.tolist() == [expected[d] for d in sorted(expected)]


def test_phrases_scored_at_their_documents_match_the_and_of_their_words(index, monkeypatch):
    """A phrase's documents are scored by looking them up in each word's list; the plain way
    intersects the words' lists and keeps the phrase's documents: same ids, same scores, bit for bit."""
    import search.whoosh_vectors as vectors

    searcher = index._searcher()
    queries = ['"school meals"', '"school meals budget"', '"special needs" children', '"meals school"',
               '"budget training plan finance"', 'title:"school meals"', '"school school"', '"nothingmatches school"']

    def evaluate_all():
        v = VectorSearcher(searcher, PostingsCache(), _leaves(searcher.reader()))
        return {q: v.evaluate(parse_query(q).tree) for q in queries}

    fast = evaluate_all()
    monkeypatch.setattr(vectors, "_scored_at", lambda parts, docs: vectors._restrict(vectors._intersect(parts), docs))
    plain = evaluate_all()
    assert any(len(h.ids) for h in fast.values())
    for q in queries:
        assert fast[q].ids.tolist() == plain[q].ids.tolist() and fast[q].scores.tolist() == plain[q].scores.tolist(), q
