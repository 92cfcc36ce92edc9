"""Value parsers for council papers: dates, Ofsted grades, people's names, times. Pure; never raise.

Every parser returns ``None`` (or an empty list) when it cannot read its input; none
of them guesses a value that the text does not give.
"""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Callable

from graph.records import DateValue, PersonName

# --- dates ----------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\b\.?"
# An ordinal suffix as printed: "30th", "30 th", "2 ^{nd}", "2<sup>nd</sup>".
_ORD = r"(?:\s?(?:st|nd|rd|th)\b|\s*\^\{[^}\n]{1,4}\}|<sup>[^<\n]{1,4}</sup>)?"
_DAY = r"(?<![\d.,/£$-])(\d{1,2})" + _ORD
_RANGE_SEP = r"\s*(?:&|and|to|until|-|–|—)\s*"
_WD = rf"(?:{_WEEKDAY}\s*,?\s*)?"
_YEAR = r"((?:19|20)\d\d)(?!\d)"

# (the second day follows the separator, so `16-17 January` may have no space around the dash)
_RANGE = re.compile(
    rf"{_WD}(?:the\s+)?{_DAY}(?:\s+(?:of\s+)?({_MON}))?(?:,?\s+{_YEAR})?{_RANGE_SEP}"
    rf"{_WD}(?:the\s+)?(?<![\d.,/£$])(\d{{1,2}}){_ORD}\s+(?:of\s+)?({_MON})(?:,?\s+{_YEAR})?",
    re.I,
)
_SINGLE = re.compile(rf"{_WD}(?:the\s+)?{_DAY}\s+(?:of\s+)?({_MON})(?:,?\s+{_YEAR})?", re.I)
_US_STYLE = re.compile(rf"{_WD}({_MON})\s+(\d{{1,2}}){_ORD},?\s+{_YEAR}", re.I)
_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")
_ISO_DATE = re.compile(r"(?<![\d-])((?:19|20)\d\d)-(\d{2})-(\d{2})(?![\d-])")  # a spreadsheet's export
_MONTH_YEAR = re.compile(rf"(?<![\w])({_MON}),?\s+{_YEAR}", re.I)
_BARE_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*$")


def _month(token: str | None) -> int | None:
    if not token:
        return None
    return _MONTHS.get(token.rstrip(".").lower())


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _may_be_verb(token: str | None, has_year: bool) -> bool:
    # "2 may be noted": a lower-case month word without a year is more likely prose.
    return token is not None and not has_year and token.islower()


def _range_value(m: re.Match[str], default_year: int | None) -> DateValue | None:
    d1, m1_tok, y1, d2, m2_tok, y2 = m.groups()
    m2 = _month(m2_tok)
    m1 = _month(m1_tok) or m2
    if m1 is None or m2 is None or (y1 and not m1_tok):
        return None
    if _may_be_verb(m2_tok, bool(y2)):
        return None
    year2 = int(y2) if y2 else default_year
    if year2 is None:
        return None
    year1 = int(y1) if y1 else (year2 - 1 if m1 > m2 else year2)
    start, end = _iso(year1, m1, int(d1)), _iso(year2, m2, int(d2))
    if start is None or end is None or start > end:
        return None
    return DateValue(m.group(0).strip(), start, end, "day")


def _single_value(m: re.Match[str], default_year: int | None) -> DateValue | None:
    d, mon_tok, y = m.groups()
    month = _month(mon_tok)
    if month is None or _may_be_verb(mon_tok, bool(y)):
        return None
    year = int(y) if y else default_year
    if year is None:
        return None
    iso = _iso(year, month, int(d))
    return DateValue(m.group(0).strip(), iso, iso, "day") if iso else None


def _us_value(m: re.Match[str], _default_year: int | None) -> DateValue | None:
    mon_tok, d, y = m.groups()
    month = _month(mon_tok)
    iso = _iso(int(y), month, int(d)) if month else None
    return DateValue(m.group(0).strip(), iso, iso, "day") if iso else None


def _numeric_value(m: re.Match[str], _default_year: int | None) -> DateValue | None:
    d, _sep, mon, y = m.groups()
    year = int(y) + (2000 if len(y) == 2 else 0)  # council papers post-date 2000 when abbreviated
    iso = _iso(year, int(mon), int(d))  # UK papers are day-first
    return DateValue(m.group(0), iso, iso, "day") if iso else None


