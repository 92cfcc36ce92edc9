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

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter

# tantivy's simple tokenizer keeps runs of `char::is_alphanumeric`; `\w` also matches `_`.
TOKEN_PATTERN = r"[^\W_]+"
MAX_TOKEN_BYTES = 40  # tantivy's RemoveLongFilter drops tokens of this many bytes or more
TITLE_BOOST = 2.0
STEMMED_TOKENIZER = "cg_en_stem"  # tantivy tokenizer names registered on every open
WORDS_TOKENIZER = "cg_words"


class _RemoveLongFilter(Filter):
    """Drop tokens tantivy's remove_long(40) would drop (length in UTF-8 bytes)."""

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


def stemming_analyzer():
    """The whoosh analyzer of the `text`, `title`, `committee` and `council` fields."""
    # cachesize=0: english_stem has its own bounded cache, shared by every analyzer instance.
    return (RegexTokenizer(TOKEN_PATTERN) | _RemoveLongFilter() | LowercaseFilter()
            | StemFilter(stemfn=english_stem, cachesize=0))


def words_analyzer():
    """Unstemmed lowercase words: the vocabulary "did you mean" draws from."""
    return RegexTokenizer(TOKEN_PATTERN) | _RemoveLongFilter() | LowercaseFilter()


_STEM = stemming_analyzer()


def stem_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start char, end char, stemmed term) for every token of `text`, as the index sees it."""
    return [(t.startchar, t.endchar, t.text) for t in _STEM(text, chars=True, mode="index")]


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
