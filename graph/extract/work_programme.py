"""Work programme tables: future meetings (date, time, venue), their items and authors; informal meetings."""
from __future__ import annotations

import re

from graph.records import ExtractionWarning, Meeting, PersonName, WorkProgrammeItem
from graph.extract.segments import PageLookup, iter_lines, provenance, unreadable
from graph.values import normalise_time, parse_date, parse_person

_MEETING_ROW = re.compile(
    r"(?P<date>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4})"
    r"(?:,\s*(?P<time>\d{1,2}(?:[.:]\d{2})?\s*[ap]\.?\s?m\.?))?(?:,\s*(?P<venue>[^\t\n]+?))?\s*(?=\s+No\.?\s+Report|\t|$)"
)
_HEADER_ROW = re.compile(r"^\s*No\.?\s*\t?\s*Report\s*/\s*Item\b", re.I)
_INFORMAL_HEADING = re.compile(r"INFORMAL MEETINGS|WORKSHOPS|VISITS", re.I)
_ITEM_ROW = re.compile(r"^\s*(?:\d{1,2}\.?|\.|\))?\s*\t\s*(?P<item>[^\t]+?)\s*\t\s*(?P<authors>[^\t]*?)\s*\t?\s*$")
_NUMBERED_ROW = re.compile(r"^\s*(?:\d{1,2}\.?|\.)\s+(?P<item>[^\t]+?)\s*\t\s*(?P<authors>[^\t]+?)\s*\t?\s*$")
_TWO_CELL_ROW = re.compile(r"^\s*(?P<item>[A-Z][^\t]+?)\s*\t\s*(?P<authors>[A-Z][^\t]+?)\s*\t?\s*$")
_DESCRIPTION_ROW = re.compile(r"^\s*\t\s*(?P<text>[^\t]{25,}?)\s*\t?\s*$")
# a title run into its description: the description opens with an article or `To` and a lower-case word
_DESCRIPTION_START = re.compile(r"\s(?=(?:An?|The|To)\s+[a-z])")


def split_authors(text: str) -> tuple[list[PersonName], list[str]]:
    """The people in an author cell (`A Person / B Person; C Person`) and, as printed, the entries that are not names."""
    people: list[PersonName] = []
    not_names: list[str] = []
    for name in re.split(r"\s*/\s*|\s*;\s*", text):
        if not name.strip():
            continue
        person = parse_person(name.strip())
        if person is None:
            not_names.append(name.strip())
        else:
            people.append(person)
    return people, not_names


def split_title_description(cell: str) -> tuple[str, str | None]:
    """`Child Poverty An informal meeting ...` -> ('Child Poverty', 'An informal meeting ...')."""
    for m in _DESCRIPTION_START.finditer(cell):
        head = cell[:m.start()].strip()
        if len(head.split()) >= 1 and head[:1].isupper():
            return head, cell[m.end():].strip()
    return cell.strip(), None


_RELATIVE_BEFORE = re.compile(r"\b(?:prior to|before|after|following|ahead of)\b[^.]*$", re.I)


def date_near(text: str, reference: str | None):
    """The first date in ``text``; one printed without a year takes the year nearest ``reference`` (ISO day)."""
    from datetime import date

    from graph.values import find_dates

    def first_date(found):
        # "Prior to the meeting on 4 June": a date the event is placed against is not its date
        return next((d for start, _, d in found if not _RELATIVE_BEFORE.search(text[max(0, start - 200):start])), None)

    if not reference:
        return first_date(find_dates(text))
    ref = date.fromisoformat(reference[:10])
    options = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        found = first_date(find_dates(text, default_year=year))
        if found and found.precision == "day":
            options.append(found)
    if not options:
        return None
    return min(options, key=lambda d: abs((date.fromisoformat(d.start) - ref).days))


