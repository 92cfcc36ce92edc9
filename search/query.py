"""The user's query language: whoosh syntax, parsed once into a whoosh query tree.

Both engines start from this tree (tantivy translates it, see `search/tantivy_engine.py`), so
they agree on AND-by-default, "phrases", field:value, prefix*, OR and NOT. A query that does
not read as syntax (an unclosed quote or bracket, a dangling operator) is searched as plain
words and the result says so.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from whoosh import fields, qparser
from whoosh import query as wq

from search.analysis import TITLE_BOOST, TOKEN_PATTERN, _stem_lower, _too_long, day_number, stemming_analyzer
from search.base import SearchError, SearchQuery

# Fields a user may name in a query (`kind:resolution`). Numeric and stored-only fields are
# left out on purpose: `day:2024` is read as words rather than as an engine-specific syntax.
QUERY_FIELDS = ("title", "text", "kind", "committee", "council", "document", "year", "entity")
DEFAULT_FIELDS = ("title", "text")
SORTS = ("relevance", "date", "-date")
MAX_PAGE_SIZE = 100
MAX_DEPTH = 10_000  # page * size: deeper pages are refused rather than ranking the whole index


def _query_schema() -> fields.Schema:
    an = stemming_analyzer()
    return fields.Schema(
        title=fields.TEXT(analyzer=an), text=fields.TEXT(analyzer=an),
        committee=fields.TEXT(analyzer=an), council=fields.TEXT(analyzer=an),
        kind=fields.ID, document=fields.ID, year=fields.ID, entity=fields.ID,
    )


def _parser() -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(DEFAULT_FIELDS), _query_schema(), fieldboosts={"title": TITLE_BOOST}, group=qparser.AndGroup
    )
    # Ranges over text and fuzzy terms are not part of the shared language (tantivy has no
    # equivalent for a text range); without the plugin `[a TO b]` is read as words.
    parser.remove_plugin_class(qparser.RangePlugin)
    return parser


_PARSER = _parser()
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_PARSER_OPERATORS = _OPERATORS | {"REQUIRE"}  # every word whoosh's OperatorsPlugin reads as an operator
_PLAIN_WORDS = re.compile(rf"{TOKEN_PATTERN}(?:\s+{TOKEN_PATTERN})*")


@dataclass
class ParsedQuery:
    tree: wq.Query  # wq.Every() for an empty query
    fallback: bool = False
    message: str | None = None
    words: list[str] = field(default_factory=list)  # plain words typed, for "did you mean"


def syntax_problem(q: str) -> str | None:
    """Why `q` does not read as query syntax, or None when it does."""
    if q.count('"') % 2:
        return "an unclosed quote"
    depth = 0
    in_quote = False
    for ch in q:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch == "(":
            depth += 1
        elif not in_quote and ch == ")":
            depth -= 1
            if depth < 0:
                return "a ')' without '('"
    if depth:
        return "an unclosed '('"
    tokens = re.findall(r'"[^"]*"|[()]|[^\s()]+', q)
    previous = None  # None = start, or right after "("
    for token in tokens + [None]:
        is_op = token in _OPERATORS
        if is_op and token != "NOT" and (previous is None or previous in _OPERATORS or previous == "("):
            return f"'{token}' with nothing before it"
        if previous in _OPERATORS and (token is None or token == ")" or (token in _OPERATORS and token != "NOT")):
            return f"'{previous}' with nothing after it"
        if token == ")" and previous == "(":
            return "empty brackets"
        previous = token
    return None


def plain_words(q: str) -> list[str]:
    """The words of `q`, ignoring every piece of syntax."""
    return re.findall(TOKEN_PATTERN, q)


def parse_query(q: str) -> ParsedQuery:
    """Parse a user query; never raises. Malformed syntax falls back to plain words."""
    q = (q or "").strip()
    if not q:
        return ParsedQuery(wq.Every())
    plain = _plain_words_tree(q)
    if plain is not None:
        return ParsedQuery(plain, words=[w.lower() for w in q.split()])
    problem = syntax_problem(q)
    if problem is None:
        try:
            tree = _PARSER.parse(q)
        except Exception as exc:  # whoosh's parser is forgiving; this is a last resort
            problem = f"a parse error ({exc.__class__.__name__})"
        else:
            if tree is not wq.NullQuery:
                return ParsedQuery(tree, words=_words_of(tree, q))
    words = plain_words(q)
    message = (
        f"The query could not be read as search syntax ({problem}); "
        f"searched for the words {' '.join(words)!r} instead." if words
        else f"The query could not be read as search syntax ({problem}) and has no words to search for."
    )
    if not words:
        return ParsedQuery(wq.NullQuery, fallback=True, message=message)
    # Lowercased so AND/OR/NOT are words again, not operators.
    tree = _PARSER.parse(" ".join(w.lower() for w in words))
    return ParsedQuery(tree, fallback=True, message=message, words=[w.lower() for w in words])


def _plain_words_tree(q: str) -> wq.Query | None:
    """The tree whoosh's parser makes of a query of plain words (no quotes, brackets, fields,
    wildcards, boosts or operators), built directly: the AND of each word's OR over the default
    fields, normalised as the parser normalises it. None for anything else, which the parser
    reads. The parser takes a fifth of a millisecond for two words, a fast search's 5%;
    `tests/test_search_query.py` checks both give equal trees."""
    if not _PLAIN_WORDS.fullmatch(q):
        return None
    words = q.split()
    if any(word in _PARSER_OPERATORS or _too_long(word) for word in words):
        return None
    boosts = {"title": TITLE_BOOST}
    return wq.And([wq.Or([wq.Term(name, term, boost=boosts.get(name, 1.0)) for name in DEFAULT_FIELDS])
                   for term in map(_stem_lower, words)]).normalize()


def _words_of(tree: wq.Query, q: str) -> list[str]:
    """Plain words of the query outside quotes, field prefixes and NOT (for suggestions)."""
    if _has_field_syntax(tree):
        return []
    stripped = re.sub(r'"[^"]*"', " ", q)
    return [w.lower() for w in re.findall(r"[^\s()]+", stripped)
            if w not in _OPERATORS and re.fullmatch(TOKEN_PATTERN, w)]


def _has_field_syntax(tree: wq.Query) -> bool:
    return any(getattr(leaf, "fieldname", None) not in (None, *DEFAULT_FIELDS) for leaf in _leaves(tree))


def _leaves(tree: wq.Query):
    if tree.is_leaf():
        yield tree
    else:
        for child in tree.children():
            yield from _leaves(child)


@dataclass
class HighlightTerms:
    """What to mark in a snippet: stemmed terms, term prefixes and wildcard patterns."""

    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    patterns: list[re.Pattern] = field(default_factory=list)
    # word as written -> whether its indexed term matches: snippets test each word once per query
    verdicts: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def matches(self, term: str) -> bool:
        return (term in self.terms or any(term.startswith(p) for p in self.prefixes)
                or any(p.fullmatch(term) for p in self.patterns))


def highlight_terms(tree: wq.Query) -> HighlightTerms:
    """Positive text/title terms of a query tree (terms under NOT are not highlighted)."""
    found = HighlightTerms()

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            if getattr(node, "fieldname", None) not in DEFAULT_FIELDS:
                return
            if isinstance(node, wq.Phrase):
                found.terms.update(node.words)
            elif isinstance(node, wq.Prefix):
                found.prefixes.add(node.text)
            elif isinstance(node, wq.Wildcard):
                found.patterns.append(re.compile(wildcard_regex(node.text)))
            elif isinstance(node, wq.Term):
                found.terms.add(node.text)
            return
        for child in node.children():
            walk(child)

    walk(tree)
    return found


def wildcard_regex(pattern: str) -> str:
    """A whoosh wildcard (`*`, `?`) as a regular expression over whole terms."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@dataclass(frozen=True)
