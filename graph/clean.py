"""Text clean-up before parsing: pure functions from PDF-extracted text to clean text + page map.

The pipeline (``clean_text``) undoes the usual damage of text pulled from council PDFs:
Unicode compatibility forms, look-alike letters from other scripts, curly quotes,
split ordinals and superscripts, private-use bullet glyphs, page furniture (page
footers, ``Agenda Item N`` stamps, ``Public Document Pack``, blank-page notices,
running headers) and garbage from rotated side text. Tab-separated table rows are
kept intact: tabs are never collapsed.

Page numbers are recorded as the furniture is removed: a ``\\f`` is a page break, a
``Page N`` footer marks the end of page N. Every offset of the cleaned text maps to a
page when the markers allow it, and to ``None`` otherwise.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

# --- page map -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageMap:
    """Where pages start in the cleaned text.

    ``breaks`` are ``(offset, page)`` pairs, sorted by offset: the page that starts at
    that offset. ``unknown_from`` are offsets where a stretch of unknown page starts
    (between two footers that are more than one page apart); it lasts to the next break.
    """

    breaks: tuple[tuple[int, int], ...] = ()
    unknown_from: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # Sorted once: page_at is called for every record. At one offset the last event wins.
        by_offset: dict[int, int | None] = {}
        for o, p in sorted([(o, p) for o, p in self.breaks] + [(o, None) for o in self.unknown_from],
                           key=lambda e: e[0]):
            by_offset[o] = p
        object.__setattr__(self, "_offsets", list(by_offset))
        object.__setattr__(self, "_pages", list(by_offset.values()))

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None when the markers do not say."""
        i = bisect.bisect_right(self._offsets, offset) - 1  # type: ignore[attr-defined]
        if i < 0:
            return None
        return self._pages[i]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Marker:
    """A piece of page furniture removed from the text, kept for the orchestrator.

    ``kind`` is ``agenda_item`` (value: the item number), ``page`` (value: page number
    whose footer it was), ``page_top`` (a running header: a new page starts) or
    ``blank_page`` (``This page is intentionally left blank``); ``offset`` is where it
    stood in the cleaned text.
    """

    kind: str
    value: str
    offset: int


@dataclass(frozen=True)
class CleanText:
    text: str
    pages: PageMap
    markers: tuple[Marker, ...] = field(default=())

    def agenda_item_starts(self) -> list[tuple[str, int]]:
        """``(item number, offset)`` for every ``Agenda Item N`` stamp, in order."""
        return [(m.value, m.offset) for m in self.markers if m.kind == "agenda_item"]


# --- character-level clean-up ----------------------------------------------------------

# Cyrillic and Greek letters that render like Latin ones (PDF fonts mix them in).
_LOOKALIKES = {
    # Cyrillic lower
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    # Cyrillic upper
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "α": "a", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "τ": "t", "υ": "u",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_LOOKALIKE_CLASS = "".join(_LOOKALIKES)
_LATIN_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿ"
# A word mixing Latin letters with look-alikes.
_MIXED_WORD = re.compile(rf"[{_LATIN_LETTER}{_LOOKALIKE_CLASS}]+")
# A run of 1-2 look-alikes standing alone right after a Latin word on the same line,
# split off by a space or tab (``Assuranc е``): it is the end of that word. The space comes
# first and the two letters before it are checked by a lookbehind after it: the same matches
# as a leading lookbehind, but the regex engine can skip to the next space or tab.
_DETACHED_TAIL = re.compile(
    rf"[ \t](?<=[{_LATIN_LETTER}]{{2}}[ \t])([{_LOOKALIKE_CLASS}]{{1,2}})(?![\w{_LOOKALIKE_CLASS}])")

_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
}


