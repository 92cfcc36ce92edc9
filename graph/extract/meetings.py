"""Meetings from agenda front sheets, minutes headings and ModernGov web-page headings."""
from __future__ import annotations

import re
from typing import Iterable

from graph.records import DateValue, ExtractionWarning, Meeting
from graph.extract.segments import (
    DATE_HEADING, SUMMONS, PageLookup, could_name_a_body, dated_below, is_upper_heading, iter_lines, minutes_title_body, names_a_body,
    provenance, unreadable,
)
from graph.values import normalise_time, parse_date

SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}
_VOWELS = set("AEIOUY")


# `\b[A-Z][A-Z&/]+[A-Z]\b|\b[A-Z]{2,}\b` with the common first letter taken out and the leading
# `\b` as a lookbehind after it: the same tokens, but the engine can skip to the next capital.
_ACRONYM = re.compile(r"[A-Z](?<!\w[A-Z])(?:[A-Z&/]+[A-Z]\b|[A-Z]+\b)")


def collect_acronyms(text: str) -> set[str]:
    """Capitalised tokens that appear inside mixed-case lines: those are acronyms, not shouting."""
    found: set[str] = set()
    for line in text.split("\n"):
        tokens = _ACRONYM.findall(line)
        if not tokens or is_upper_heading(line):
            continue  # most lines have no token: test that first
        words = line.split()
        # a line mostly in capitals is a heading with a name in it, not prose
        if sum(map(str.isupper, words)) * 2 >= len(words) or sum(map(str.islower, words)) < 3:
            continue
        found.update(tokens)
    return found


def _title_word(word: str, first: bool, acronyms: set[str]) -> str:
    core = word.strip("()[]-–,:;'\"")
    if not core:
        return word
    if core in acronyms or ("&" in core) or (core.isalpha() and core.isupper() and not (set(core) & _VOWELS)):
        return word
    if re.fullmatch(r"[\d/.\-–]+", core):
        return word
    lower = word.lower()
    if not first and core.lower() in SMALL_WORDS:
        return lower
    # capitalise each part of a hyphenated or bracketed word: "(children's" -> "(Children's"
    return re.sub(r"(^|[(\[\-–/])([a-z])", lambda m: m.group(1) + m.group(2).upper(), lower)


def title_case(text: str, acronyms: Iterable[str] = ()) -> str:
    """Upper-case heading to title case; small words lower-case, known acronyms kept."""
    if not is_upper_heading(text):
        return text.strip()
    acr = set(acronyms)
    words = text.split()
    return " ".join(_title_word(w, i == 0, acr) for i, w in enumerate(words))


def committee_name(text: str, acronyms: Iterable[str] = ()) -> str:
    """A committee's name as people write it: title case, no trailing punctuation."""
    name = re.sub(r"\s+", " ", text).strip(" -–:*")
    return title_case(name, acronyms)


_LABEL = re.compile(r"^\s*(DATE\s+AND\s+TIME|DATE|TIME|VENUE|PLACE|LOCATION)\s*:\s*(.*)$", re.I)
# Lines above the labels that name the sheet, not the body meeting.
_NOT_A_COMMITTEE = re.compile(r"^(?:public\s+document\s+pack|notice\s+of\s+(?:a\s+)?meeting|agenda|summons|"
                              r"supplementary\b|to\s*:|dear\b|page\s+\d)", re.I)
_POSTCODE_INWARD = re.compile(r"^\d[A-Z]{2}$")
_FRONT_LABELS = re.compile(r"^\s*(?:Member|Membership|Councillor|COMMITTEE OFFICER|AGENDA)\b", re.I)


def venue_continues(venue: str, next_line: str) -> bool:
    """A venue wraps when it ends mid-phrase (comma, dash) or the next line is a postcode's second half."""
    nxt = next_line.strip()
    if not nxt or _FRONT_LABELS.match(nxt) or ":" in nxt:
        return False
    return bool(_POSTCODE_INWARD.match(nxt)) or venue.rstrip().endswith((",", "-", "–"))


