"""Record extraction: one cleaned document in, an :class:`Extraction` of typed records out.

``extract_document`` cuts the text into parts by shape (front sheet, minutes, reports,
appendices, cabinet member update), runs the parsers for each part and keeps every
paragraph no record claimed as a searchable :class:`Passage`. A value the layout promises
but the value parsers cannot read (a name, a date, a time) is left out with an
:class:`ExtractionWarning` saying where; parsers never catch exceptions. A parser that
crashes on damaged text becomes a warning for that part; the other parts' records are
kept, and extraction never raises.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from itertools import accumulate
from typing import Any, Callable, TypeVar, get_args, get_origin, get_type_hints

from graph.records import (
    DocumentInfo, ExtractionWarning, Extraction, Meeting, MeetingRef, Passage, Provenance, Report,
)
from graph.clean import infer_page_map
from graph.extract.agenda import parse_agenda
from graph.extract.attendance import parse_also_present, parse_apologies, parse_declarations, parse_present
from graph.extract.council import council_name
from graph.extract.meetings import collect_acronyms, parse_front_sheet, parse_minutes_heading, parse_web_heading
from graph.extract.membership import parse_membership
from graph.extract.reports import parse_report
from graph.extract.resolutions import blank_web_furniture, parse_minutes
from graph.extract.segments import Segment, one_line, provenance, split_segments
from graph.extract.inspections import complete_school_names, has_report_cards, listed_school_names, parse_inspections
from graph.extract.prose import parse_decision_notices, parse_prose_decisions, parse_school_outcomes
from graph.extract.updates import parse_cabinet_member_update
from graph.extract.work_programme import parse_work_programme

__all__ = ["extract_document"]

T = TypeVar("T")


def _similar(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(a.lower(), b.lower())


class _Run:
    """Runs parsers, turning a crash on damaged text into a warning for the part it was reading."""

    def __init__(self, doc_name: str, pages: Any, warnings: list[ExtractionWarning]):
        self.doc_name, self.pages, self.warnings = doc_name, pages, warnings

    def __call__(self, what: str, seg: Segment, fn: Callable[..., T], *args: Any, default: T, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # a parser bug on odd text must not lose the rest of the document
            page = provenance(self.doc_name, self.pages, seg.start, seg.end).page
            self.warnings.append(ExtractionWarning(self.doc_name, page, f"{what} could not be parsed: {exc!r}",
                                                   offset=seg.start))
            return default

    def keeping_warnings(self, what: str, seg: Segment, fn: Callable[..., tuple[T, list[ExtractionWarning]]],
                         *args: Any, default: T, **kwargs: Any) -> T:
        """Run a parser that returns ``(value, warnings)``: keep its warnings, return its value."""
        value, warnings = self(what, seg, fn, *args, default=(default, []), **kwargs)
        self.warnings.extend(warnings)
        return value


def _document_kind(segments: list[Segment]) -> str:
    kinds = {s.kind for s in segments}
    if "front_sheet" in kinds:
        return "agenda_pack"
    if "minutes" in kinds:
        return "minutes"
    if "cabinet_update" in kinds:
        return "cabinet_member_update"
    if "report" in kinds:
        return "report"
    return "document"


def _ref(meeting: Meeting) -> MeetingRef:
    return MeetingRef(meeting.committee, meeting.date.start)


def extract_document(doc: Any) -> Extraction:
    """Every record in a read document (``graph.read.SourceDocument``), with provenance; never raises.

    Text without real page breaks is re-paged when its agenda says where each item's papers
    start: every record and warning is dated with pages inferred from those anchors.
    """
    pages = getattr(doc, "pages", None)
    ex = _extract_with(doc, pages)
    try:
        inferred = _inferred_page_map(doc, ex)
    except Exception as exc:  # page inference is a refinement: keep the first pass if it fails
        ex.warnings.append(ExtractionWarning(ex.document.name, None, f"page numbers could not be inferred: {exc!r}"))
        inferred = None
    if inferred is not None:
        # Parsers read a page map only to stamp provenance, never to decide anything, so a second
        # pass with the inferred map would find the same records: re-stamp them instead (half the cost).
        repage(ex, inferred)
    return ex


def repage(ex: Extraction, pages: Any) -> None:
    """Stamp every record's provenance and every placed warning with the page ``pages`` gives its start."""
    def visit(record: Any) -> None:
        provenance_fields, record_lists = _provenance_layout(type(record))
        for name in provenance_fields:
            value = getattr(record, name)
            if value is not None:
                setattr(record, name, replace(value, page=pages.page_at(value.start)))
        for name in record_lists:
            for item in getattr(record, name):
                visit(item)

    visit(ex)
    for warning in ex.warnings:
        if warning.offset is not None:
            warning.page = pages.page_at(warning.offset)


