"""Snippets look only at words that can match; they must mark exactly what looking at every word marks."""
from __future__ import annotations

import re

import pytest

from search.analysis import TOKEN_RE
from search.query import highlight_terms, parse_query
from search.snippets import _candidate_pattern, candidate_words, make_snippet, matched_spans
from tests.test_build import CORPUS


def _every_word_spans(text: str, wanted) -> list[tuple[int, int]]:
    """The reference: every token stemmed and tested."""
    from search.analysis import stem_tokens

    return [(s, e) for s, e, term in stem_tokens(text) if wanted.matches(term)]


@pytest.mark.parametrize("q", ["school improvement", '"special educational needs"', "inspect* Ofsted",
                               "governors NOT budget", "Councillor Dying", "meals OR FASD", "2024 pupils"])
def test_marks_are_those_of_every_word(q):
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    texts.append("Skies, dying SKIS; İnspection ſchool Ｓchool Schools' schooling — IMPROVED improvements.")
    for text in texts:
        wanted = highlight_terms(parse_query(q).tree)
        assert matched_spans(text, wanted) == _every_word_spans(text, highlight_terms(parse_query(q).tree)), q


def test_wildcards_look_at_every_word():
    assert candidate_words(highlight_terms(parse_query("sch?ol").tree)) is TOKEN_RE


def test_a_letter_matches_every_character_that_lowercases_to_it():
    """Every alphanumeric character that lowercase() changes is found by the pattern of its
    lowercase's first letter (a miss would drop a mark)."""
    by_letter: dict[str, list[str]] = {}
    for code in range(0x110000):
        c = chr(code)
        if TOKEN_RE.fullmatch(c) and c.lower() != c and TOKEN_RE.match(c.lower()[0]):
            by_letter.setdefault(c.lower()[0], []).append(c)
    assert len(by_letter) > 500
    for letter, chars in by_letter.items():
        pattern = _candidate_pattern(letter)
        missed = [c for c in chars if not pattern.fullmatch(c)]
        assert not missed, (letter, missed)


def test_snippet_of_a_long_text_marks_a_match_near_its_end():
    text = "Nothing here. " * 2000 + "The school meals contract was renewed."
    snippet = make_snippet(text, highlight_terms(parse_query("school meals").tree))
    assert "<mark>school</mark> <mark>meals</mark>" in snippet
    assert re.sub(r"<[^>]+>", "", snippet).startswith("…")