_ANY_LOOKALIKE = re.compile(f"[{_LOOKALIKE_CLASS}]")
_TO_LATIN = str.maketrans(_LOOKALIKES)
_HAS_LATIN = re.compile(rf"[{_LATIN_LETTER}]")
_WORD_CHARS = frozenset(
    "".join(chr(c) for lo, hi in (("A", "Z"), ("a", "z"), ("À", "Ö"), ("Ø", "ö"), ("ø", "ÿ"))
            for c in range(ord(lo), ord(hi) + 1)) + _LOOKALIKE_CLASS)


def _sub_at(pattern: re.Pattern[str], text: str, starts: Iterable[int], repl: Callable[[re.Match[str]], str]) -> str:
    """``pattern.sub(repl, text)`` when every match starts at one of ``starts`` (ascending).

    For patterns that can only start next to a rare character: trying them there replaces a
    scan that tries every position of the text.
    """
    pieces: list[str] = []
    done = 0
    for start in starts:
        if start < done:
            continue
        m = pattern.match(text, start)
        if m:
            pieces += (text[done:m.start()], repl(m))
            done = m.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def fix_lookalikes(text: str) -> str:
    """Replace Cyrillic/Greek look-alike letters inside (or split off from) Latin words."""
    if not _ANY_LOOKALIKE.search(text):
        return text  # the common case: nothing to fix, and no need to look at every word
    # a detached tail is a space or tab, then the look-alikes
    text = _sub_at(_DETACHED_TAIL, text, (m.start() - 1 for m in _ANY_LOOKALIKE.finditer(text)
                                          if m.start() and text[m.start() - 1] in " \t"), lambda m: m.group(1))
    # Only words (runs of Latin letters and look-alikes) holding a look-alike can change: go
    # from each look-alike to its word's bounds rather than visiting every word of the text.
    pieces: list[str] = []
    done = 0
    for m in _ANY_LOOKALIKE.finditer(text):
        if m.start() < done:
            continue  # inside the word just fixed
        start = m.start()
        while start > done and text[start - 1] in _WORD_CHARS:
            start -= 1
        end = _MIXED_WORD.match(text, start).end()  # type: ignore[union-attr]  # text[start] is a word char
        word = text[start:end]
        # wholly another script (it may be real text): leave it
        pieces.append(text[done:start])
        pieces.append(word.translate(_TO_LATIN) if _HAS_LATIN.search(word) else word)
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def straighten_quotes(text: str) -> str:
    """Curly quotes and primes to straight ASCII quotes."""
    # str.replace per quote present: str.translate with a dict table goes through Python per character
    for curly, straight in _QUOTES.items():
        if curly in text:
            text = text.replace(curly, straight)
    return text


def replace_private_use(text: str) -> str:
    """Private-use glyphs (Symbol/Wingdings bullets such as U+F0B7) become a bullet."""
    return re.sub("[\ue000-\uf8ff]", "•", text)


def ordinal_suffix(n: int) -> str:
    """English ordinal suffix for ``n``: 1 -> st, 12 -> th, 22 -> nd."""
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# ``2 ^{nd}``, ``2 ^{nα}``, ``2<sup>nd</sup>``: the suffix is rebuilt from the number,
# since the superscript letters are often garbled.
# ``\d(?<!\w\d)\d?`` is ``\b\d{1,2}``: a digit not preceded by a word character, then maybe one
# more. Starting with the digit lets the regex engine skip to the next digit.
_SUPERSCRIPT_ORDINAL = re.compile(r"(\d(?<!\w\d)\d?)\s*(?:\^\{[^}\n]{1,4}\}|<sup>[^<\n]{1,4}</sup>)")
_SPACED_ORDINAL = re.compile(r"(\d(?<!\w\d)\d?)[ \u00a0]+(st|nd|rd|th|ST|ND|RD|TH)\b")


def _superscript_starts(text: str) -> list[int]:
    """Where a superscript ordinal can start: one or two characters before the spaces before a ``^{`` or ``<sup>``."""
    starts: set[int] = set()
    for marker in ("^{", "<sup>"):
        at = text.find(marker)
        while at != -1:
            digits_end = at
            while digits_end and text[digits_end - 1].isspace():  # \s and str.isspace agree
                digits_end -= 1
            starts.update(s for s in (digits_end - 2, digits_end - 1) if s >= 0)
            at = text.find(marker, at + 1)
    return sorted(starts)


