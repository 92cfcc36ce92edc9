"""Golden and property tests for the value parsers (dates, grades, names, times)."""
from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from hypothesis import given, settings, strategies as st

from graph.records import GradeName
from graph.values import (
    find_dates, normalise_time, parse_date, parse_grade, parse_people_list, parse_person,
)

# Forms printed in council papers (several from the sample corpus) and their ISO values.
DATE_CASES = [
    ("30 th & 31 st January 2024", "2024-01-30", "2024-01-31", "day"),
    ("20 th March 2024 to 21 st March 2024", "2024-03-20", "2024-03-21", "day"),
    ("26 th March to 27 th March 2024", "2024-03-26", "2024-03-27", "day"),
    ("2 & 3 July 2024", "2024-07-02", "2024-07-03", "day"),
    ("16 th to 17 th April 2024", "2024-04-16", "2024-04-17", "day"),
    ("14th May to 15th May 2024", "2024-05-14", "2024-05-15", "day"),
    ("Tuesday 24th September, 2024", "2024-09-24", "2024-09-24", "day"),
    ("THURSDAY, 3 MARCH 2016", "2016-03-03", "2016-03-03", "day"),
    ("MEETING HELD AT THE TOWN HALL ON TUESDAY 4TH JUNE, 2024", "2024-06-04", "2024-06-04", "day"),
    ("14/05/2021", "2021-05-14", "2021-05-14", "day"),
    ("March 2012", "2012-03", "2012-03", "month"),
    ("Inspection date October 2018 (short inspection) Good", "2018-10", "2018-10", "month"),
    ("9 and 10 February 2023", "2023-02-09", "2023-02-10", "day"),
    ("2 ^{nα} April 2019 Good", "2019-04-02", "2019-04-02", "day"),
    ("30th December 2023 to 2nd January 2024", "2023-12-30", "2024-01-02", "day"),
    ("September 24, 2024", "2024-09-24", "2024-09-24", "day"),
    ("16-17 January 2024", "2024-01-16", "2024-01-17", "day"),
    ("12-13th March 2024", "2024-03-12", "2024-03-13", "day"),
    ("2024-01-16", "2024-01-16", "2024-01-16", "day"),
]


@pytest.mark.parametrize("text,start,end,precision", DATE_CASES)
def test_parse_date_council_forms(text, start, end, precision):
    value = parse_date(text)
    assert value is not None
    assert (value.start, value.end, value.precision) == (start, end, precision)


def test_yearless_date_needs_a_default_year():
    assert parse_date("21 st February") is None
    value = parse_date("21 st February", default_year=2024)
    assert value is not None and value.start == "2024-02-21"


def test_dates_that_are_not_dates():
    assert parse_date("(Pages 5 - 12)") is None
    assert parse_date("31 February 2024") is None
    assert parse_date("the report 2 may be noted") is None
    assert parse_date("the 2023-24 budget") is None and parse_date("Pages 16-17") is None
    assert parse_date("2024-13-40") is None
    assert parse_date("") is None


def test_find_dates_spans_point_at_the_text():
    text = "Cabinet agreed on the 26th May 2022 to the closure with effect from 31st August 2022."
    found = find_dates(text)
    assert [v.start for _, _, v in found] == ["2022-05-26", "2022-08-31"]
    for start, end, value in found:
        assert text[start:end] == value.text


GRADE_CASES = [
    ("Good 50246731 (ofsted.gov.uk)", "Good"),
    ("Outstanding 10294203 - St Robert Bellamine Cath", "Outstanding"),
    ("Requiring Improvement", "Requires Improvement"),
    ("Requires Improvement to be Good", "Requires Improvement"),
    ("EYFS (RI)", "Requires Improvement"),
    ("Monitoring Visit – Serious Weaknesses", "Serious Weaknesses"),
    ("Inadequate PDF 10348311", "Inadequate"),
    ("Monitoring visit 22nd November 2023 Insufficient progress", "Insufficient progress"),
    ("29th June 2023 Ungraded inspection", "Ungraded"),
    ("placed in special measures", "Special Measures"),
    ("Satisfactory", "Satisfactory"),
    ("Strong standard", "Strong standard"),
    ("Leadership and governance: Expected standard", "Expected standard"),
    ("NEEDS ATTENTION", "Needs attention"),
    ("Urgent improvement", "Urgent improvement"),
    ("Exceptional", "Exceptional"),
    ("no grade here", None),
    ("Bristol", None),
]


