"""Split a cleaned document into parts by their shape, and small text helpers the parsers share.

A council agenda pack is a front sheet (committee, date, membership, agenda), then the
minutes of the previous meeting, then officer reports (each opening on a `Report Title:`
cover table), each followed by its appendices (outcome tables, scorecards, work
programmes). A segment is a span of the cleaned text with the kind of part it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Protocol

from graph.records import ExtractionWarning, Provenance


class PageLookup(Protocol):
    def page_at(self, offset: int) -> int | None: ...


@dataclass(frozen=True)
class Segment:
    """A part of a document: kind is front_sheet | minutes | report | appendix | cabinet_update | text."""

    kind: str
    start: int
    end: int
    title: str | None = None


@dataclass(frozen=True)
class Line:
    """One line of text with its offset in the text it came from (end excludes the newline)."""

    text: str
    start: int
    end: int

    @property
    def stripped(self) -> str:
        return self.text.strip()


def iter_lines(text: str, offset: int = 0) -> Iterator[Line]:
    """Lines of ``text`` with absolute offsets (``offset`` is where ``text`` starts in the document)."""
    pos = 0
    for raw in text.split("\n"):
        yield Line(raw, offset + pos, offset + pos + len(raw))
        pos += len(raw) + 1


def one_line(text: str) -> str:
    """``text`` on one line: each run of whitespace one space, none at the ends."""
    # the same as re.sub(r"\s+", " ", text).strip() (\s and str.split agree on whitespace), in C
    return " ".join(text.split())


def provenance(document: str, pages: PageLookup | None, start: int, end: int) -> Provenance:
    """Provenance for a span of the cleaned text, with the page the span starts on."""
    page = pages.page_at(start) if pages is not None else None
    return Provenance(document=document, page=page, start=start, end=end)


def unreadable(document: str, pages: PageLookup | None, start: int, what: str, text: str) -> ExtractionWarning:
    """A warning for a value the layout promises (a name, a date, a time) that the parsers cannot read.

    The record is kept without the value, and the warning tells the user where to look.
    """
    return ExtractionWarning(document, provenance(document, pages, start, start).page, f"unreadable {what}",
                             " ".join(text.split())[:200], offset=start)


def is_upper_heading(line: str) -> bool:
    """True for a line written in capitals (a committee name, a minutes item title)."""
    # str.isupper: at least one cased character and no lower-case one, in C rather than per character
    return line.isupper() and sum(c.isalpha() for c in line) >= 4


# --- segment boundaries --------------------------------------------------------------

_REPORT_TITLE = re.compile(r"^\s*(?:Report Title|(?i:Title of Report))\s*:", re.M)
# Other report covers open with `Report to:` and name the report (`Subject:`, `Report of:`) below.
_REPORT_TO = re.compile(r"^[ \t]*(?i:Report\s+to)[ \t]*:[ \t]*\S", re.M)
_REPORT_COMPANION = re.compile(r"^[ \t]*(?i:Subject|Report\s+of|Report\s+by|Title|Report\s+title|Title\s+of\s+report)"
                               r"[ \t]*:[ \t]*\S", re.M)
_FRONT_DATE = re.compile(r"^\s*DATE\s*:\s*\S", re.M)
# A title-case `Date:` starts a front sheet only with its companions (`Time:`, `Venue:`) below it:
# a lone `Date:` is a letter's or a report's.
_FRONT_DATE_TITLE = re.compile(r"^[ \t]*(?i:Date(?:\s+and\s+time)?)[ \t]*:[ \t]*\S", re.M)
_FRONT_COMPANION = re.compile(r"^[ \t]*(?i:Time|Venue|Place|Location)[ \t]*:[ \t]*\S", re.M)
# minutes headings are printed in capitals, or name the body: "Minutes of a meeting of the Cabinet
# held on ..."; an agenda's "Minutes of the meeting held on ..." is neither
_MINUTES_HEADING = re.compile(r"^[ \t]*(?:MEETING\s+HELD\s+(?:AT|IN|ON)|MINUTES\s+OF\s+(?:THE\s+)?MEETING)\b.*$"
                              r"|^[ \t]*(?i:(?:The\s+)?Minutes\s+of\s+(?:a|the)\s+(?:[A-Za-z]+\s+)?(?:meeting|proceedings)\s+of)\s+.*$",
                              re.M)
# A title-case `Minutes of the meeting held on <date>` names no body: it heads minutes only under a
# line that names one (`Schools Forum`). In an agenda the line above is the item's number, title or
# page range (`3. Minutes of the Previous Meeting`, `(Pages 5 - 12)`), which names no body.
_MINUTES_HELD = re.compile(r"^[ \t]*(?i:(?:The\s+)?Minutes\s+of\s+(?:a|the)\s+(?:[A-Za-z]+\s+)?meeting\s+held\s+on)\s+\S.*$",
                           re.M)
_NOT_A_BODY = re.compile(r"^[(\d]|\bpages?\s+\d|\b(?:minutes|agenda|item|page)\b", re.I)
# `MINUTES OF THE LICENSING SUB-COMMITTEE` or `Minutes of the Council` on a line of its own, dated
# on one of the next lines (`HELD AT 6.30 P.M. ON ...`, `Meeting date: ...`, or the date itself).
# `Minutes of the Previous Meeting`, an agenda item's title, names no body.
MINUTES_TITLE = re.compile(r"^[ \t]*(?i:(?:The\s+)?Minutes\s+of\s+(?:the\s+)?)(?P<body>[A-Z][^\n]{2,90}?)[ \t]*$", re.M)
_NOT_A_MINUTES_BODY = re.compile(r"\b(?:meetings?|previous|last|held|proceedings|minutes)\b", re.I)
MINUTES_DATE_LINE = re.compile(
    r"^[ \t]*(?:held\s+(?:at|on|in)\s|(?:meeting\s+)?date(?:\s+of\s+(?:the\s+)?meeting)?\s*:\s*\S"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?\d{1,2}(?:\s*(?:st|nd|rd|th))?\s+[a-z]+,?\s+\d{4})", re.I)
# A meeting's date as a heading line of its own: `Wednesday 2nd October, 2024 6.30 pm`,
# `THURSDAY, 12 SEPTEMBER 2024 AT 10.00 AM` (a ModernGov page, a notice of meeting).
DATE_HEADING = re.compile(
    r"^(?P<date>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+,?\s+\d{4})"
    r"(?:,?\s+(?:at\s+)?(?P<time>\d{1,2}(?:[.:]\d{2})?\s*[ap]\.?m\.?))?\s*$",
    re.I,
)
# A notice that summons members in a sentence: `You are summoned to attend a meeting of the
# Planning Committee to be held in the Council Chamber on Wednesday, 18 September 2024 at 7.00 pm`.
SUMMONS = re.compile(r"(?i:\b(?:summoned|invited|requested)\s+to\s+attend\s+(?:a|the)\s+(?:[a-z]+\s+)?meeting\s+of\s+"
                     r"(?:the\s+)?)(?P<committee>[A-Z][^\n]*?)\s*,?\s+(?i:(?:to\s+be|which\s+will\s+be|being)\s+held)\s+"
                     r"(?P<rest>[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*)")
_AGENDA_LINE = re.compile(r"^[ \t]*(?:AGENDA|Agenda)[ \t]*$", re.M)
_CABINET_UPDATE = re.compile(r"^[ \t]*\**[ \t]*CABINET MEMBER (?:UPDATE|REPORT)S?\b[^\n]*$", re.M)
_BACKGROUND_PAPERS = re.compile(r"^\s*Background Papers\s*:?\s*$", re.M | re.I)
_APPENDICES_INTRO = re.compile(r"^[ \t]*The following appendi(?:x is|ces are) attached[^\n]*$", re.M | re.I)
_MODERNGOV_MINUTES = re.compile(r"^\s*(?:Minutes|Decision(?: Made)?)\s*:\s*$", re.M)


def _heading_start(text: str, pos: int, max_back: int = 3) -> int:
    """Move ``pos`` back to an upper-case heading line (the committee name) just above it."""
    start = pos
    seen = 0
    cursor = pos
    while cursor > 0 and seen < max_back:
        prev_end = text.rfind("\n", 0, cursor - 1) if cursor > 0 else -1
        line = text[prev_end + 1:cursor].strip() if cursor > 0 else ""
        cursor = prev_end + 1 if prev_end >= 0 else 0
        if not line:
            continue
        seen += 1
        if is_upper_heading(line) and not _REPORT_TITLE.match(line):
            start = cursor
        else:
            break
        if prev_end < 0:
            break
    return start


def _line_above(text: str, pos: int) -> int:
    """Start of the short non-sentence line just above ``pos`` (a body's name in title case), else ``pos``."""
    start = _heading_start(text, pos)
    if start != pos:
        return start
    window = max(0, pos - 400)  # only the lines just above: no copy of the text before them
    before = text[window:pos].rstrip()
    line_start = before.rfind("\n") + 1
    line = before[line_start:].strip()
    if line and could_name_a_body(line):
        return window + line_start
    return pos


def could_name_a_body(line: str) -> bool:
    """A short line that is no sentence and no label (`Cabinet`, `Planning Committee`)."""
    return len(line) < 100 and not line.endswith((".", ",", ";")) and ":" not in line


def names_a_body(line: str) -> bool:
    """`could_name_a_body`, and not an agenda's item number, page range or `Minutes ...` title."""
    return could_name_a_body(line) and any(c.isalpha() for c in line) and not _NOT_A_BODY.search(line)


def lines_with(text: str, words: tuple[str, ...]) -> list[int]:
    """The start of every line of ``text`` holding one of ``words``, in order (substring search, not a regex)."""
    starts: set[int] = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            starts.add(start)
            end = text.find("\n", at)
            if end < 0:
                break
            at = text.find(word, end)
    return sorted(starts)


def minutes_title_body(line: str) -> str | None:
    """The body a minutes title line names (`MINUTES OF THE CABINET` -> `CABINET`), or None."""
    m = MINUTES_TITLE.match(line)
    if m is None or _NOT_A_MINUTES_BODY.search(m.group("body")) or not names_a_body(m.group("body")):
        return None
    return m.group("body")


def dated_below(lines: list[Line]) -> Line | None:
    """The first of ``lines`` (the few under a minutes title) that dates the meeting, or None."""
    for ln in lines:
        if MINUTES_DATE_LINE.match(ln.text) and len(ln.stripped) < 160:
            return ln
    return None


def nearest_line_above(text: str, pos: int, window: int = 400) -> Line | None:
    """The last non-blank line before ``pos`` (blank lines between allowed), within ``window`` characters."""
    lo = max(0, pos - window)
    before = text[lo:pos].rstrip()
    if not before:
        return None
    start = before.rfind("\n") + 1
    if start == 0 and lo > 0:
        return None  # the line starts outside the window: too far up to be the heading's
    return Line(before[start:], lo + start, lo + len(before))


def _report_body_end(text: str, start: int, limit: int) -> int:
    """End of a report's own text: the paragraph after `Background Papers:` (appendices follow)."""
    m = _BACKGROUND_PAPERS.search(text, start, limit)
    if not m:
        # no background papers: the list under "The following appendices are attached" ends it
        m = _APPENDICES_INTRO.search(text, start, limit)
    if not m:
        return limit
    # the paragraph after the heading says what the background papers are; appendices follow it
    nxt = text.find("\n", m.end())
    if nxt < 0:
        return limit
    # skip blank lines, then the paragraph
    body = re.search(r"\S[^\n]*(?:\n[^\n\S]*\S[^\n]*)*", text[nxt:limit])
    if not body:
        return limit
    return min(nxt + body.end(), limit)


def _unlabelled_front_sheets(text: str, taken: list[int]) -> list[int]:
    """Where front sheets with no `Date:` labels start: an `AGENDA` line with a date heading a few
    lines above it (`CABINET` / `THURSDAY, 12 SEPTEMBER 2024 AT 10.00 AM` / venue), at the line
    naming the body above the date; not where another part starts in between."""
    out = []
    for m in (m for pos in lines_with(text, ("AGENDA", "Agenda")) if (m := _AGENDA_LINE.match(text, pos))):
        above = [ln for ln in iter_lines(text[max(0, m.start() - 1500):m.start()], max(0, m.start() - 1500))
                 if ln.stripped][-12:]
        dated = next((ln for ln in reversed(above) if DATE_HEADING.match(ln.stripped)), None)
        if dated is None or any(dated.start <= pos <= m.start() for pos in taken):
            continue
        body = nearest_line_above(text, dated.start)
        if body is not None and names_a_body(body.stripped):
            out.append(_line_above(text, dated.start))
    return out


def split_segments(text: str) -> list[Segment]:
    """Cut the cleaned text into segments by shape; the segments cover the text without gaps."""
    starts: list[tuple[int, str]] = []
    for m in _FRONT_DATE.finditer(text):
        starts.append((_heading_start(text, m.start()), "front_sheet"))
    for m in _FRONT_DATE_TITLE.finditer(text):
        if not m.group(0).lstrip().startswith("DATE") and _FRONT_COMPANION.search(text, m.end(), m.end() + 400):
            starts.append((_line_above(text, m.start()), "front_sheet"))
    # Every minutes heading is on a line with one of these words: the patterns are tried at those
    # lines only (tried at every line start, the three took 1.4 ms of the sample agenda pack's split).
    candidates = lines_with(text, ("MEETING", "INUTES", "inutes"))
    headings = {m.start(): True for pos in candidates if (m := _MINUTES_HEADING.match(text, pos))}
    # (a title-case heading counts only under a body's name: see _MINUTES_HELD)
    headings.update((pos, False) for pos in candidates if pos not in headings and _MINUTES_HELD.match(text, pos))
    for pos, stands_alone in sorted(headings.items()):
        above = nearest_line_above(text, pos)
        if above is not None and names_a_body(above.stripped):
            starts.append((_line_above(text, pos), "minutes"))  # the body's name, in capitals or not
        elif stands_alone:
            starts.append((_heading_start(text, pos), "minutes"))
    for m in (m for pos in candidates if (m := MINUTES_TITLE.match(text, pos))):
        if minutes_title_body(m.group(0).strip()) is not None:
            below = [ln for ln in iter_lines(text[m.end():m.end() + 600], m.end()) if ln.stripped][:3]
            if dated_below(below) is not None:
                starts.append((m.start(), "minutes"))
    for m in _CABINET_UPDATE.finditer(text):
        starts.append((m.start(), "cabinet_update"))
    for m in _REPORT_TITLE.finditer(text):
        starts.append((m.start(), "report"))
    titled = [pos for pos, kind in starts if kind == "report"]
    for m in _REPORT_TO.finditer(text):
        # the `Report to:` row of a cover that a `Report Title:` row already opened is not another report
        if not any(m.start() - 800 <= pos <= m.start() + 800 for pos in titled) and \
                _REPORT_COMPANION.search(text, m.end(), m.end() + 600):
            starts.append((m.start(), "report"))
    # (a summons always says "to attend": a substring test spares the regex most texts)
    for m in SUMMONS.finditer(text) if "to attend" in text or "TO ATTEND" in text else ():
        starts.append((text.rfind("\n", 0, m.start()) + 1, "front_sheet"))
    starts.extend((pos, "front_sheet") for pos in _unlabelled_front_sheets(text, [p for p, _ in starts]))
    if not any(k == "minutes" for _, k in starts):
        m = _MODERNGOV_MINUTES.search(text)
        if m:
            starts.append((0, "minutes"))
    starts.sort()
    # keep the first segment at any one position, and a front sheet only once per run
    cleaned: list[tuple[int, str]] = []
    for pos, kind in starts:
        if cleaned and cleaned[-1][0] == pos:
            continue
        cleaned.append((pos, kind))
    segments: list[Segment] = []
    if not cleaned or cleaned[0][0] > 0:
        first_end = cleaned[0][0] if cleaned else len(text)
        if text[:first_end].strip() or not cleaned:
            segments.append(Segment("text", 0, first_end))
    for i, (pos, kind) in enumerate(cleaned):
        end = cleaned[i + 1][0] if i + 1 < len(cleaned) else len(text)
        if kind == "report":
            body_end = _report_body_end(text, pos, end)
            segments.append(Segment("report", pos, body_end))
            if text[body_end:end].strip():
                segments.append(Segment("appendix", body_end, end))
        else:
            segments.append(Segment(kind, pos, end))
    return [s for s in segments if s.end > s.start]