def normalise_ordinals(text: str) -> str:
    """Join split ordinals: ``30 th`` -> ``30th``, ``2 ^{nd}`` / ``2 ^{nα}`` -> ``2nd``.

    A spaced suffix is joined only when it is the right suffix for the number, so an
    address such as ``5 St John's Road`` is left alone.
    """
    if "^{" in text or "<sup>" in text:  # every superscript ordinal has one
        text = _sub_at(_SUPERSCRIPT_ORDINAL, text, _superscript_starts(text),
                       lambda m: m.group(1) + ordinal_suffix(int(m.group(1))))

    def join(m: re.Match[str]) -> str:
        n, suffix = m.group(1), m.group(2)
        if suffix.lower() != ordinal_suffix(int(n)):
            return m.group(0)
        if suffix.isupper() and suffix.lower() == "st":
            return m.group(0)  # "5 ST" is more likely a street/saint in capitals
        return n + suffix
    return _SPACED_ORDINAL.sub(join, text)


# --- line-level furniture --------------------------------------------------------------

_PAGE_FOOTER_LINE = re.compile(r"^\s*Page\s+(\d{1,4})\s*$")
# A footer + item stamp that landed in the middle of a line of prose.
_INLINE_PAGE_ITEM = re.compile(r"[ \t]*\bPage (\d{1,4}) Agenda Item (\d{1,3}[a-z]?)\b[ \t]*")
_AGENDA_ITEM_LINE = re.compile(r"^\s*(?:Public Document Pack\s+)?Agenda Item\s+(\d{1,3}[a-z]?)\s*$", re.I)
_DOC_PACK_LINE = re.compile(r"^\s*Public Document Pack\s*$", re.I)
_BLANK_PAGE_LINE = re.compile(r"^\s*This page is intentionally left blank\.?\s*$", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_RUNNING_HEADER = "\x00running-header\x00"  # sentinel object for a dropped running header line
_MARKUP = re.compile(r"</?u>|\\[A-Za-z]+")


def is_garbage_line(line: str) -> bool:
    """A line that is a fragment of rotated side text: 1-3 visible characters, no tab."""
    if "\t" in line:
        return False
    # every piece of markup starts with "<" or a backslash: most lines need no substitution
    visible = (_MARKUP.sub("", line) if "<" in line or "\\" in line else line).strip()
    if not visible:
        return bool(line.strip())  # pure markup such as ``\triangleright``
    return len(visible.replace(" ", "")) <= 3


def _is_stray_glyph(line: str) -> bool:
    """A lone non-ASCII, non-bullet character on its own line (``Ó``, ``Θ``)."""
    s = line.strip()
    return len(s) == 1 and ord(s) > 127 and s not in "•▪◦‣–—"


def running_headers(lines: list[str], *, min_repeats: int = 3) -> set[str]:
    """Lines repeated on many pages that carry a year: committee-name + date headers.

    Requiring a year keeps repeated content lines (``RESOLVED:``, ``Not applicable``)
    and repeated table header rows (they have tabs) out.
    """
    counts = Counter(l.strip() for l in lines if l.strip() and "\t" not in l)
    return {
        l for l, n in counts.items()
        if n >= min_repeats and len(l) >= 12 and _YEAR.search(l) and len(l) <= 160
    }


def drop_rotated_garbage(lines: list[str], *, min_run: int = 3) -> list[bool]:
    """Flags (True = drop) for runs of >= ``min_run`` garbage lines (blank lines inside runs allowed)."""
    drop = [False] * len(lines)
    i = 0
    while i < len(lines):
        if not is_garbage_line(lines[i]):
            drop[i] = _is_stray_glyph(lines[i])
            i += 1
            continue
        j, run, last = i, 0, i
        while j < len(lines) and (is_garbage_line(lines[j]) or not lines[j].strip()):
            if lines[j].strip():
                run += 1
                last = j
            j += 1
        if run >= min_run:
            for k in range(i, last + 1):
                if lines[k].strip():
                    drop[k] = True
        else:
            for k in range(i, last + 1):
                drop[k] = _is_stray_glyph(lines[k])
        i = last + 1
    return drop


# --- the pipeline --------------------------------------------------------------------


def normalise_characters(raw: str) -> str:
    """Character-level clean-up: NUL, newlines, NFKC, private-use bullets, quotes, look-alikes, ordinals."""
    text = raw.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "")
    text = replace_private_use(text)
    text = unicodedata.normalize("NFKC", text)
    text = straighten_quotes(text)
    text = fix_lookalikes(text)
    text = normalise_ordinals(text)
    return text


