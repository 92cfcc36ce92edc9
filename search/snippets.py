"""Snippets: the densest stretch of a passage, matched words in <mark>, everything else escaped.

Computed in Python from the stored text with the index's own analyser, for the hits of the page
shown only, so both engines produce the same snippet (tantivy's SnippetGenerator gives nothing
for regex/prefix queries).
"""
from __future__ import annotations

import functools
import html
import re

from search.analysis import TOKEN_RE, stem_tokens
from search.query import HighlightTerms

SNIPPET_CHARS = 240
_LEAD_CHARS = 60  # context kept before the first mark
_SPACE = re.compile(r"\s+")
_SEPARATOR = "\x00"  # not white space, not escaped by html.escape


def make_snippet(text: str, wanted: HighlightTerms, max_chars: int = SNIPPET_CHARS) -> str:
    """HTML snippet of `text` around the words matching `wanted`."""
    marks = matched_spans(text, wanted)
    if marks:
        start = _best_window_start(marks, max_chars)
        start = max(0, start - _LEAD_CHARS)
    else:
        start = 0
    start = _snap_back(text, start)
    end = _snap_forward(text, min(len(text), start + max_chars))
    pieces = []  # plain text and marked words, alternately: plain, mark, plain, ..., plain
    cursor = start
    for s, e in marks:
        if s < start or e > end:
            continue
        pieces.append(text[cursor:s])
        pieces.append(text[s:e])
        cursor = e
    pieces.append(text[cursor:end])
    return (("…" if start > 0 else "") + _plain_and_marks(pieces) + ("…" if end < len(text) else "")).strip()


def _plain_and_marks(pieces: list[str]) -> str:
    """`pieces` (plain, mark, plain, ..., plain) as HTML: the text between marks escaped with its
    white space collapsed, the marks escaped and wrapped in <mark>.

    The pieces are joined by a separator no snippet text holds, collapsed and escaped in one
    pass each, then split again: one regex and one escape per snippet instead of one per
    piece. A mark never holds white space nor touches a run of it across a separator, so
    this gives what treating each piece alone gives."""
    joined = _SEPARATOR.join(pieces)
    if joined.count(_SEPARATOR) == len(pieces) - 1:  # the text itself holds no separator
        parts = html.escape(_SPACE.sub(" ", joined)).split(_SEPARATOR)
    else:
        parts = [_plain(piece) if i % 2 == 0 else html.escape(piece) for i, piece in enumerate(pieces)]
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        out.append(f"<mark>{parts[i]}</mark>")
        out.append(parts[i + 1])
    return "".join(out)


def matched_spans(text: str, wanted: HighlightTerms) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` whose indexed term `wanted` matches. The same
    tokens as the index (`stem_tokens`), but each distinct word is stemmed and tested once,
    and only words that can match are looked at (`candidate_words`)."""
    verdicts = wanted.verdicts
    spans = []
    for match in candidate_words(wanted).finditer(text):
        word = match.group()
        hit = verdicts.get(word)
        if hit is None:
            tokens = stem_tokens(word)  # [] for a word too long to be indexed
            hit = verdicts[word] = bool(tokens) and wanted.matches(tokens[0][2])
        if hit:
            spans.append(match.span())
    return spans


def candidate_words(wanted: HighlightTerms) -> re.Pattern:
    """A pattern finding the tokens of a text that may match `wanted`: those whose first letter
    is the first letter of a wanted term or prefix (any case).

    The English stemmer only rewrites the ends of words, so a word's stem starts with the
    word's own first letter, lowercased. Looking only at those words makes snippets of long
    report sections several times cheaper. Wildcard patterns can match any word: then every token."""
    letters = sorted({t[0] for t in wanted.terms if t} | {p[0] for p in wanted.prefixes if p})
    if wanted.patterns or not letters:
        return TOKEN_RE
    return _candidate_pattern("".join(letters))


@functools.lru_cache(maxsize=1024)
def _candidate_pattern(letters: str) -> re.Pattern:
    # A token starting with one of `letters` in any case (IGNORECASE also takes the few
    # non-ASCII letters that lowercase to an ASCII one); a word taken in wrongly is only tested
    # and rejected. The pattern starts with a plain character class (the letters' ASCII cases
    # and every non-ASCII character) so the regex engine skips ahead to the next such character
    # in C; a pattern starting with a look-behind, or a case-insensitive class, is tried at every
    # position (1.6x slower on a report section). The first look-behind keeps tokens that start
    # there (the character before is not a token character), the second checks the first
    # character case-insensitively, as a pattern compiled with IGNORECASE would.
    cases = "".join(sorted({c for letter in letters for c in (letter, letter.upper(), letter.lower())
                            if len(c) == 1 and c.isascii()}))
    return re.compile(rf"[{re.escape(cases)}\x80-\U0010FFFF](?<![^\W_][\s\S])(?<=(?i:[{re.escape(letters)}]))[^\W_]*")


def snippet_text(snippet_html: str) -> str:
    """The plain text of a snippet (for CSV)."""
    return html.unescape(re.sub(r"</?mark>", "", snippet_html))


def _plain(segment: str) -> str:
    return html.escape(_SPACE.sub(" ", segment))


def _best_window_start(marks: list[tuple[int, int]], width: int) -> int:
    """Start of the mark whose window holds the most marks (earliest on ties)."""
    best_start, best_count, j = marks[0][0], 0, 0
    for i, (s, _) in enumerate(marks):
        j = max(j, i)
        while j + 1 < len(marks) and marks[j + 1][1] <= s + width - _LEAD_CHARS:
            j += 1
        if j - i + 1 > best_count:
            best_start, best_count = s, j - i + 1
    return best_start


def _snap_back(text: str, i: int) -> int:
    """Move a cut back to the start of the word it falls in."""
    while 0 < i < len(text) and not text[i - 1].isspace():
        i -= 1
    return i


def _snap_forward(text: str, i: int) -> int:
    """Move a cut forward to the end of the word it falls in (bounded)."""
    limit = min(len(text), i + 30)
    while i < limit and not text[i].isspace():
        i += 1
    return i
