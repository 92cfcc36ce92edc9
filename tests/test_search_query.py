"""Plain-word queries skip whoosh's parser; they must give exactly the tree and words the parser gives."""
from __future__ import annotations

import random
import re

import pytest

import search.query as query_module
from search.query import _plain_words_tree, parse_query
from tests.test_build import CORPUS


def _parsed_by_whoosh(q: str, monkeypatch):
    """parse_query with the fast path switched off: whoosh's parser (and its fallback) reads everything."""
    with monkeypatch.context() as m:
        m.setattr(query_module, "_plain_words_tree", lambda q: None)
        return parse_query(q)


def _corpus_words() -> list[str]:
    words = set()
    for path in sorted(CORPUS.glob("*.txt")):
        words.update(re.findall(r"[^\W_]+", path.read_text(encoding="utf-8")))
    return sorted(words)


@pytest.mark.parametrize("q", [
    "school", "school improvement", "School IMPROVEMENT", "school school", "school schools", "2024 pupils",
    "FASD training", "and or not", "school AND meals", "school OR meals", "NOT school", "school REQUIRE meals",
    "a TO b", "école", "İnspection ſchool", "x" * 45 + " school", "  school \t\n meals  ", "ANDMAYBE x",
])
def test_plain_words_give_the_parsers_tree_and_words(q, monkeypatch):
    parsed, reference = parse_query(q), _parsed_by_whoosh(q, monkeypatch)
    assert parsed == reference


def test_every_corpus_word_and_random_word_lists_agree_with_the_parser(monkeypatch):
    words = _corpus_words()
    assert len(words) > 1000
    rng = random.Random(3)
    queries = list(words) + ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"]
    extra = ["AND", "OR", "NOT", "REQUIRE", "TO", "and", "x" * 41, "ɑ" * 25, "ǅungla", "Σίσυφος"]
    for _ in range(2000):
        picked = [rng.choice(words + extra) for _ in range(rng.randint(1, 6))]
        queries.append(rng.choice([" ", "  ", "\t", " \n "]).join(picked))
    fast = 0
    for q in queries:
        if _plain_words_tree(q.strip()) is not None:
            fast += 1
        assert parse_query(q) == _parsed_by_whoosh(q, monkeypatch), q
    assert fast > len(queries) // 2  # the fast path is what was tested


@pytest.mark.parametrize("q", ['"school meals"', "title:school", "scho*", "sch?ol", "school^2", "(school)",
                               "school:", "'school meals'", "*:*", "school-meals", "meals_and", "school."])
def test_syntax_goes_to_the_parser(q):
    assert _plain_words_tree(q) is None