def _squeeze_blank_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line.strip() and "\t" not in line and out and not out[-1].strip() and "\t" not in out[-1]:
            continue
        out.append(line)
    return out


def clean_text(raw: str) -> CleanText:
    """Run the full clean-up and return the cleaned text with its page map and furniture markers."""
    text = normalise_characters(raw)
    pages = text.split("\f")
    has_form_feeds = len(pages) > 1
    all_lines = [l for p in pages for l in p.split("\n")]
    headers = running_headers(all_lines)

    out: list[str] = []  # cleaned text pieces, joined later
    pos = 0
    breaks: list[tuple[int, int]] = []
    footers: list[tuple[int, int]] = []  # (offset, page number whose end it marks)
    markers: list[Marker] = []

    def emit(s: str) -> None:
        nonlocal pos
        out.append(s)
        pos += len(s)

    for page_index, page in enumerate(pages):
        if has_form_feeds:
            breaks.append((pos, page_index + 1))
        lines = page.split("\n")
        garbage = drop_rotated_garbage(lines)
        kept: list[str] = []
        for line, is_garbage in zip(lines, garbage):
            if is_garbage:
                continue
            if line.strip() in headers:
                kept.append(_RUNNING_HEADER)  # gone from the text, kept as a page-top marker
                continue
            kept.append(line)
        kept = _squeeze_blank_lines(kept)
        for line in kept:
            if line == _RUNNING_HEADER:
                markers.append(Marker("page_top", "", pos))
                continue
            if _BLANK_PAGE_LINE.match(line):
                markers.append(Marker("blank_page", "", pos))
                continue
            if m := _PAGE_FOOTER_LINE.match(line):
                footers.append((pos, int(m.group(1))))
                markers.append(Marker("page", m.group(1), pos))
                continue
            if m := _AGENDA_ITEM_LINE.match(line):
                markers.append(Marker("agenda_item", m.group(1), pos))
                continue
            if _DOC_PACK_LINE.match(line):
                continue
            # inline "Page 89 Agenda Item 8" inside a sentence
            pieces = []
            last = 0
            # the literal test first: the regex would try every position of every line
            for m in _INLINE_PAGE_ITEM.finditer(line) if "Agenda Item" in line else ():
                pieces.append(line[last:m.start()])
                offset_here = pos + sum(len(p) for p in pieces) + 1
                footers.append((offset_here, int(m.group(1))))
                markers.append(Marker("page", m.group(1), offset_here))
                markers.append(Marker("agenda_item", m.group(2), offset_here))
                pieces.append(" ")
                last = m.end()
            pieces.append(line[last:])
            emit("".join(pieces) + "\n")
        if has_form_feeds and page_index < len(pages) - 1 and out and not out[-1].endswith("\n"):
            emit("\n")

    cleaned = "".join(out).strip("\n")
    lead = len("".join(out)) - len("".join(out).lstrip("\n"))
    shift = lambda o: max(0, min(len(cleaned), o - lead))  # noqa: E731
    breaks = [(shift(o), p) for o, p in breaks]
    footers = [(shift(o), p) for o, p in footers]
    markers = [Marker(m.kind, m.value, shift(m.offset)) for m in markers]
    page_map = _page_map(breaks, footers) if has_form_feeds else _page_map_from_footers(footers)
    if cleaned and not cleaned.endswith("\n"):
        cleaned += "\n"
    return CleanText(cleaned, page_map, tuple(markers))