@lru_cache(maxsize=None)
def _provenance_layout(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A record class's fields that hold a Provenance, and its fields that list records holding one."""
    hints = get_type_hints(cls)
    own: list[str] = []
    lists: list[str] = []
    for f in fields(cls):
        hint = hints[f.name]
        if hint is Provenance or Provenance in get_args(hint):
            own.append(f.name)
        elif get_origin(hint) is list and is_dataclass(item := get_args(hint)[0]) and any(_provenance_layout(item)):
            lists.append(f.name)
    return tuple(own), tuple(lists)


def _extract_with(doc: Any, pages: Any) -> Extraction:
    name = str(getattr(doc, "name", "document"))
    text = getattr(doc, "text", "") or ""
    info = DocumentInfo(name=name, checksum=str(getattr(doc, "checksum", "")), council=None, title=None,
                        kind="document", pages=getattr(doc, "page_count", None))
    ex = Extraction(document=info)
    try:
        _extract(text, pages, ex)
    except Exception as exc:  # last resort: keep the text searchable and say what happened
        ex.warnings.append(ExtractionWarning(name, None, f"extraction stopped: {exc!r}"))
        if text.strip() and not ex.passages:
            ex.passages.append(Passage("section", name, one_line(text),
                                       provenance(name, pages, 0, len(text))))
    return ex


def _inferred_page_map(doc: Any, ex: Extraction) -> Any:
    """A page map from agenda page ranges and page furniture, or None when nothing better is known."""
    if getattr(doc, "exact_pages", False):
        return None
    ranges = {a.number: a.pages for a in ex.agenda_items if a.pages}
    if not ranges:
        return None
    # Where each item's papers start: its report's cover table or its "Agenda Item N" stamp,
    # whichever comes first (the stamp also turns up later, as rotated side text).
    starts = sorted(
        [(r.source.start, r.agenda_item) for r in ex.reports if r.agenda_item in ranges]
        + [(m.offset, m.value) for m in getattr(doc, "markers", ()) if m.kind == "agenda_item" and m.value in ranges]
    )
    anchors: list[tuple[int, int, int]] = []
    seen: set[str] = set()
    for offset, item in starts:
        if item not in seen:
            seen.add(item)
            anchors.append((offset, *ranges[item]))
    if not anchors:
        return None
    # Stamps of items the agenda placed are anchors already; a later copy is side text, not a new page.
    furniture = tuple(m for m in getattr(doc, "markers", ()) if not (m.kind == "agenda_item" and m.value in ranges))
    return infer_page_map(furniture, anchors)


def _extract(text: str, pages: Any, ex: Extraction) -> None:
    name = ex.document.name
    text = blank_web_furniture(text)
    run = _Run(name, pages, ex.warnings)
    acronyms = collect_acronyms(text)
    segments = split_segments(text)
    ex.document.kind = _document_kind(segments)
    ex.document.council = council_name(text)
    kw = dict(document=name, pages=pages)

    pack_meeting: Meeting | None = None
    claimed: list[tuple[int, int]] = []
    last_report: Report | None = None

    for seg in segments:
        part = text[seg.start:seg.end]
        off = seg.start
        if seg.kind == "front_sheet":
            meeting = run.keeping_warnings("front sheet", seg, parse_front_sheet, part, offset=off, acronyms=acronyms,
                                           default=None, **kw)
            if meeting is None:
                continue
            ex.meetings.append(meeting)
            pack_meeting = pack_meeting or meeting
            ref = _ref(meeting)
            claimed.append((meeting.source.start, meeting.source.end))
            members = run.keeping_warnings("membership", seg, parse_membership, part, committee=meeting.committee,
                                           offset=off, meeting=ref, default=[], **kw)
            ex.memberships.extend(members)
            items = run("agenda", seg, parse_agenda, part, meeting=ref, offset=off, default=[], **kw)
            ex.agenda_items.extend(items)
            claimed.extend((r.source.start, r.source.end) for r in [*members, *items])
        elif seg.kind in ("minutes", "text"):
            meeting = run.keeping_warnings("minutes heading", seg, parse_minutes_heading, part, offset=off,
                                           acronyms=acronyms, default=None, **kw)
            if meeting is None:
                meeting = run.keeping_warnings("web heading", seg, parse_web_heading, part, offset=off,
                                               acronyms=acronyms, default=None, **kw)
            if meeting is not None:
                _minutes(run, seg, part, meeting, ex, claimed, acronyms, kw)
            _report_cards(run, seg, part, ex, claimed, kw)
            _prose(run, seg, part, ex, kw)
        elif seg.kind == "report":
            report = run.keeping_warnings("report", seg, parse_report, part, offset=off, default=None, **kw)
            if report is None:
                continue
            _link_report(report, pack_meeting, ex)
            ex.reports.append(report)
            last_report = report
            first_section = report.sections[0].source.start if report.sections else seg.end
            claimed.append((seg.start, first_section))
            # Some councils print the outcomes table and the outcomes in the report itself, not
            # in an appendix after it.
            found = run.keeping_warnings("inspection table", seg, parse_inspections, part, offset=off,
                                         default=[], **kw)
            ex.inspections.extend(found)
            claimed.extend((i.source.start, i.source.end) for i in found)
            claimed.extend((s.source.start, s.source.end) for s in report.sections)
            if report.sections:
                _section_prose(run, seg, text, report.sections, ex, kw, outcomes_where_schools_named=True)
        elif seg.kind == "appendix":
            _appendix(run, seg, part, pack_meeting, last_report, ex, claimed, kw)
        elif seg.kind == "cabinet_update":
            _report_cards(run, seg, part, ex, claimed, kw)
            update = run.keeping_warnings("cabinet member update", seg, parse_cabinet_member_update, text,
                                          default=None, **kw)
            if update is not None:
                ex.cabinet_updates.append(update)
                claimed.extend((s.source.start, s.source.end) for s in update.sections)
                if update.sections:
                    _section_prose(run, seg, text, update.sections, ex, kw)
                    continue
            _prose(run, seg, part, ex, kw)

    listed = listed_school_names(text)
    if listed:
        records = [*ex.inspections, *ex.school_outcomes]
        for record, name in zip(records, complete_school_names([r.school for r in records], listed)):
            record.school = name
    ex.document.title = _title(text, ex)
    _passages(text, segments, claimed, ex, pages)


def _minutes(run: _Run, seg: Segment, part: str, meeting: Meeting, ex: Extraction, claimed: list[tuple[int, int]],
             acronyms: set[str], kw: dict[str, Any]) -> None:
    off = seg.start
    ex.meetings.append(meeting)
    ref = _ref(meeting)
    claimed.append((meeting.source.start, meeting.source.end))
    for what, fn in (("present", parse_present), ("also present", parse_also_present), ("apologies", parse_apologies)):
        ex.attendance.extend(run.keeping_warnings(what, seg, fn, part, meeting=ref, offset=off, default=[], **kw))
    ex.declarations.extend(run.keeping_warnings("declarations", seg, parse_declarations, part, meeting=ref, offset=off,
                                                default=[], **kw))
    claimed.extend((a.source.start, a.source.end) for a in ex.attendance if a.meeting == ref)
    items, resolutions, passages = run("minutes items", seg, parse_minutes, part, meeting=ref, offset=off,
                                       acronyms=acronyms, default=([], [], []), **kw)
    ex.agenda_items.extend(items)
    ex.resolutions.extend(resolutions)
    ex.passages.extend(passages)
    claimed.extend((i.source.start, i.source.end) for i in items)


def _report_cards(run: _Run, seg: Segment, part: str, ex: Extraction, claimed: list[tuple[int, int]],
                  kw: dict[str, Any]) -> None:
    """Report-card inspections (tables or one area a line) in minutes, updates and other text: tried
    only where a report card's grades are named, so older papers cost no table search here."""
    if not has_report_cards(part):
        return
    found, warnings = run("report cards", seg, parse_inspections, part, offset=seg.start, default=([], []), **kw)
    # Outcome tables outside reports and appendices are read as before (not at all): report cards only.
    found = [i for i in found if i.area_grades]
    ex.warnings.extend(w for w in warnings if "report card" in w.message)
    ex.inspections.extend(found)
    claimed.extend((i.source.start, i.source.end) for i in found)


def _prose(run: _Run, seg: Segment, part: str, ex: Extraction, kw: dict[str, Any]) -> None:
    ex.school_outcomes.extend(run("school outcomes", seg, parse_school_outcomes, part, offset=seg.start, default=[], **kw))
    ex.decisions.extend(run("prose decisions", seg, parse_prose_decisions, part, offset=seg.start, default=[], **kw))
    ex.decisions.extend(run("decision notices", seg, parse_decision_notices, part, offset=seg.start, default=[], **kw))


# A school's outcome in a report section names it as one: the outcome rules try every capital of
# the text, so a report's sections that name no school are not searched (a tenth of extraction).
_NAMES_A_SCHOOL = ("chool", "cademy", "ursery", "ollege", "CHOOL", "CADEMY")


def _section_prose(run: _Run, seg: Segment, text: str, sections: list, ex: Extraction, kw: dict[str, Any], *,
                   outcomes_where_schools_named: bool = False) -> None:
    """Prose records section by section, so a decision's subject is the heading it sits under."""
    for sec in sections:
        body = text[sec.source.start:sec.source.end]
        if not outcomes_where_schools_named or any(word in body for word in _NAMES_A_SCHOOL):
            ex.school_outcomes.extend(run("school outcomes", seg, parse_school_outcomes, body, offset=sec.source.start,
                                          default=[], **kw))
        ex.decisions.extend(run("prose decisions", seg, parse_prose_decisions, body, offset=sec.source.start,
                                heading=sec.title, default=[], **kw))


def _link_report(report: Report, meeting: Meeting | None, ex: Extraction) -> None:
    """Attach a report to the agenda pack's meeting and to the agenda item with the closest title."""
    if meeting is None:
        return
    if report.meeting_date is None or report.meeting_date.start == meeting.date.start:
        report.meeting = _ref(meeting)
        if report.meeting_date is None:
            report.meeting_date = meeting.date
    candidates = [a for a in ex.agenda_items if a.meeting == _ref(meeting)]
    if not candidates:
        return
    scores = [_similar(a.title, report.title) for a in candidates]
    best = max(range(len(scores)), key=scores.__getitem__)  # the first of equal scores, as max() keeps
    if scores[best] >= 75:
        report.agenda_item = candidates[best].number


def _appendix(run: _Run, seg: Segment, part: str, meeting: Meeting | None, report: Report | None, ex: Extraction,
              claimed: list[tuple[int, int]], kw: dict[str, Any]) -> None:
    off = seg.start
    found = run.keeping_warnings("inspection table", seg, parse_inspections, part, offset=off, default=[], **kw)
    ex.inspections.extend(found)
    claimed.extend((i.source.start, i.source.end) for i in found)
    if found:
        return
    if re.search(r"Report\s*/\s*Item|INFORMAL MEETINGS|WORK PROGRAMME", part):
        committee = meeting.committee if meeting else (report.report_to if report and report.report_to else "")
        items, meetings, warns = run("work programme", seg, parse_work_programme, part, committee=committee,
                                     offset=off, reference=meeting.date.start if meeting else None,
                                     default=([], [], []), **kw)
        ex.work_programme.extend(items)
        ex.meetings.extend(meetings)
        ex.warnings.extend(warns)
        claimed.extend((i.source.start, i.source.end) for i in items)
        claimed.extend((m.source.start, m.source.end) for m in meetings)


_PASSAGE_KIND = {"minutes": "minutes", "report": "report", "appendix": "table", "cabinet_update": "update",
                 "front_sheet": "section", "text": "section"}
_MAX_PASSAGE = 4000


def _passages(text: str, segments: list[Segment], claimed: list[tuple[int, int]], ex: Extraction, pages: Any) -> None:
    """Every paragraph no record claimed becomes part of a passage, so nothing is dropped."""
    spans = sorted(claimed)
    span_starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))  # the furthest end among spans[:i + 1]

    def is_claimed(start: int, end: int) -> bool:
        # some span starting at or before ``start`` reaches ``end``: a bisection, not a scan of every span
        i = bisect_right(span_starts, start)
        return i > 0 and reach[i - 1] >= end

    name = ex.document.name
    for seg in segments:
        title = _segment_title(text, seg)
        buf: list[tuple[int, int]] = []

        def flush() -> None:
            if not buf:
                return
            start, end = buf[0][0], buf[-1][1]
            body = one_line(text[start:end])
            if body:
                meeting = None
                ex.passages.append(Passage(_PASSAGE_KIND.get(seg.kind, "section"), title, body,
                                           provenance(name, pages, start, end), meeting=meeting))
            buf.clear()

        for m in re.finditer(r"\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text[seg.start:seg.end]):
            start, end = seg.start + m.start(), seg.start + m.end()
            if is_claimed(start, end):
                flush()
                continue
            buf.append((start, end))
            if buf[-1][1] - buf[0][0] > _MAX_PASSAGE:
                flush()
        flush()


def _segment_title(text: str, seg: Segment) -> str:
    for line in text[seg.start:seg.end].split("\n"):
        line = line.strip().strip("*").strip()
        if line and len(line) < 150:
            return re.sub(r"\s+", " ", line.replace("\t", " "))
    return seg.kind


def _title(text: str, ex: Extraction) -> str | None:
    if ex.document.kind in ("agenda_pack", "minutes") and ex.meetings:
        m = ex.meetings[0]
        what = "Agenda" if ex.document.kind == "agenda_pack" else "Minutes"
        return f"{m.committee}: {what}, {m.date.text}"
    if ex.document.kind == "cabinet_member_update" and ex.cabinet_updates:
        u = ex.cabinet_updates[0]
        return f"Cabinet Member Update: {u.portfolio}" + (f", {u.period.text}" if u.period else "")
    if ex.reports:
        return ex.reports[0].title
    for line in text.split("\n"):
        if line.strip():
            return re.sub(r"\s+", " ", line.strip().strip("*"))[:200]
    return None