def parse_front_sheet(text: str, *, document: str, pages: PageLookup | None, offset: int = 0,
                      acronyms: Iterable[str] = ()) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """The meeting an agenda front sheet announces: heading, `DATE:`, `TIME:`, `VENUE:` (venue may wrap).

    A `DATE:` or `TIME:` value that cannot be read gives a warning (and no meeting without a date).
    """
    lines = [ln for ln in iter_lines(text, offset) if ln.stripped]
    warnings: list[ExtractionWarning] = []
    committee = None
    date = time = venue = None
    start = end = None
    last_label = None
    for i, ln in enumerate(lines):
        m = _LABEL.match(ln.text)
        if not m:
            if committee is None and date is None and is_upper_heading(ln.stripped) and "PUBLIC DOCUMENT" not in ln.stripped.upper():
                committee = ln.stripped
                start = ln.start
            if date is not None and last_label is not None and i - last_label > 3:
                break  # past the labels: a `Date:` further down belongs to something else
            continue
        label, value = re.sub(r"\s+", " ", m.group(1).upper()), m.group(2).strip()
        if committee is None and last_label is None:
            committee, start = _committee_above(lines, i)
        last_label = i
        end = ln.end
        if label in ("DATE", "DATE AND TIME"):
            date = parse_date(value)
            if date is None:
                warnings.append(unreadable(document, pages, ln.start, "front sheet DATE", value))
            if label == "DATE AND TIME":
                time = normalise_time(value)
        elif label == "TIME":
            time = normalise_time(value)
            if time is None and value:
                warnings.append(unreadable(document, pages, ln.start, "front sheet TIME", value))
        else:  # VENUE, PLACE, LOCATION
            venue = value
            j = i + 1
            while j < len(lines) and venue_continues(venue, lines[j].text):
                venue = f"{venue} {lines[j].stripped}"
                end = lines[j].end
                j += 1
    if last_label is None:
        # no labels: the meeting is announced in a sentence, or by a date heading under the body's name
        meeting, found = _summons(text, document=document, pages=pages, offset=offset, acronyms=acronyms)
        if meeting is None and not found:
            meeting, found = parse_web_heading(text, document=document, pages=pages, offset=offset, acronyms=acronyms)
        return meeting, warnings + found
    if committee is None or date is None:
        return None, warnings
    return Meeting(committee=committee_name(committee, acronyms), date=date, time=time,
                   venue=venue, source=provenance(document, pages, start if start is not None else offset,
                                                  end or offset + len(text))), warnings


def _summons(text: str, *, document: str, pages: PageLookup | None, offset: int,
             acronyms: Iterable[str]) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """`... summoned to attend a meeting of <body> to be held [in <venue>] on <date> at <time>`."""
    m = SUMMONS.search(text, 0, min(len(text), 3000))
    if m is None:
        return None, []
    rest = " ".join(m.group("rest").split())
    date, time, venue = _held_details(rest, acronyms)
    if date is None:
        return None, [unreadable(document, pages, offset + m.start(), "date in the summons", rest[:80])]
    return Meeting(committee=committee_name(m.group("committee"), acronyms), date=date, time=time,
                   venue=venue, source=provenance(document, pages, offset + m.start(), offset + m.end())), []


def _committee_above(lines: list, i: int) -> tuple[str | None, int | None]:
    """The body's name in title case just above the labels (`Cabinet`, `Planning Committee`)."""
    for ln in reversed(lines[max(0, i - 3):i]):
        name = ln.stripped
        if could_name_a_body(name) and not _NOT_A_COMMITTEE.match(name):
            return name, ln.start
    return None, None


# a line that starts the lists below a heading (`Present:`, `Attendance`), not the heading's wrapped end
_LIST_LABEL = re.compile(r"^(?:[A-Z][A-Za-z ]{0,30}:|Attendance\b|Present\b|Apologies\b)")
_HELD_AT = re.compile(r"MEETING\s+HELD\s+(?:AT|IN)\s+(?P<venue>.+?)\s+ON\s+(?P<date>.+?)\s*$", re.I)


# `Minutes of a meeting of the Planning Committee held on Tuesday, 7 November 2023 at 6.30 pm in
# Committee Room 1`: the body is named after "meeting of" (an agenda's "minutes of the meeting
# held on ..." names none, and is not a heading).
MINUTES_OF = re.compile(r"^[ \t]*(?:The\s+)?Minutes\s+of\s+(?:a|the)\s+(?:[A-Za-z]+\s+)?(?:meeting|proceedings)\s+of\s+"
                        r"(?:the\s+)?(?P<committee>.+?)\s*,?\s+held\s+(?P<rest>.+)$", re.I | re.M)