def _page_map(breaks: list[tuple[int, int]], footers: list[tuple[int, int]]) -> PageMap:
    # Real page breaks (form feeds) win over printed footers: PDF page numbers are exact.
    dedup: dict[int, int] = {}
    for o, p in breaks:
        dedup[o] = p  # an empty page shares its offset with the next: keep the later
    return PageMap(tuple(sorted(dedup.items())))


def _page_map_from_footers(footers: list[tuple[int, int]]) -> PageMap:
    """Pages from ``Page N`` footers: text after footer N is page N+1.

    Text before a footer N is page N only back to the previous footer N-1; when the
    previous footer is further back (pages without a footer between), that stretch is
    unknown rather than guessed.
    """
    if not footers:
        return PageMap()
    breaks: list[tuple[int, int]] = []
    unknown: list[int] = []
    first_offset, first_page = footers[0]
    if first_page == 1:
        breaks.append((0, 1))
    else:
        unknown.append(0)
    for i, (offset, page) in enumerate(footers):
        nxt = footers[i + 1][1] if i + 1 < len(footers) else None
        if nxt is None or nxt == page + 1:
            breaks.append((offset, page + 1))
        else:
            unknown.append(offset)
    return PageMap(tuple(breaks), tuple(unknown))


_ANCHOR_SLACK = 8  # characters: furniture this close after an anchor is where the anchor's page begins


def infer_page_map(markers: tuple[Marker, ...], anchors: list[tuple[int, int, int]]) -> PageMap:
    """Pages of a text without form feeds, from its furniture and where agenda items' papers start.

    ``anchors`` are ``(offset, first page, last page)``: an agenda item's papers begin at
    ``offset`` on the page the agenda printed for it (``(Pages 13 - 28)``). From an
    anchor on, each running header starts a new page, a blank page counts as one, and a
    ``Page N`` footer ends page N — unless N lies outside the item's printed range, as
    the page numbers of an embedded document do. Text before the first anchor is page 1
    on (a pack's front sheet). Where nothing says, the page is unknown, never guessed.
    """
    events: list[tuple[int, int, str, tuple[int, int] | str]] = []
    for offset, first, last in anchors:
        events.append((offset, 1, "anchor", (first, last)))
    seen_items: set[str] = set()
    for m in markers:
        if m.kind == "agenda_item":
            if m.value in seen_items:
                continue  # the stamp repeated on later pages (or as side text) says nothing new
            seen_items.add(m.value)
        events.append((m.offset, 0, m.kind, m.value))
    events.sort(key=lambda e: (e[0], e[1]))

    breaks: list[tuple[int, int]] = [(0, 1)]
    unknown: list[int] = []
    current: int | None = 1
    item_range: tuple[int, int] | None = None

    def start(offset: int, page: int | None) -> None:
        nonlocal current
        current = page
        if page is None:
            unknown.append(offset)
        else:
            breaks.append((offset, page))

    anchored_at = -_ANCHOR_SLACK - 1
    for offset, _, kind, value in events:
        if kind == "anchor":
            item_range = value  # type: ignore[assignment]
            anchored_at = offset
            start(offset, item_range[0])
        elif offset - anchored_at <= _ANCHOR_SLACK:
            continue  # furniture at the very place an item's papers start belongs to the page before
        elif kind in ("page_top", "agenda_item"):
            start(offset, None if current is None else current + 1)
        elif kind == "blank_page":
            start(offset, None if current is None else current + 2)
        elif kind == "page":
            printed = int(value)  # type: ignore[arg-type]
            if item_range and not item_range[0] <= printed <= item_range[1]:
                continue
            start(offset, printed + 1)
    return PageMap(tuple(breaks), tuple(unknown))