class Request:
    """A validated SearchQuery: bounds checked, dates as YYYYMMDD numbers."""

    query: SearchQuery
    parsed: ParsedQuery
    day_from: int | None
    day_to: int | None

    @property
    def offset(self) -> int:
        return (self.query.page - 1) * self.query.size


def validate(query: SearchQuery) -> Request:
    """Check a SearchQuery; raises SearchError with a message a user can act on."""
    if not isinstance(query.page, int) or query.page < 1:
        raise SearchError(f"page must be a whole number of at least 1 (got {query.page!r})")
    if not isinstance(query.size, int) or not 1 <= query.size <= MAX_PAGE_SIZE:
        raise SearchError(f"size must be a whole number from 1 to {MAX_PAGE_SIZE} (got {query.size!r})")
    if query.page * query.size > MAX_DEPTH:
        raise SearchError(f"page * size must be at most {MAX_DEPTH}; narrow the query or the filters instead")
    if query.sort not in SORTS:
        raise SearchError(f"sort must be one of {', '.join(SORTS)} (got {query.sort!r})")
    day_from = _iso_day(query.date_from, "from")
    day_to = _iso_day(query.date_to, "to")
    if day_from and day_to and day_from > day_to:
        raise SearchError(f"the date range is empty: from {query.date_from} is after to {query.date_to}")
    return Request(query, parse_query(query.q), day_from, day_to)


def _iso_day(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise SearchError(f"{name} must be an ISO day like 2024-09-24 (got {value!r})") from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise SearchError(f"{name} must be an ISO day like 2024-09-24 (got {value!r})")
    return day_number(value)