_HELD_ON = re.compile(r"\bon\s+(?P<date>(?:[A-Za-z]+,?\s+)?\d{1,2}(?:\s*(?:st|nd|rd|th))?\s+[A-Za-z]+,?\s+\d{4})", re.I)
_HELD_TIME = re.compile(r"\b(?:at|commencing(?:\s+at)?|from)\s+(?P<time>\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.?\s?m\.?|noon)"
                        r"|\d{1,2}[.:]\d{2}|noon)", re.I)
_HELD_VENUE = re.compile(r"\b(?i:in|at)\s+(?P<venue>(?i:the\s+)?[A-Z][^.;]*?)(?=\s+(?i:on)\s+|\s+(?i:at)\s+\d|\s*[.;]|\s*$)")
# in capitals and starting the line: an agenda's "the minutes of the meeting held on ..." is not one
_HELD_ON_FIRST = re.compile(r"^\s*MEETING\s+HELD\s+(?P<rest>ON\s+.+?)\s*$")
# `held on Thursday 25th January 2024, 2pm, Town Hall`: a time and a venue after commas, unannounced
_COMMA_TIME = re.compile(r"\s*,\s*(?P<time>\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.?\s?m\.?|noon)|noon)", re.I)
_COMMA_VENUE = re.compile(r"\s*,\s*(?P<venue>[A-Z][^.;,]*(?:,\s*[A-Z][^.;,]*)*?)\s*[.;]?\s*$")
# `Minutes of the meeting held on <date>` under a line naming the body (see graph.extract.segments)
_MINUTES_HELD_ON = re.compile(r"^[ \t]*(?:The\s+)?Minutes\s+of\s+(?:a|the)\s+(?:[A-Za-z]+\s+)?meeting\s+held\s+(?P<rest>on\s+.+)$",
                              re.I)


def _held_details(rest: str, acronyms: Iterable[str]) -> tuple[DateValue | None, str | None, str | None]:
    """Date, time and venue from `[at <venue>] on <date> [at <time>] [in <venue>]`."""
    dm = _HELD_ON.search(rest)
    date = parse_date(dm.group("date")) if dm else None
    if dm is None or date is None:
        return None, None, None
    tm = _HELD_TIME.search(rest, dm.end()) or _COMMA_TIME.match(rest, dm.end()) or _HELD_TIME.search(rest, 0, dm.start())
    time = normalise_time(tm.group("time")) if tm else None
    venue = None
    for vm in _HELD_VENUE.finditer(rest):
        if not (dm.start() <= vm.start() < dm.end()) and not re.match(r"\d", vm.group("venue")):
            venue = title_case(re.sub(r"^the\s+", "", vm.group("venue").strip(" ,"), flags=re.I), acronyms)
            break
    if venue is None and (cm := _COMMA_VENUE.match(rest, tm.end() if tm else dm.end())):
        venue = title_case(cm.group("venue"), acronyms)
    return date, time, venue


def _minutes_of_heading(text: str, *, document: str, pages: PageLookup | None, offset: int,
                        acronyms: Iterable[str]) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """The prose heading `Minutes of a meeting of <body> held [at <venue>] on <date> [at <time>] [in <venue>]`."""
    m = MINUTES_OF.search(text, 0, min(len(text), 3000))
    if not m:
        return None, []
    # The heading is one paragraph, however the PDF wrapped it.
    para_end = re.compile(r"\n[ \t]*\n").search(text, m.start())
    end = para_end.start() if para_end else len(text)
    # (a heading is short: a long paragraph is cut, so that no pattern below runs over a page of text)
    heading = re.sub(r"\s+", " ", text[m.start():min(end, m.start() + 600)]).strip()
    hm = MINUTES_OF.match(heading)
    if not hm:
        return None, []
    rest = hm.group("rest")
    date, time, venue = _held_details(rest, acronyms)
    if date is None:
        return None, [unreadable(document, pages, offset + m.start(), "date in the minutes heading", rest[:80])]
    committee = re.sub(r"^the\s+", "", hm.group("committee"), flags=re.I)
    return Meeting(committee=committee_name(committee, acronyms), date=date, time=time, venue=venue or None,
                   source=provenance(document, pages, offset + m.start(), offset + end)), []


