"""Text analysis shared by both engines, so whoosh and tantivy index the same terms.

Both split on non-alphanumeric characters, drop tokens of 40+ bytes, lowercase and apply the
English Snowball stemmer: tantivy's `simple` tokenizer + `remove_long(40)` + `lowercase` +
`stemmer("english")`, and the whoosh chain below. No stop words on either side, so phrase
positions agree. `tests/test_search_analysis.py` checks the two agree word for word.

The whoosh chain stems with tantivy's own stemmer (rust-stemmers, called once per distinct
word and cached): whoosh's Snowball port disagrees with it on real council words ("added" ->
"ad" vs "add", "emergency" -> "emerg" vs "emergenc"), and one stemmer is the only way the two
engines find the same passages.
"""
from __future__ import annotations

import datetime as dt
import re

import functools

from whoosh.analysis import Analyzer, Filter, Token

# tantivy's simple tokenizer keeps runs of `char::is_alphanumeric`; `\w` also matches `_`.
TOKEN_PATTERN = r"[^\W_]+"
MAX_TOKEN_BYTES = 40  # tantivy's RemoveLongFilter drops tokens of this many bytes or more
TITLE_BOOST = 2.0
STEMMED_TOKENIZER = "cg_en_stem"  # tantivy tokenizer names registered on every open
WORDS_TOKENIZER = "cg_words"


class _RemoveLongFilter(Filter):
    """Drop tokens tantivy's remove_long(40) would drop (length in UTF-8 bytes).

    No longer used by new indexes (see CouncilAnalyzer); kept so the schema pickled in an
    index built before still loads."""

    def __call__(self, tokens):
        for token in tokens:
            if len(token.text.encode("utf-8")) < MAX_TOKEN_BYTES:
                yield token


@functools.cache
def _tantivy_stemmer():
    import tantivy

    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.stemmer("english")).build()


@functools.lru_cache(maxsize=100_000)
def english_stem(word: str) -> str:
    """The English stem of one lowercase word, exactly as tantivy's en stemmer gives it."""
    stems = _tantivy_stemmer().analyze(word)
    return stems[0] if stems else word


class CouncilAnalyzer(Analyzer):
    """The whoosh side of the shared analyser in one pass: split on `TOKEN_PATTERN`, drop
    tokens of `MAX_TOKEN_BYTES` or more, lowercase and (when `stem`) stem with tantivy's
    stemmer. Same tokens, positions and offsets as the equivalent whoosh filter chain
    (RegexTokenizer | remove-long | LowercaseFilter | StemFilter), without a generator and a
    method call per token per filter: indexing spends most of its time here."""

    def __init__(self, stem: bool = True):
        self.stem = stem
        self.is_morph = stem  # whoosh's parser leaves prefix/wildcard text unanalysed for morph fields

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.stem == self.stem

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        normalise = _stem_lower if self.stem else str.lower
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        if not tokenize:
            if _too_long(value):
                return
            t.text = normalise(value)
            if keeporiginal:
                t.original = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(TOKEN_RE.finditer(value)):
            word = match.group()
            if len(word) >= _SHORTEST_TOO_LONG and _too_long(word):
                continue  # the position is still used up, as in tantivy's remove_long
            t.text = normalise(word)
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


TOKEN_RE = re.compile(TOKEN_PATTERN)
_SHORTEST_TOO_LONG = MAX_TOKEN_BYTES // 4  # a UTF-8 character is at most 4 bytes


def _too_long(word: str) -> bool:
    return len(word.encode("utf-8")) >= MAX_TOKEN_BYTES


def spelling_words(text: str) -> set[str]:
    """The distinct words "did you mean" draws from in a text: what `words_analyzer` makes of
    it (lowercase, tokens of `MAX_TOKEN_BYTES` or more dropped), each once."""
    return {word.lower() for word in TOKEN_RE.findall(text)
            if len(word) < _SHORTEST_TOO_LONG or not _too_long(word)}


@functools.lru_cache(maxsize=200_000)
def _stem_lower(word: str) -> str:
    return english_stem(word.lower())


def stemming_analyzer():
    """The whoosh analyzer of the `text`, `title`, `committee` and `council` fields."""
    return CouncilAnalyzer(stem=True)


def words_analyzer():
    """Unstemmed lowercase words: the vocabulary "did you mean" draws from."""
    return CouncilAnalyzer(stem=False)


def stem_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start char, end char, stemmed term) for every token of `text`, as the index sees it."""
    out = []
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        if len(word) >= _SHORTEST_TOO_LONG and _too_long(word):
            continue
        out.append((match.start(), match.end(), _stem_lower(word)))
    return out


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def day_number(date: str | None) -> int:
    """A passage date as YYYYMMDD; a month or a year compares by its first day; 0 = undated."""
    if not date:
        return 0
    m = _DATE_RE.match(date.strip())
    if not m:
        return 0
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        return 0
    return year * 10000 + month * 100 + day


def year_of(date: str | None) -> str | None:
    """The year facet value of a passage date (None when undated)."""
    n = day_number(date)
    return str(n // 10000) if n else None