def _iso_value(m: re.Match[str], _default_year: int | None) -> DateValue | None:
    iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return DateValue(m.group(0), iso, iso, "day") if iso else None


def _month_year_value(m: re.Match[str], _default_year: int | None) -> DateValue | None:
    mon_tok, y = m.groups()
    month = _month(mon_tok)
    if month is None or (mon_tok.lower() == "may" and mon_tok.islower()):
        return None
    if re.search(rf"\d{_ORD}\s*(?:of\s+)?$", m.string[: m.start()], re.I):
        return None  # the tail of a day date that did not parse ("31 February 2024"): not a month
    iso = f"{int(y):04d}-{month:02d}"
    return DateValue(m.group(0).strip(), iso, iso, "month")


_PATTERNS = (
    (_RANGE, _range_value),
    (_SINGLE, _single_value),
    (_US_STYLE, _us_value),
    (_NUMERIC, _numeric_value),
    (_ISO_DATE, _iso_value),
    (_MONTH_YEAR, _month_year_value),
)


_NUMERIC_ONLY = tuple((p, b) for p, b in _PATTERNS if p in (_NUMERIC, _ISO_DATE))
_DIGIT = re.compile(r"\d")
_NO_US_STYLE = tuple((p, b) for p, b in _PATTERNS if p is not _US_STYLE)
# what every _US_STYLE match holds: a month word, then spaces, then the day
_MONTH_THEN_DAY = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d", re.I)
# every month word of _MON starts with one of these, matched under the same re.I rules
_MONTH_STEM = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.I)


def find_dates(text: str, *, default_year: int | None = None) -> list[tuple[int, int, DateValue]]:
    """Every date (or date range) in ``text`` as ``(start, end, DateValue)``, in order, not overlapping.

    Dates without a year are found only when ``default_year`` is given.
    """
    if not isinstance(text, str) or not text:
        return []
    return list(_find_dates(text, default_year))


# Both cached: a cell or description is read again and again, with and without a default year
# and for each candidate year; the regexes, which try every position of the text, do not depend
# on the year, so they run once per text.
@lru_cache(maxsize=4096)
def _date_shapes(text: str) -> tuple[tuple[Callable[[re.Match[str], int | None], DateValue | None], re.Match[str]], ...]:
    """Every match of every date shape in ``text``, shape by shape, with the shape's value builder."""
    if not _DIGIT.search(text):
        return ()  # every date shape has a digit
    # without a month word only the numeric shape can match
    patterns = _PATTERNS if _MONTH_STEM.search(text) else _NUMERIC_ONLY
    if patterns is _PATTERNS and not _MONTH_THEN_DAY.search(text):
        patterns = _NO_US_STYLE  # the costliest shape to try, and the rarest
    return tuple((build, m) for pattern, build in patterns for m in pattern.finditer(text))


@lru_cache(maxsize=4096)
def _find_dates(text: str, default_year: int | None) -> tuple[tuple[int, int, DateValue], ...]:
    found: list[tuple[int, int, DateValue]] = []
    for build, m in _date_shapes(text):
        value = build(m, default_year)
        if value is not None:
            lead = len(m.group(0)) - len(m.group(0).lstrip())
            found.append((m.start() + lead, m.start() + lead + len(value.text), value))
    # Longest match first at each position, then keep those that do not overlap.
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    chosen: list[tuple[int, int, DateValue]] = []
    for item in found:
        if chosen and item[0] < chosen[-1][1]:
            continue
        chosen.append(item)
    return tuple(chosen)


def parse_date(text: str, *, default_year: int | None = None) -> DateValue | None:
    """The first date or date range in ``text`` (a whole-text year gives precision "year"); None if none."""
    if not isinstance(text, str):
        return None
    dates = find_dates(text, default_year=default_year)
    if dates:
        return dates[0][2]
    if m := _BARE_YEAR.match(text):
        return DateValue(m.group(1), m.group(1), m.group(1), "year")
    return None


# --- grades ---------------------------------------------------------------------------

