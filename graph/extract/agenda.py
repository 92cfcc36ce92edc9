"""Agenda items from a front sheet: number, title, page range, `Report of ...`, `(To Follow)`, verbal updates."""
from __future__ import annotations

import re

from graph.records import AgendaItem, MeetingRef
from graph.extract.segments import PageLookup, provenance

_AGENDA_HEADING = re.compile(r"^[ \t]*(?:AGENDA|Agenda)[ \t]*$", re.M)
# an item number: at a line start, or after a sentence end when items were run together
_ITEM_NUMBER = re.compile(r"(?:^|(?<=[.)]\s)|(?<=\n))[ \t]*(\d{1,2})([a-z]?)\.[ \t]+(?=[A-Z])", re.M)
_PAGES = re.compile(r"\(\s*Pages?\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*\)", re.I)
_TO_FOLLOW = re.compile(r"\(\s*To\s+Follow\s*\)", re.I)
_REPORT_OF = re.compile(r"\bReport\s+of\s+(?:the\s+)?(.+?)(?:\.\s|\.$|\n|$)", re.I)
_VERBAL = re.compile(r"\bverbal\b", re.I)


def numbered_starts(text: str) -> list[re.Match[str]]:
    """Item-number matches that run 1, 2, 3 ... (stray numbers in prose are skipped)."""
    chosen: list[re.Match[str]] = []
    expected = None
    for m in _ITEM_NUMBER.finditer(text):
        n = int(m.group(1))
        if expected is None:
            if n in (1, 2):
                chosen.append(m)
                expected = n + 1
        elif n == expected or (m.group(2) and n == expected - 1):
            chosen.append(m)
            expected = n + 1 if not m.group(2) else expected
    return chosen


def item_title(body: str) -> str:
    """The title: the first line, cut before a page range, `(To Follow)` or `Report of`."""
    first = body.strip().split("\n", 1)[0]
    cut = len(first)
    for rx in (_PAGES, _TO_FOLLOW, re.compile(r"\bReport\s+of\b")):
        m = rx.search(first)
        if m:
            cut = min(cut, m.start())
    return re.sub(r"\s+", " ", first[:cut]).strip(" .:-–")


def parse_agenda(text: str, *, meeting: MeetingRef, document: str, pages: PageLookup | None,
                 offset: int = 0) -> list[AgendaItem]:
    """The numbered items after the `AGENDA` heading of a front sheet."""
    heading = _AGENDA_HEADING.search(text)
    base = heading.end() if heading else 0
    region = text[base:]
    starts = numbered_starts(region)
    items: list[AgendaItem] = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(region)
        body = region[m.end():end]
        title = item_title(body)
        if not title:
            continue
        pm = _PAGES.search(body)
        page_range = None
        if pm:
            first = int(pm.group(1))
            page_range = (first, int(pm.group(2)) if pm.group(2) else first)
        rm = _REPORT_OF.search(body)
        report_of = re.sub(r"\s+", " ", rm.group(1)).strip(" .") if rm else None
        items.append(AgendaItem(
            meeting=meeting, number=m.group(1) + m.group(2), title=title,
            source=provenance(document, pages, offset + base + m.start(), offset + base + end),
            pages=page_range, report_of=report_of, to_follow=bool(_TO_FOLLOW.search(body)),
            verbal=bool(_VERBAL.search(body)),
        ))
    return items
