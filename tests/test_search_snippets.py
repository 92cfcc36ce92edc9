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


def _snippet_piece_by_piece(text: str, wanted, max_chars: int = 240) -> str:
    """The reference snippet: marks from every word, each piece of text collapsed and escaped
    on its own (what make_snippet did before it escaped the whole window in one pass)."""
    import html

    from search.snippets import _LEAD_CHARS, _best_window_start, _plain, _snap_back, _snap_forward

    marks = _every_word_spans(text, wanted)
    start = max(0, _best_window_start(marks, max_chars) - _LEAD_CHARS) if marks else 0
    start = _snap_back(text, start)
    end = _snap_forward(text, min(len(text), start + max_chars))
    parts = ["…"] if start > 0 else []
    cursor = start
    for s, e in marks:
        if s < start or e > end:
            continue
        parts.append(_plain(text[cursor:s]))
        parts.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    parts.append(_plain(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


_AWKWARD = [
    "<b>School</b> & 'improvement' \"plans\" — school\u00a0improvement\tschool\n\nimprovement",
    "  school  ",
    "\x00school\x00 improvement \x00",
    "schoolschool school_improvement school-improvement SCHOOL Improvement. İmprovement ımprovement",
    "ſchool Ｓchool ＳＣＨＯＯＬ School’s schools' \u2028school\u2029improvement",
    "",
    "improvement",
]


@pytest.mark.parametrize("q", ["school improvement", '"school improvement"', "impro* pupils", "sch?ol",
                               "governors NOT budget", "meals OR FASD", "2024 pupils", "nothing-matches-this"])
@pytest.mark.parametrize("width", [240, 40])
def test_snippets_are_those_of_escaping_piece_by_piece(q, width):
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    paragraphs = [para for text in texts for para in text.split("\n\n")][:400]
    for text in paragraphs + _AWKWARD + [" ".join(_AWKWARD) * 3]:
        wanted = highlight_terms(parse_query(q).tree)
        reference = _snippet_piece_by_piece(text, highlight_terms(parse_query(q).tree), width)
        assert make_snippet(text, wanted, width) == reference, (q, text[:80])


def test_candidate_patterns_find_the_tokens_an_ignorecase_pattern_finds():
    """The candidate pattern starts with a plain character class (fast to scan for); it must find
    exactly the tokens a case-insensitive pattern of the same letters finds, on any text."""
    import random

    rng = random.Random(8)
    alphabet = "sSiIkKaAéÉ ſİıＳK_-.'’\n\t0123456789xyz" + "".join(chr(c) for c in range(0x370, 0x3a0))
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for letters in ("s", "is", "k", "é", "2", "aks", "σ"):
        plain = re.compile(rf"(?<![^\W_])[{re.escape(letters)}][^\W_]*", re.IGNORECASE)
        ours = _candidate_pattern(letters)
        for text in texts:
            assert [m.span() for m in ours.finditer(text)] == [m.span() for m in plain.finditer(text)], (letters, text)