@pytest.mark.parametrize("text,grade", GRADE_CASES)
def test_parse_grade(text, grade):
    assert parse_grade(text) == grade


def test_parse_person_titles_and_honours():
    p = parse_person("Eleanor Overland HMI")
    assert (p.full, p.given, p.family, p.honours, p.is_hmi) == ("Eleanor Overland", "Eleanor", "Overland", ("HMI",), True)
    p = parse_person("Councillor Page")
    assert (p.full, p.family, p.surname_only, p.is_councillor) == ("Page", "Page", True, True)
    p = parse_person("Mrs Sandra Cain")
    assert (p.full, p.honorifics) == ("Sandra Cain", ("Mrs",))
    p = parse_person("Dr. Jane Smith OBE")
    assert (p.full, p.honorifics, p.honours) == ("Jane Smith", ("Dr",), ("OBE",))
    p = parse_person("Jo Bloggs Senior HMI")
    assert (p.full, p.honours) == ("Jo Bloggs", ("Senior HMI",))
    p = parse_person("County Councillor Ann Lee")
    assert (p.full, p.honorifics, p.is_councillor) == ("Ann Lee", ("County Councillor",), True)
    assert parse_person("Councillor Danny Burns (Vice-Chair)").full == "Danny Burns"


def test_parse_person_rejects_non_names():
    for text in ("", "123", "0151 934 2078", "the update be noted by all of the members present"):
        assert parse_person(text) is None


def test_people_list_with_plural_title_and_others_after_it():
    text = ("Councillors Harrison Kelly, Porter and Richards, Gemma Armer, Maurice Byrne, "
            "Karen Christie and Stuart Harrison")
    people = parse_people_list(text)
    assert [p.full for p in people] == [
        "Harrison Kelly", "Porter", "Richards", "Gemma Armer", "Maurice Byrne", "Karen Christie", "Stuart Harrison"]
    assert [p.is_councillor for p in people] == [True, True, True, False, False, False, False]
    # one name or two? kept whole and flagged, never split
    assert people[0].uncertain and not any(p.uncertain for p in people[1:])


def test_people_list_ignores_separators_inside_parentheses():
    text = ("Councillors Evans, Hinde (Substitute Member for Councillor Porter), Christopher Page, "
            "Parker, Prendergast, Spring and Williams (Substitute Member for Councillor Harrison)")
    people = parse_people_list(text)
    assert [p.full for p in people] == ["Evans", "Hinde", "Christopher Page", "Parker", "Prendergast", "Spring", "Williams"]
    assert all(p.honorifics == ("Councillor",) for p in people)


def test_people_list_explicit_honorific():
    people = parse_people_list("Smith and Jones", honorific="Councillor")
    assert [(p.full, p.honorifics) for p in people] == [("Smith", ("Councillor",)), ("Jones", ("Councillor",))]


@pytest.mark.parametrize("text,expected", [
    ("6.30 pm", "18:30"), ("10.00 a.m.", "10:00"), ("TIME: 6.30 pm", "18:30"), ("18:30", "18:30"),
    ("12 noon", "12:00"), ("7pm", "19:00"), ("12.15 am", "00:15"), ("Room 5", None), ("", None),
])
def test_normalise_time(text, expected):
    assert normalise_time(text) == expected


