"""Cabinet member update reports -> CabinetMemberUpdate (councillor, portfolio, period, sections).

Shape: a title line (``CABINET MEMBER UPDATE``), the body it is reported to (often in
bold, with the meeting date), a header table ``Councillor | Portfolio | Period of Report``
and a row under it, then short heading lines each followed by paragraphs.
"""
from __future__ import annotations

import re

from graph.clean import PageMap
from graph.records import CabinetMemberUpdate, ExtractionWarning, Provenance, ReportSection
from graph.extract.segments import unreadable
from graph.values import find_dates, parse_date, parse_person

_TITLE = re.compile(r"^\s*\**\s*cabinet\s+member\s+(?:update|report)s?\b", re.I | re.M)
_HEADER = re.compile(r"^\s*councillor\s*\t\s*portfolio\s*\t\s*period(?:\s+of\s+report)?\s*$", re.I | re.M)
_BULLET_START = re.compile(r"^\s*(?:[-•▪◦*]|\(?\d+[.)]|\([a-z]+\))\s")


def is_heading_line(line: str) -> bool:
    """A short line that names a section: few words, no closing punctuation, not a bullet or table row."""
    s = line.strip().strip("*").strip()
    if not s or "\t" in line or _BULLET_START.match(line) or not s[0].isalpha() or not s[0].isupper():
        return False
    return len(s.split()) <= 8 and not s.endswith((".", ":", ";", ",")) and len(s) <= 80


def _committee(text_before_header: str) -> str | None:
    """The body the update is reported to: the non-title, non-date lines above the header table."""
    parts = []
    for line in text_before_header.splitlines():
        s = line.strip().strip("*").strip()
        if not s or _TITLE.match(s):
            continue
        dates = find_dates(s)
        if dates and dates[0][0] == 0 and dates[0][1] >= len(s) - 1:
            continue  # a line that is only the meeting date
        parts.append(s)
    return " ".join(parts) or None


def parse_sections(text: str, *, document: str, pages: PageMap, offset: int = 0) -> list[ReportSection]:
    """Sections of a narrative report: each heading line with the paragraphs under it."""
    sections: list[ReportSection] = []
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1

    def next_content(i: int) -> str | None:
        for j in range(i + 1, len(lines)):
            if lines[j].strip():
                return lines[j]
        return None

    current: tuple[str, int] | None = None
    body: list[str] = []
    body_end = 0

    def close() -> None:
        if current is not None and body:
            title, at = current
            sections.append(ReportSection(title, "\n".join(body).strip(),
                                          Provenance(document, pages.page_at(offset + at), offset + at, offset + body_end)))

    for i, line in enumerate(lines):
        if not line.strip():
            continue
        following = next_content(i)
        if is_heading_line(line) and following is not None and not is_heading_line(following):
            close()
            current, body = (line.strip().strip("*").strip(), starts[i]), []
            continue
        if current is not None:
            body.append(line.strip())
            body_end = starts[i] + len(line)
    close()
    return sections


def parse_cabinet_member_update(text: str, *, document: str,
                                pages: PageMap) -> tuple[CabinetMemberUpdate | None, list[ExtractionWarning]]:
    """The update's councillor, portfolio, period, committee and sections; None if the text has no such header table.

    A header table whose row cannot be read (no cells, no councillor's name) gives None and a warning;
    an unreadable period gives the update without one, and a warning.
    """
    header = _HEADER.search(text)
    if header is None:
        return None, []
    row_start = text.find("\n", header.end()) + 1
    while row_start and row_start < len(text) and not text[row_start:text.find("\n", row_start)].strip():
        row_start = text.find("\n", row_start) + 1
    row_end = text.find("\n", row_start)
    row_end = len(text) if row_end == -1 else row_end
    cells = [c.strip() for c in text[row_start:row_end].split("\t")]
    if len(cells) < 2:
        return None, [unreadable(document, pages, row_start, "row under the cabinet member update header",
                                 text[row_start:row_end])]
    councillor = parse_person(cells[0])
    if councillor is None:
        return None, [unreadable(document, pages, row_start, "cabinet member's name", cells[0])]
    if not councillor.honorifics:
        from dataclasses import replace
        councillor = replace(councillor, honorifics=("Councillor",))  # the column header says so
    period = parse_date(cells[2]) if len(cells) > 2 and cells[2] else None
    warnings = [unreadable(document, pages, row_start, "period of a cabinet member update", cells[2])] \
        if period is None and len(cells) > 2 and cells[2] else []
    title = _TITLE.search(text, 0, header.start())
    committee = _committee(text[title.end() if title else 0:header.start()])
    source = Provenance(document, pages.page_at(header.start()), header.start(), len(text.rstrip()))
    sections = parse_sections(text[row_end:], document=document, pages=pages, offset=row_end)
    return CabinetMemberUpdate(councillor, cells[1], period, source, committee=committee, sections=sections), warnings
