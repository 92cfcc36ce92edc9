"""Minutes items and what was resolved under each: marker, decision text, numbered parts, questions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from graph.records import AgendaItem, MeetingRef, Passage, Resolution
from graph.extract.meetings import SMALL_WORDS, title_case
from graph.extract.segments import PageLookup, one_line, is_upper_heading, iter_lines, provenance

# ModernGov web pages: link furniture around the minutes, blanked out (offsets stay put)
WEB_FURNITURE = re.compile(
    r"(?:\bPDF\s+\d+(?:\.\d+)?\s*[KM]B\b|\bpdf icon\b|\bView directions\b|"
    r"\bView the reasons why item[^\n]*?was not considered\.?|\bView the background to item[^\n]*)",
    re.I,
)


# Every piece of furniture starts a word with P or V, in either case (no other character folds to
# them under re.I). Scanning for those is quick; the full pattern is then tried only there, not
# at every position of the text (the same matches as WEB_FURNITURE.sub, at a fraction of the cost).
_FURNITURE_START = re.compile(r"[PpVv](?<=\b[PpVv])")


def blank_web_furniture(text: str) -> str:
    """Replace ModernGov link furniture with spaces of the same length, so offsets do not move."""
    pieces: list[str] = []
    done = 0
    for start in _FURNITURE_START.finditer(text):
        if start.start() < done:
            continue
        m = WEB_FURNITURE.match(text, start.start())
        if m:
            pieces += (text[done:m.start()], " " * (m.end() - m.start()))
            done = m.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# `5. APOLOGIES`, and minute numbers as councils print them: `Minute 12 - Apologies`, `PC/23/24
# APOLOGIES`, `C.14 FASD Training`, `CAB 45/24 Budget`, `23/24 Minutes` (the year after the number).
_HEADING = re.compile(
    r"^[ \t]*(?:(?i:minute)\s+(?:(?i:no)\.?\s*)?|[A-Z]{1,5}[/.](?=\d)|[A-Z]{2,5}[ \t]+(?=\d{1,3}/\d{2}))?"
    r"(\d{1,3})(?:/\d{2}(?:\d{2})?(?![\d/]))?([a-z]?)(?:[ \t]*[-–—:][ \t]*|\.?[ \t]+)(\S.*?)[ \t]*$")
# after a marker: a bracketed qualifier (`(unanimously)`) and the marker's own punctuation
_MARKER_TAIL = r"(?:[ \t]*\((?P<qualifier>[^()\n]{1,40})\))?[ \t]*(?P<punct>[:–—-][ \t]*)?"
_MARKER = re.compile(
    r"^[ \t]*[-•]?[ \t]*(?P<marker>RESOLVED|Resolved|RESOLVED UNANIMOUSLY|AGREED|Agreed|Decision Made|Decision|"
    r"DECISION(?: MADE)?)\b" + _MARKER_TAIL,
    re.M,
)
# `It was RESOLVED that ...`, `and it was unanimously resolved:` (not `it was not agreed`).
_IT_WAS = re.compile(
    r"^[ \t]*(?:[-•][ \t]*)?(?:and\s+)?it\s+was\s+(?:(?!not\b)[a-z]+\s+)?(?P<marker>resolved|agreed)\b" + _MARKER_TAIL,
    re.M | re.I,
)
# `The Sub-Committee RESOLVED`, `The Cabinet unanimously agreed:`: the body itself resolving.
_BODY_RESOLVED = re.compile(
    r"^[ \t]*The\s+(?:[A-Z][\w'’-]*\s+){0,4}?(?:Committee|Sub-Committee|Cabinet|Council|Board|Panel|Forum|Executive)"
    r"\s+(?:(?!not\b)[a-z]+\s+)?(?P<marker>RESOLVED|resolved|AGREED|agreed)\b" + _MARKER_TAIL,
    re.M,
)
# (a `Reasons for the decision:` label is not blanked: split_reasons keeps what follows it apart)
_WEB_LABEL = re.compile(r"^[ \t]*(?:Minutes|Decision(?: Made)?|Purpose)[ \t]*:[ \t]*$", re.M)
_BARE_THAT = re.compile(
    r"(?:^|\n)[ \t]*(That\b[^\n]*?\bbe\s+(?:noted|agreed|approved|confirmed|endorsed|received|adopted|"
    r"considered|accepted)\b[^\n]*)", re.M)
_QUESTIONS_INTRO = re.compile(r"raised the following[^\n]*:?[ \t]*$", re.I | re.M)
_BULLET = re.compile(r"^[ \t]*(?:[-•–—*]|\d+\.)[ \t]+(\S.*)$")
_PART = re.compile(r"(?:(?<=^)|(?<=[\s;:]))[-•]?[ \t]*\((\d{1,2}|[a-z]|[ivx]{1,4})\)[ \t]+", re.M)


@dataclass(frozen=True)
class MinuteItem:
    number: str
    title: str
    start: int  # local offsets in the minutes text
    body_start: int
    end: int


def is_item_heading(title: str, raw_line: str) -> bool:
    """A numbered minutes heading: a title in capitals, a short tab-separated title (web pages), or
    a short line in title or sentence case (`Apologies for Absence`, `23/01234/FUL - Land at Mill Lane`)."""
    if is_upper_heading(title):
        return True
    if len(title) >= 120 or title.endswith((".", ",", ";", ":")):
        return False
    if "\t" in raw_line and title[:1].isupper():
        return True
    # a short line in sentence case too (`Apologies for absence`); numbered sentences end with a
    # full stop, and a number out of sequence is prose anyway (find_minute_items)
    return len(title) < 100 and is_title_case(title) or (len(title) <= 60 and title[:1].isupper())


def is_title_case(text: str) -> bool:
    """Most words that are not small words start with a capital (a heading, not a sentence)."""
    words = [w.strip("()[]'\"‘’“”,:;-–") for w in text.split()]
    significant = [w for w in words if w and w[0].isalpha() and w.lower() not in SMALL_WORDS]
    if not significant or not significant[0][0].isupper():
        return False
    return sum(w[0].isupper() for w in significant) * 3 >= len(significant) * 2


def find_minute_items(text: str, acronyms: Iterable[str] = ()) -> list[MinuteItem]:
    """Numbered item headings in running order (a number that breaks the sequence is prose)."""
    acr = set(acronyms)
    heads: list[tuple[int, str, str, int, int]] = []
    expected = None
    candidates = [(ln, m) for ln in iter_lines(text) if (m := _HEADING.match(ln.text)) and is_item_heading(m.group(3), ln.text)]
    # Minutes print their headings one way: when two or more are in capitals, a numbered line in
    # title or sentence case is a list inside an item (`1. Staffing levels`), not an item.
    if sum(is_upper_heading(m.group(3)) for _, m in candidates) >= 2:
        candidates = [(ln, m) for ln, m in candidates if is_upper_heading(m.group(3)) or "\t" in ln.text]
    for ln, m in candidates:
        n = int(m.group(1))
        if expected is not None and n != expected and not (m.group(2) and n == expected - 1):
            continue
        heads.append((n, m.group(1) + m.group(2), m.group(3), ln.start, ln.end))
        expected = n + 1 if not m.group(2) else expected
    items = []
    for i, (_, number, title, start, end) in enumerate(heads):
        stop = heads[i + 1][3] if i + 1 < len(heads) else len(text)
        items.append(MinuteItem(number, title_case(re.sub(r"\s+", " ", title), acr), start, end, stop))
    return items




def split_parts(decision: str) -> list[str]:
    """`(1) a; and (2) b` -> ['(1) a', '(2) b']; [] when the decision is not divided."""
    marks = list(_PART.finditer(decision))
    if len(marks) < 2:
        return []
    parts = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(decision)
        body = one_line(decision[m.end():end])
        body = re.sub(r"[;,]?\s*(?:and|or)?\s*$", "", body).strip(" ;")
        parts.append(f"({m.group(1)}) {body}")
    return parts


def questions_in(text: str) -> list[str]:
    """Bullets after `Members of the Committee raised the following queries:`."""
    out: list[str] = []
    for intro in _QUESTIONS_INTRO.finditer(text):
        started = False
        for ln in text[intro.end():].split("\n")[1:]:
            if not ln.strip():
                continue
            bm = _BULLET.match(ln)
            if bm:
                out.append(bm.group(1).strip())
                started = True
            elif started or ln.strip():
                break
    return out


def _drop_running_headers(text: str, committee: str | None) -> str:
    """Blank a running header (committee name + date in capitals) left inside a minute."""
    if not committee:
        return text
    key = re.sub(r"[^a-z]", "", committee.lower())[:25]

    def blank(m: re.Match[str]) -> str:
        line = m.group(0)
        if _HEADING.match(line):
            return line  # a numbered item heading may name the committee too
        if is_upper_heading(line) and key and key in re.sub(r"[^a-z]", "", line.lower()) and re.search(r"\d{4}", line):
            return " " * len(line)
        return line
    return re.sub(r"^[^\n]+$", blank, text, flags=re.M)


def parse_minutes(text: str, *, meeting: MeetingRef, document: str, pages: PageLookup | None, offset: int = 0,
                  acronyms: Iterable[str] = ()) -> tuple[list[AgendaItem], list[Resolution], list[Passage]]:
    """Items of a set of minutes, the resolution under each, and minutes with no resolution as passages."""
    text = _drop_running_headers(blank_web_furniture(text), meeting.committee)
    items: list[AgendaItem] = []
    resolutions: list[Resolution] = []
    passages: list[Passage] = []
    for it in find_minute_items(text, acronyms):
        body = text[it.body_start:it.end]
        src = provenance(document, pages, offset + it.start, offset + it.end)
        items.append(AgendaItem(meeting=meeting, number=it.number, title=it.title, source=src))
        res = resolution_in(body)
        if res is None:
            if body.strip():
                passages.append(Passage("minutes", f"{it.number}. {it.title}", one_line(_WEB_LABEL.sub(" ", body)), src,
                                        meeting=meeting))
            continue
        marker, rel_start, decision, discussion = res
        decision, reasons, alternatives = split_reasons(decision)
        resolutions.append(Resolution(
            meeting=meeting, item_number=it.number, item_title=it.title,
            text=one_line(re.sub(r"(?m)^[ \t]*[-•][ \t]+", "", decision)),
            parts=split_parts(decision),
            source=provenance(document, pages, offset + it.body_start + rel_start, offset + it.end),
            marker=marker, questions=questions_in(body), discussion=one_line(_WEB_LABEL.sub(" ", discussion)),
            reasons=reasons, alternatives=alternatives,
        ))
    return items, resolutions, passages


_AFTER_DECISION = re.compile(
    r"^[ \t]*(?P<label>Reasons?\s+for\s+(?:the\s+)?(?:decisions?|recommendations?)|"
    r"Alternative\s+options?\s+(?:considered|rejected)(?:\s+and\s+(?:rejected|considered))?)[ \t]*(?::[ \t]*|(?=\n)|$)",
    re.M | re.I)


def split_reasons(decision: str) -> tuple[str, str, str]:
    """(decision, reasons, alternatives): the `Reasons for the Decision:` and `Alternative Options
    Considered and Rejected:` paragraphs printed after a decision are not part of it."""
    marks = list(_AFTER_DECISION.finditer(decision))
    if not marks:
        return decision, "", ""
    found = {"reasons": "", "alternatives": ""}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(decision)
        key = "reasons" if m.group("label").lower().startswith("reason") else "alternatives"
        found[key] = found[key] or one_line(decision[m.end():end])
    return decision[:marks[0].start()].rstrip(), found["reasons"], found["alternatives"]


def resolution_in(body: str) -> tuple[str | None, int, str, str] | None:
    """(marker, offset of the decision in ``body``, decision text, discussion before it), or None."""
    m = None
    for cand in [*_MARKER.finditer(body), *_IT_WAS.finditer(body), *_BODY_RESOLVED.finditer(body)]:
        if m is None or cand.start() > m.start():
            m = cand  # the last marker wins: earlier ones may be quoted in the discussion
    if m is not None:
        marker = m.group("marker")
        if m.re is not _MARKER:
            marker = marker.upper() if marker.isupper() else marker.capitalize()
        if m.group("qualifier"):
            marker += f" ({m.group('qualifier').strip()})"
        # the marker's own punctuation ("RESOLVED:", "Resolved –") belongs to the marker
        marker_text = marker + (":" if m.group("punct") and ":" in m.group("punct") else "")
        decision = _WEB_LABEL.sub(" ", body[m.end():])
        if not decision.strip():
            return None
        return marker_text, m.start(), decision.strip(), body[:m.start()]
    bare = None
    for cand in _BARE_THAT.finditer(body):
        bare = cand
    if bare is None:
        return None
    return None, bare.start(1), body[bare.start(1):].strip(), body[:bare.start(1)]