# Leftmost phrase wins; longer phrases are tried first at a position so that
# "Requires Improvement to be Good" is one grade, not "Good".
_GRADE_PHRASES: tuple[tuple[str, str], ...] = (
    (r"requires?\s+improvement(?:\s+to\s+be\s+good)?", "Requires Improvement"),
    (r"requiring\s+improvement", "Requires Improvement"),
    (r"serious\s+weakness(?:es)?", "Serious Weaknesses"),
    (r"special\s+measures", "Special Measures"),
    (r"insufficient\s+progress", "Insufficient progress"),
    (r"strong\s+standard", "Strong standard"),
    (r"expected\s+standard", "Expected standard"),
    (r"needs\s+attention", "Needs attention"),
    (r"urgent\s+improvement", "Urgent improvement"),
    (r"exceptional", "Exceptional"),
    (r"outstanding", "Outstanding"),
    (r"inadequate", "Inadequate"),
    (r"satisfactory", "Satisfactory"),
    (r"ungraded", "Ungraded"),
    (r"good", "Good"),
)
_GRADE_RE = re.compile(r"\b(?:" + "|".join(f"({p})" for p, _ in _GRADE_PHRASES) + r")\b", re.I)
_RI_RE = re.compile(r"(?<![A-Za-z])RI(?![A-Za-z])")  # the abbreviation, capitals only


def find_grades(text: str) -> list[tuple[int, int, str]]:
    """Every grade phrase in ``text`` as ``(start, end, grade)``."""
    if not isinstance(text, str):
        return []
    out = []
    for m in _GRADE_RE.finditer(text):
        index = next(i for i, g in enumerate(m.groups()) if g is not None)
        out.append((m.start(), m.end(), _GRADE_PHRASES[index][1]))
    for m in _RI_RE.finditer(text):
        out.append((m.start(), m.end(), "Requires Improvement"))
    return sorted(out)


def parse_grade(text: str) -> str | None:
    """The first Ofsted grade named in ``text``, in the one vocabulary of ``records.GradeName``."""
    grades = find_grades(text)
    return grades[0][2] if grades else None


# --- people ---------------------------------------------------------------------------

_TITLES = (
    "County Councillor", "Councillor", "Cllr", "CC", "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr",
    "Sir", "Dame", "Father", "Fr", "Rev", "Revd", "Reverend", "Professor", "Prof", "Lord", "Lady",
)
_PLURAL_TITLES = {"councillors": "Councillor", "cllrs": "Cllr", "county councillors": "County Councillor"}
_HONOURS = ("Senior HMI", "HMI", "OBE", "MBE", "CBE", "KC", "QC", "JP", "DL", "MP")
_TITLE_RE = re.compile(r"^(" + "|".join(re.escape(t) for t in _TITLES) + r")\.?(?=\s)\s*", re.I)
_HONOUR_RE = re.compile(r"[\s,]+(" + "|".join(re.escape(h) for h in _HONOURS) + r")\.?\s*$")
_NAME_TOKEN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’.-]*$")
_CANONICAL_TITLE = {t.lower(): t for t in _TITLES}


def _strip_parentheticals(text: str) -> str:
    return re.sub(r"\([^()]*\)", " ", text)


_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")  # a token of initials: `J.`, `J.R.`, `A.B`


def parse_person(text: str) -> PersonName | None:
    """Split a printed name into titles, honours and name parts; None if it is not a name.

    ``Eleanor Overland HMI`` -> full ``Eleanor Overland``, honours ``("HMI",)``;
    ``Councillor Page`` -> family ``Page``, surname_only.
    """
    if not isinstance(text, str):
        return None
    printed = " ".join(text.split()).strip(" ,;:")
    rest = " ".join(_strip_parentheticals(printed).split()).strip(" ,;:")
    honorifics: list[str] = []
    while m := _TITLE_RE.match(rest):
        token = m.group(1)
        if token == "cc":  # lower-case "cc" is not the County Councillor abbreviation
            break
        honorifics.append(_CANONICAL_TITLE[token.lower()] if token.lower() != "cc" else "CC")
        rest = rest[m.end():]
    honours: list[str] = []
    if m := re.match(r"^(Senior HMI|HMI)\s+", rest):  # "HMI Jo Bloggs": honour printed first
        honours.append(m.group(1))
        rest = rest[m.end():]
    trailing: list[str] = []
    while m := _HONOUR_RE.search(" " + rest):
        trailing.insert(0, m.group(1))
        rest = (" " + rest)[: m.start()].strip(" ,")
    honours.extend(trailing)
    # `J.R. Hartley` and `J R Hartley` are one name: initials lose their full stops
    tokens = [part for t in rest.split() for part in (re.findall(r"[A-Z]", t) if _INITIALS.fullmatch(t) else [t])]
    if not tokens or len(tokens) > 5 or not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if not tokens[0][0].isupper():
        return None
    full = " ".join(tokens)
    if len(tokens) == 1:
        return PersonName(printed, full, None, full, tuple(honorifics), tuple(honours), surname_only=True)
    return PersonName(printed, full, tokens[0], tokens[-1], tuple(honorifics), tuple(honours))