# --- properties ---------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_parsers_never_raise(text):
    parse_date(text)
    parse_date(text, default_year=2024)
    find_dates(text)
    parse_grade(text)
    parse_person(text)
    parse_people_list(text)
    normalise_time(text)


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_STYLES = [
    lambda d: f"{d.day}{_ordinal(d.day)} {d:%B %Y}",
    lambda d: f"{d.day} {_ordinal(d.day)} {d:%B %Y}",
    lambda d: f"{d:%A} {d.day}{_ordinal(d.day)} {d:%B}, {d.year}",
    lambda d: f"{d:%A}, {d.day} {d:%B %Y}".upper(),
    lambda d: f"{d:%d/%m/%Y}",
    lambda d: f"{d.day} {d:%b %Y}",
    lambda d: f"{d.day} ^{{{_ordinal(d.day)}}} {d:%B %Y}",
]


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)), st.sampled_from(range(len(_STYLES))))
def test_date_round_trip(day, style):
    printed = _STYLES[style](day)
    value = parse_date(printed)
    assert value is not None, printed
    assert (value.start, value.end, value.precision) == (day.isoformat(), day.isoformat(), "day")


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 1)), st.integers(1, 20),
       st.sampled_from([" & ", " and ", " to ", " - ", "-", "–"]))
def test_date_range_round_trip(day, length, sep):
    last = day + dt.timedelta(days=length)
    if last.month != day.month:
        printed = f"{day.day}{_ordinal(day.day)} {day:%B}{sep}{last.day}{_ordinal(last.day)} {last:%B %Y}"
    else:
        printed = f"{day.day}{sep}{last.day} {last:%B %Y}"
    value = parse_date(printed)
    assert value is not None and (value.start, value.end) == (day.isoformat(), last.isoformat()), printed


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(list(get_args(GradeName))),
       st.sampled_from(["{}", "{} 50246731 (ofsted.gov.uk)", "{}".upper(), "Inspection date 2019 {}", "'{}'"]))
def test_grade_round_trip(grade, template):
    assert parse_grade(template.format(grade)) == grade
    assert parse_grade(template.format(grade.upper())) == grade


_NAME = st.from_regex(r"[A-Z][a-z]{1,9}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["", "Councillor ", "Cllr ", "Mrs ", "Dr ", "County Councillor "]),
       st.lists(_NAME, min_size=1, max_size=3), st.sampled_from(["", " HMI", " OBE", " Senior HMI"]))
def test_person_round_trip(title, parts, honour):
    name = " ".join(parts)
    person = parse_person(f"{title}{name}{honour}")
    if person is None:  # a generated word may itself be a title ("Sir", "Lady")
        return
    assert person.full == name or name.split()[0].lower() in {t.lower() for t in ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Father", "Fr", "Rev", "Revd", "Reverend", "Professor", "Prof", "Lord", "Lady", "Cc", "Cllr", "Councillor")}
    assert person.honours == ((honour.strip(),) if honour else ()) or person.full != name
    assert person.surname_only == (len(person.full.split()) == 1)


def test_two_word_entry_in_a_councillors_list_is_flagged_however_the_title_is_given():
    from graph.values import parse_people_list

    for people in (parse_people_list("Councillors Ash Bourne, Carr and Dane"),
                   parse_people_list("Ash Bourne, Carr and Dane", honorific="Councillor")):
        assert [(p.full, p.uncertain) for p in people] == [("Ash Bourne", True), ("Carr", False), ("Dane", False)]
        assert all(p.is_councillor for p in people)


@pytest.mark.parametrize("printed, full", [
    ("Councillor J. Brown", "J Brown"), ("Mr J.R. Hartley", "J R Hartley"), ("Cllr. A.B Smith", "A B Smith"),
    ("Councillor St. John", "St. John"), ("J R Hartley", "J R Hartley")])
def test_initials_with_or_without_full_stops_are_one_name(printed, full):
    person = parse_person(printed)
    assert person.full == full and person.text == printed