def parse_work_programme(text: str, *, committee: str, document: str, pages: PageLookup | None,
                         offset: int = 0, reference: str | None = None,
                         ) -> tuple[list[WorkProgrammeItem], list[Meeting], list[ExtractionWarning]]:
    """Items planned for future meetings and informal meetings, with the meetings they are planned for.

    ``reference`` (the ISO date of the meeting whose papers hold the programme) dates an informal
    meeting whose description gives only a day and month.
    """
    items: list[WorkProgrammeItem] = []
    meetings: list[Meeting] = []
    warnings: list[ExtractionWarning] = []
    current_date = None
    current_venue = None
    informal = False
    in_table = False
    last_informal: WorkProgrammeItem | None = None
    items_since_date = 0
    for ln in iter_lines(text, offset):
        line = ln.text
        if not ln.stripped:
            continue
        if _INFORMAL_HEADING.search(line) and "\t" not in line:
            informal, in_table, current_date, current_venue = True, True, None, None
            continue
        mm = _MEETING_ROW.search(line)
        date = parse_date(mm.group("date")) if mm else None
        if mm and date is None:
            # read on: the row may still be an item row, but the user should know its date was lost
            warnings.append(unreadable(document, pages, ln.start, "work programme meeting date", mm.group("date")))
        if mm and date is not None:
            current_date, current_venue = date, (mm.group("venue") or "").strip(" ,") or None
            time = normalise_time(mm.group("time")) if mm.group("time") else None
            if time is None and mm.group("time"):
                warnings.append(unreadable(document, pages, ln.start, "work programme meeting time", mm.group("time")))
            meetings.append(Meeting(committee, date, time, current_venue,
                                    provenance(document, pages, ln.start, ln.end), held=False))
            rest = line[mm.end():]
            in_table = True
            items_since_date = 0
            if rest.strip() and "\t" not in rest and len(rest) > 60:
                # a whole table flattened onto one line: the cells cannot be told apart
                warnings.append(ExtractionWarning(document, provenance(document, pages, ln.start, ln.end).page,
                                                  "work programme table flattened onto one line", ln.stripped[:200],
                                                  offset=ln.start))
                items_since_date = 1  # the next table header belongs to another meeting
            continue
        if _HEADER_ROW.match(line) or re.match(r"^\s*\d{1,2}\.?\s*\tReport/Item", line):
            if in_table and items_since_date:
                current_date, current_venue = None, None  # a new table whose date row was lost
            in_table = True
            items_since_date = 0
            continue
        if not in_table:
            continue
        src = provenance(document, pages, ln.start, ln.end)
        if informal and (dm := _DESCRIPTION_ROW.match(line)) and last_informal is not None and "\t" in line:
            last_informal.description = ((last_informal.description + " ") if last_informal.description else "") + dm.group("text").strip()
            continue
        rm = _ITEM_ROW.match(line) or _NUMBERED_ROW.match(line) or _TWO_CELL_ROW.match(line)
        if rm and rm.group("item").strip() and not re.fullmatch(r"[\W_]+", rm.group("item")):
            title, description = rm.group("item").strip(), None
            if informal:
                title, description = split_title_description(title)
            authors, not_names = split_authors(rm.group("authors"))
            warnings.extend(unreadable(document, pages, ln.start, "author in a work programme row", name)
                            for name in not_names)
            wp = WorkProgrammeItem(committee=committee, item=title, source=src, meeting_date=current_date,
                                   venue=current_venue, authors=authors, informal=informal, description=description)
            items.append(wp)
            items_since_date += 1
            last_informal = wp if informal else None
        elif "\t" in line and len(re.findall(r"[A-Za-z]{2,}", line)) >= 2 and not ln.stripped.startswith("\\"):
            warnings.append(ExtractionWarning(document, src.page, "unparsed work programme row", ln.stripped[:200],
                                              offset=src.start))
    for wp in items:
        if wp.informal and wp.meeting_date is None and wp.description:
            wp.meeting_date = date_near(wp.description, reference)
    return items, meetings, warnings