def _split_top_level(text: str) -> list[tuple[str, str]]:
    """Split a list on commas, semicolons, "and", "&" outside parentheses: ``(separator before, item)``."""
    items: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = re.compile(r",\s*and\s+|,|;|\s+and\s+|\s+&\s+").match(text, i)
            if m and (ch in ",;" or text[i].isspace()):
                items.append((sep, text[start:i]))
                sep = "and" if "and" in m.group(0) or "&" in m.group(0) else ","
                start = i = m.end()
                continue
        i += 1
    items.append((sep, text[start:]))
    return [(s, t.strip()) for s, t in items if t.strip()]


def parse_people_list(text: str, *, honorific: str | None = None) -> list[PersonName]:
    """Names in a printed list (``Councillors Evans, Hinde, Christopher Page, Parker and Williams``).

    A plural title at the start (``Councillors``) is carried by each name up to the
    ``and`` that closes that run; later entries are other people. In a run of surnames,
    a two-word entry (``Harrison Kelly``) may be one name or two: it is kept whole and
    flagged ``uncertain``. Entries that are not names are left out; :func:`split_people_list`
    returns them too.
    """
    return split_people_list(text, honorific=honorific)[0]


def split_people_list(text: str, *, honorific: str | None = None) -> tuple[list[PersonName], list[str]]:
    """The names of :func:`parse_people_list` and, as printed, the list entries that are not names."""
    if not isinstance(text, str):
        return [], []
    body = " ".join(text.split()).strip(" .:;")
    m = re.match(r"^(county councillors|councillors|cllrs)\.?\s+", body, re.I)
    plural = None
    if m:
        plural = _PLURAL_TITLES[m.group(1).lower()]
        body = body[m.end():]
    parts = _split_top_level(body)
    people: list[tuple[PersonName, bool]] = []  # (name, inside the plural title's run)
    not_names: list[str] = []
    in_run = plural is not None
    for sep, part in parts:
        person = parse_person(part)
        if person is None:
            not_names.append(part)
            continue
        extra = tuple(h for h in ((plural,) if in_run and plural else ()) + ((honorific,) if honorific else ())
                      if h and h not in person.honorifics)
        if extra:
            person = _with(person, honorifics=extra + person.honorifics)
        people.append((person, in_run))
        if in_run and sep == "and":
            in_run = False  # "Councillors A, B and C, Jane Doe, ...": the run ended at C
    # A list given its title by the caller (``honorific``) is one run of that title throughout.
    people = [(p, inside or honorific is not None) for p, inside in people]
    run = [p for p, inside in people if inside]
    surnames = sum(1 for p in run if p.surname_only)
    out = []
    for person, inside in people:
        if inside and not person.surname_only and len(person.full.split()) == 2 and surnames >= 2:
            person = _with(person, uncertain=True)
        out.append(person)
    return out, not_names


def _with(person: PersonName, **changes: object) -> PersonName:
    from dataclasses import replace
    return replace(person, **changes)  # type: ignore[arg-type]


# --- times ----------------------------------------------------------------------------

_TIME = re.compile(
    r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?(?![\w])|\b(noon|midday)\b",
    re.I,
)


def normalise_time(text: str) -> str | None:
    """A printed time as 24-hour ``HH:MM``: ``6.30 pm`` -> ``18:30``; None if there is none."""
    if not isinstance(text, str):
        return None
    for m in _TIME.finditer(text):
        if m.group(4):
            return "12:00"
        hour, minute, meridiem = int(m.group(1)), m.group(2), m.group(3)
        if minute is None and meridiem is None:
            continue  # a bare number is not a time
        mins = int(minute) if minute else 0
        if mins > 59:
            continue
        if meridiem:
            if not 1 <= hour <= 12:
                continue
            pm = meridiem.lower().startswith("p")
            hour = (hour % 12) + (12 if pm else 0)
        elif hour > 23:
            continue
        return f"{hour:02d}:{mins:02d}"
    return None
