""""Did you mean": replace query words missing from the index by the nearest indexed word.

Engine-independent: each engine only lists vocabulary words (unstemmed, lowercase) sharing a
first letter with their document frequencies; the choice is made here, the same for both.
"""
from __future__ import annotations

from typing import Callable, Iterable

from rapidfuzz.distance import Levenshtein

Vocabulary = Callable[[str], Iterable[tuple[str, int]]]  # prefix -> (word, doc freq)


def suggest_query(words: list[str], vocabulary: Vocabulary) -> str | None:
    """The query with each unknown word replaced by its nearest known word, or None."""
    changed = False
    out: list[str] = []
    for word in words:
        best = nearest_word(word, vocabulary)
        if best and best != word:
            changed = True
            out.append(best)
        else:
            out.append(word)
    return " ".join(out) if changed else None


def nearest_word(word: str, vocabulary: Vocabulary) -> str | None:
    """`word` if indexed; otherwise the indexed word within edit distance 2 (1 for short words),
    preferring the smallest distance, then the most frequent, then alphabetical order."""
    if len(word) < 3:
        return None
    max_distance = 1 if len(word) <= 4 else 2
    best: tuple[int, int, str] | None = None
    for candidate, freq in vocabulary(word[0]):
        if candidate == word:
            return word
        if abs(len(candidate) - len(word)) > max_distance:
            continue
        distance = Levenshtein.distance(word, candidate, score_cutoff=max_distance)
        if distance <= max_distance:
            key = (distance, -freq, candidate)
            if best is None or key < best:
                best = key
    return best[2] if best else None
