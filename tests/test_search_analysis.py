"""The two engines must analyse text identically, or the same query finds different passages."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import day_number, stem_tokens, year_of
from search.tantivy_engine import _analyzer

WORDS = ("inspected inspection inspections meals schools training poverty children's complaints procedure "
         "petitions resolved resolution recommendations safeguarding Ofsted HMI FASD e.g. Sefton's 30th "
         "2024-09-24 café naïve agreed councillors requires improvement outstanding scrutiny under_score "
         + "x" * 45)


def whoosh_terms(text: str) -> list[str]:
    return [t for _, _, t in stem_tokens(text)]


def test_known_words_agree():
    assert whoosh_terms(WORDS) == _analyzer(stem=True).analyze(WORDS)
    assert whoosh_terms("inspected") == whoosh_terms("inspection") == ["inspect"]


def test_corpus_text_agrees():
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not texts:
        pytest.skip("sample corpus not present")
    for text in texts:
        assert whoosh_terms(text) == _analyzer(stem=True).analyze(text)


@settings(max_examples=200, deadline=None)
# Latin-script text as council papers contain it. (Python's `\w` and Rust's is_alphanumeric
# follow different Unicode versions, so rare new code points may split differently.)
@given(st.text(alphabet=st.characters(codec="latin-1") | st.sampled_from("’‘“”–—•…€ŁœŒ"), max_size=80))
def test_any_text_agrees(text):
    assert whoosh_terms(text) == _analyzer(stem=True).analyze(text)


@pytest.mark.parametrize("date, day, year", [
    ("2024-09-24", 20240924, "2024"), ("2022-06", 20220601, "2022"), ("2021", 20210101, "2021"),
    (None, 0, None), ("", 0, None), ("not a date", 0, None), ("2024-02-30", 0, None),
])
def test_passage_dates_compare_by_first_day(date, day, year):
    assert day_number(date) == day and year_of(date) == year


def _reference_chain():
    """The whoosh filter chain CouncilAnalyzer replaces (one generator per filter per token)."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter

    from search.analysis import TOKEN_PATTERN, _RemoveLongFilter, english_stem
    return RegexTokenizer(TOKEN_PATTERN) | _RemoveLongFilter() | LowercaseFilter() | StemFilter(english_stem, cachesize=0)


def _tokens(analyzer, text, **kw):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True, **kw)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="latin-1") | st.sampled_from("’‘“”–—•…€ŁœŒİ"), max_size=80))
def test_one_pass_analyzer_matches_the_filter_chain(text):
    from search.analysis import stemming_analyzer

    text = text + " " + WORDS
    assert _tokens(stemming_analyzer(), text) == _tokens(_reference_chain(), text)
    assert _tokens(stemming_analyzer(), text, start_pos=3, start_char=7, mode="query") == _tokens(
        _reference_chain(), text, start_pos=3, start_char=7, mode="query")
    assert [t.text for t in stemming_analyzer()(text[:30], tokenize=False)] == [
        t.text for t in _reference_chain()(text[:30], tokenize=False)]