def parse_minutes_heading(text: str, *, document: str, pages: PageLookup | None, offset: int = 0,
                          acronyms: Iterable[str] = ()) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """The meeting a set of minutes records: `COMMITTEE` then `MEETING HELD AT <venue> ON <date>`, or
    the prose heading `Minutes of a meeting of <body> held on <date> ...`.

    A heading whose date cannot be read gives no meeting and a warning.
    """
    lines = [ln for ln in iter_lines(text, offset) if ln.stripped]
    if not any(_HELD_AT.search(ln.stripped) or _HELD_ON_FIRST.search(ln.stripped) for ln in lines[:12]):
        meeting, warnings = _minutes_of_heading(text, document=document, pages=pages, offset=offset,
                                                acronyms=acronyms)
        if meeting is None and not warnings:
            meeting, warnings = _minutes_held_heading(lines[:12], document=document, pages=pages, acronyms=acronyms)
        if meeting is None and not warnings:
            meeting, warnings = _minutes_title_heading(lines[:12], document=document, pages=pages, acronyms=acronyms)
        return meeting, warnings
    for i, ln in enumerate(lines[:12]):
        m = _HELD_AT.search(ln.stripped)
        time = None
        if m:
            date = parse_date(m.group("date"))
            venue = title_case(re.sub(r"^THE\s+", "", m.group("venue").strip(), flags=re.I))
        elif om := _HELD_ON_FIRST.search(ln.stripped):  # `MEETING HELD ON <date> AT <venue>`
            m = om
            date, time, venue = _held_details(om.group("rest"), acronyms)
            if date is None and not _HELD_ON.search(om.group("rest")):
                continue
        else:
            continue
        if date is None:
            return None, [unreadable(document, pages, ln.start, "date in the minutes heading",
                                     m.groupdict().get("date") or m.group("rest"))]
        committee = None
        start = ln.start
        for prev in reversed(lines[:i]):
            if is_upper_heading(prev.stripped) and not prev.stripped.startswith(("THIS ", "PUBLIC ")):
                committee = prev.stripped
                start = prev.start
                break
        if committee is None:
            return None, []
        return Meeting(committee=committee_name(committee, acronyms), date=date, time=time,
                       venue=venue, source=provenance(document, pages, start, ln.end)), []
    return None, []


def _minutes_held_heading(lines: list, *, document: str, pages: PageLookup | None,
                          acronyms: Iterable[str]) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """`Minutes of the meeting held on <date> ...` (wrapped or not) under the line naming the body."""
    for i, ln in enumerate(lines):
        m = _MINUTES_HELD_ON.match(ln.stripped)
        if not m or i == 0 or not names_a_body(lines[i - 1].stripped):
            continue
        # the heading is one paragraph: its next lines, up to a blank line, may carry the date's end
        para = [ln]
        for nxt in lines[i + 1:i + 3]:
            if nxt.start - para[-1].end > 1 or _LIST_LABEL.match(nxt.stripped):
                break
            para.append(nxt)
        rest = " ".join(p.stripped for p in para)[len(ln.stripped) - len(m.group("rest")):]
        date, time, venue = _held_details(rest, acronyms)
        if date is None:
            return None, [unreadable(document, pages, ln.start, "date in the minutes heading", rest[:80])]
        body = lines[i - 1]
        return Meeting(committee=committee_name(body.stripped, acronyms), date=date, time=time, venue=venue,
                       source=provenance(document, pages, body.start, para[-1].end)), []
    return None, []


_DATE_LABEL = re.compile(r"^[ \t]*(?:meeting\s+)?date(?:\s+of\s+(?:the\s+)?meeting)?\s*:\s*(?P<value>.+)$", re.I)
_DATE_FIRST = re.compile(r"^[ \t]*(?P<date>(?:[A-Za-z]+day,?\s+)?\d{1,2}(?:\s*(?:st|nd|rd|th))?\s+[A-Za-z]+,?\s+\d{4})"
                         r"(?P<rest>.*)$")


def _minutes_title_heading(lines: list, *, document: str, pages: PageLookup | None,
                           acronyms: Iterable[str]) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """`MINUTES OF THE <BODY>` on its own line, dated on one of the next three: `HELD AT <time> ON
    <date>`, `Meeting date: <date>` (a `Time:` and a `Venue:` label may follow) or the date itself."""
    for i, ln in enumerate(lines):
        body = minutes_title_body(ln.stripped)
        if body is None:
            continue
        dated = dated_below(lines[i + 1:i + 4])
        if dated is None:
            continue
        text = dated.stripped
        time = venue = None
        label = None
        if (held := re.match(r"held\s+(?P<rest>.+)$", text, re.I)) is not None:
            date, time, venue = _held_details(held.group("rest"), acronyms)
            raw = held.group("rest")
        elif (label := _DATE_LABEL.match(text)) is not None:
            raw = label.group("value")
            date = parse_date(raw)
            time = normalise_time(raw)
        else:
            first = _DATE_FIRST.match(text)
            raw = first.group("date") if first else text
            date = parse_date(raw)
            time = normalise_time(first.group("rest")) if first and first.group("rest").strip() else None
        if date is None:
            return None, [unreadable(document, pages, dated.start, "date in the minutes heading", raw)]
        end = dated.end
        at = lines.index(dated)
        after = lines[at + 1:at + 3]
        if held is not None and venue is None and after and is_upper_heading(after[0].stripped) and \
                not _LIST_LABEL.match(after[0].stripped) and not re.match(r"\d", after[0].stripped):
            venue, end = title_case(after[0].stripped, acronyms), after[0].end  # `COMMITTEE ROOM ONE - TOWN HALL`
        for nxt in after:
            if (lm := _LABEL.match(nxt.text)) is None:
                break
            value = lm.group(2).strip()
            if lm.group(1).upper() == "TIME" and time is None:
                time = normalise_time(value)
            elif lm.group(1).upper() in ("VENUE", "PLACE", "LOCATION") and venue is None and value:
                venue = value
            end = nxt.end
        return Meeting(committee=committee_name(body, acronyms), date=date, time=time, venue=venue,
                       source=provenance(document, pages, ln.start, end)), []
    return None, []


_WEB_HEADING = DATE_HEADING
# a venue on the line under a date heading, unlabelled: `COUNCIL CHAMBER, COUNTY HALL, NORTHGATE`
_VENUE_WORDS = re.compile(r"\b(?:room|chamber|hall|centre|center|offices?|house|library|building|suite|teams|zoom|"
                          r"online|virtual|remote)\b", re.I)
_WEB_VENUE = re.compile(r"^\s*Venue\s*:\s*(.+?)\s*(?:\.?\s*View directions)?\s*$", re.I)
_WEB_SKIP = re.compile(r"^(?:Agenda|Minutes|Agenda and minutes|Agenda and decisions|Decisions|Home|Meetings?)\b", re.I)


def _bare_venue(line: str) -> bool:
    """A line that is a venue with no label: a place's words, no label, not a sentence."""
    return (bool(_VENUE_WORDS.search(line)) and could_name_a_body(line) and not _FRONT_LABELS.match(line)
            and not re.match(r"\d", line))


def parse_web_heading(text: str, *, document: str, pages: PageLookup | None, offset: int = 0,
                      acronyms: Iterable[str] = ()) -> tuple[Meeting | None, list[ExtractionWarning]]:
    """A ModernGov page heading: committee line, then `Wednesday 2nd October, 2024 6.30 pm`, then `Venue:`.

    A heading-shaped line whose date or time cannot be read gives a warning.
    """
    lines = [ln for ln in iter_lines(text, offset) if ln.stripped]
    warnings: list[ExtractionWarning] = []
    for i, ln in enumerate(lines[:30]):
        m = _WEB_HEADING.match(ln.stripped)
        if not m:
            continue
        date = parse_date(m.group("date"))
        if date is None:
            warnings.append(unreadable(document, pages, ln.start, "date in a meeting page heading", m.group("date")))
            continue
        committee = None
        start = ln.start
        for prev in reversed(lines[max(0, i - 3):i]):
            if _WEB_SKIP.match(prev.stripped):
                continue
            # the nearest line names the body; a sentence leading into the date ("The next meeting
            # will be held on:") means this is prose, not a page heading
            if len(prev.stripped) < 150 and not prev.stripped.endswith((":", ".", ",", ";")):
                committee = prev.stripped
                start = prev.start
            break
        if committee is None:
            continue
        venue = None
        end = ln.end
        for nxt in lines[i + 1:i + 3]:
            vm = _WEB_VENUE.match(nxt.text)
            if vm:
                venue = vm.group(1).strip()
                end = nxt.end
                break
        if venue is None and i + 1 < len(lines) and _bare_venue(lines[i + 1].stripped):
            venue, end = title_case(lines[i + 1].stripped, acronyms), lines[i + 1].end
        time = normalise_time(m.group("time")) if m.group("time") else None
        if time is None and m.group("time"):
            warnings.append(unreadable(document, pages, ln.start, "time in a meeting page heading", m.group("time")))
        return Meeting(committee=committee_name(committee, acronyms), date=date, time=time, venue=venue,
                       source=provenance(document, pages, start, end)), warnings
    return None, warnings
