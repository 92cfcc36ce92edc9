"""A value the layout promises but the parsers cannot read becomes a warning, never silently nothing.

Each text below has the shape of a real council paper with one value damaged the way PDF
extraction and OCR damage them (a digit for a letter, an impossible date, words for a date).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.clean import clean_text
from graph.extract import extract_document
from graph.extract.attendance import parse_apologies, parse_declarations, parse_present
from graph.extract.meetings import parse_front_sheet, parse_minutes_heading, parse_web_heading
from graph.extract.membership import parse_membership
from graph.extract.reports import parse_report
from graph.extract.updates import parse_cabinet_member_update
from graph.extract.work_programme import parse_work_programme
from graph.records import MeetingRef
from graph.values import parse_people_list, split_people_list

REF = MeetingRef("C", "2024-06-04")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


class Doc:
    """A document as graph.read gives it, built from text through the real clean-up."""

    def __init__(self, name: str, raw: str):
        cleaned = clean_text(raw)
        self.name, self.checksum, self.raw_text = name, "0" * 64, raw
        self.text, self.pages, self.page_count, self.path, self.media_type = (
            cleaned.text, cleaned.pages, None, None, "text/plain")
        self.markers = cleaned.markers


def unreadable(warnings) -> list[tuple[str, str]]:
    return [(w.message, w.text) for w in warnings if w.message.startswith("unreadable")]


# --- value parsers say what they could not read ---------------------------------------------

def test_people_list_returns_the_entries_that_are_not_names():
    people, rest = split_people_list("Councillors Evans, H1nde and Williams")
    assert [p.full for p in people] == ["Evans", "Williams"] and rest == ["H1nde"]
    assert [p.full for p in parse_people_list("Councillors Evans, H1nde and Williams")] == ["Evans", "Williams"]


# --- one parser at a time ----------------------------------------------------------------------

def test_present_name_with_a_digit_is_a_warning():
    text = "PRESENT: Councillor Hardman (in the Chair)\n\nCouncillors Evans, H1nde and Williams\n\n1. MINUTES\n"
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["Hardman", "Evans", "Williams"]
    assert unreadable(warnings) == [("unreadable name in the PRESENT list", "H1nde")]


def test_unreadable_substitute_keeps_the_attendance_and_warns():
    text = "PRESENT: Councillors Evans and Hinde (Substitute Member for Councillor P0rter)\n\n1. MINUTES\n"
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    hinde = next(a for a in rows if a.person.full == "Hinde")
    assert hinde.substitute_for is None
    assert unreadable(warnings) == [("unreadable substitute-for name", "Councillor P0rter")]


def test_apologies_names_that_are_not_names_are_warnings():
    text = "Apologies for absence were received from Councillors Porter, Richards and Sm1th.\n"
    rows, warnings = parse_apologies(text, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["Porter", "Richards"]
    assert unreadable(warnings) == [("unreadable name in the apologies", "Sm1th")]


def test_run_together_list_is_one_unreadable_entry():
    # a list whose commas were lost in extraction: six words are not one name
    text = "Apologies for absence were received from Councillors Porter, Richards Evans Hinde Page Parker Spring.\n"
    rows, warnings = parse_apologies(text, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["Porter"]
    assert [m for m, _ in unreadable(warnings)] == ["unreadable name in the apologies"]


def test_declaration_with_unreadable_name_is_a_warning():
    text = "Councillor J0nes declared a personal interest in Minute No. 5 and left the room.\n"
    declarations, warnings = parse_declarations(text, meeting=REF, document="d", pages=None)
    assert declarations == []
    assert unreadable(warnings) == [("unreadable name in a declaration of interest", "Councillor J0nes")]


@pytest.mark.parametrize("value", ["Tuesday 31st February, 2024", "To be confirmed"])
def test_front_sheet_date_that_is_not_a_date_is_a_warning(value):
    text = f"PLANNING COMMITTEE\n\nDATE: {value}\n\nTIME: 6.30 pm\n\nVENUE: Town Hall\n"
    meeting, warnings = parse_front_sheet(text, document="d", pages=None)
    assert meeting is None
    assert unreadable(warnings) == [("unreadable front sheet DATE", value)]


def test_front_sheet_time_that_is_not_a_time_is_a_warning():
    text = "PLANNING COMMITTEE\n\nDATE: Tuesday 24th September, 2024\n\nTIME: After the previous meeting\n"
    meeting, warnings = parse_front_sheet(text, document="d", pages=None)
    assert meeting.date.start == "2024-09-24" and meeting.time is None
    assert unreadable(warnings) == [("unreadable front sheet TIME", "After the previous meeting")]


def test_minutes_heading_with_impossible_date_is_a_warning():
    text = "PLANNING COMMITTEE\n\nMEETING HELD AT THE TOWN HALL, BOOTLE ON TUESDAY 31ST FEBRUARY, 2024\n"
    meeting, warnings = parse_minutes_heading(text, document="d", pages=None)
    assert meeting is None
    assert unreadable(warnings) == [("unreadable date in the minutes heading", "TUESDAY 31ST FEBRUARY, 2024")]


def test_web_heading_with_impossible_date_is_a_warning():
    text = "Agenda and minutes\nPlanning Committee\nMonday 30th February, 2025 6.30 pm\nVenue: Town Hall\n"
    meeting, warnings = parse_web_heading(text, document="d", pages=None)
    assert meeting is None
    assert unreadable(warnings) == [("unreadable date in a meeting page heading", "Monday 30th February, 2025")]


def test_membership_and_officer_names_that_are_not_names_are_warnings():
    text = ("Member Substitute\n\nCouncillor Hardman (Chair) Councillor Myers\n\nCouncillor Parker Councillor M4rsh\n\n"
            "COMMITTEE OFFICER: 0151 934 2078\n")
    members, warnings = parse_membership(text, committee="C", document="d", pages=None)
    assert {(m.person.full, m.role) for m in members} == {
        ("Hardman", "chair"), ("Hardman", "member"), ("Myers", "substitute"), ("Parker", "member")}
    assert unreadable(warnings) == [("unreadable name in the membership table", "Councillor M4rsh"),
                                    ("unreadable committee officer's name", "0151 934 2078")]


def test_report_date_cell_and_contact_name_that_cannot_be_read_are_warnings():
    text = ("Report Title:\tSchool Places\nDate of Meeting:\tTo be confirmed\n\nSummary:\n\nText.\n\n"
            "Contact Officer:\tJane Example/0151 934\nEmail Address:\tjane.example@example.gov.uk\n")
    report, warnings = parse_report(text, document="d", pages=None)
    assert report.title == "School Places" and report.meeting_date is None
    assert [c.name.full for c in report.contact_officers] == ["Jane Example"]
    messages = [w.message for w in warnings]
    assert "unreadable date cell for meeting_date" in messages
    assert unreadable(warnings)[-1] == ("unreadable contact officer's name", "0151 934")


def test_work_programme_unreadable_date_and_author_are_warnings():
    text = ("WORK PROGRAMME\n\nMonday, 30 February 2025, 6.30 p.m., Town Hall\n"
            "No.\tReport/Item\tReport Author\n1.\tBudget\tJane Example / 0151 934\n")
    items, meetings, warnings = parse_work_programme(text, committee="C", document="d", pages=None)
    assert meetings == []
    assert [(i.item, [a.full for a in i.authors]) for i in items] == [("Budget", ["Jane Example"])]
    assert unreadable(warnings) == [("unreadable work programme meeting date", "Monday, 30 February 2025"),
                                    ("unreadable author in a work programme row", "0151 934")]


def test_cabinet_member_update_without_a_readable_councillor_is_a_warning():
    text = ("CABINET MEMBER UPDATE\n\nPlanning Committee\n\nCouncillor\tPortfolio\tPeriod of Report\n"
            "12 High Street\tHousing\tOctober 2023\n\nHomelessness\n\nDemand rose.\n")
    update, warnings = parse_cabinet_member_update(text, document="u", pages=clean_text(text).pages)
    assert update is None
    assert unreadable(warnings) == [("unreadable cabinet member's name", "12 High Street")]


def test_cabinet_member_update_with_unreadable_period_keeps_the_update():
    text = ("CABINET MEMBER UPDATE\n\nPlanning Committee\n\nCouncillor\tPortfolio\tPeriod of Report\n"
            "Cllr Jane Example\tHousing\tLast quarter\n\nHomelessness\n\nDemand rose.\n")
    update, warnings = parse_cabinet_member_update(text, document="u", pages=clean_text(text).pages)
    assert update.councillor.full == "Jane Example" and update.period is None
    assert unreadable(warnings) == [("unreadable period of a cabinet member update", "Last quarter")]


# --- through extract_document: the warning reaches the extraction, with its page ------------------

MINUTES = ("PLANNING COMMITTEE\n\nMEETING HELD AT THE TOWN HALL, SOUTHPORT ON WEDNESDAY 2ND OCTOBER, 2024\n\n"
           "PRESENT: Councillor Smith (in the Chair)\n\nCouncillors Evans, H1nde and Williams\n\n"
           "1. APOLOGIES FOR ABSENCE\n\nApologies for absence were received from Councillors Porter and Sm1th.\n\n"
           "2. LOCAL PLAN\n\nRESOLVED: That the plan be noted.\n")


def test_extraction_of_damaged_minutes_keeps_the_rest_and_reports_each_damaged_name():
    ex = extract_document(Doc("m.txt", "Front matter\n\f" + MINUTES))
    assert {a.person.full for a in ex.attendance} == {"Smith", "Evans", "Williams", "Porter"}
    assert unreadable(ex.warnings) == [("unreadable name in the PRESENT list", "H1nde"),
                                       ("unreadable name in the apologies", "Sm1th")]
    assert {w.document for w in ex.warnings} == {"m.txt"} and {w.page for w in ex.warnings} == {2}


def test_extraction_of_a_front_sheet_without_a_readable_date_says_so():
    raw = ("PLANNING COMMITTEE\n\nDATE: To be confirmed\n\nTIME: 6.30 pm\n\nVENUE: Town Hall\n\n"
           "AGENDA\n\n1. Apologies for Absence\n")
    ex = extract_document(Doc("a.txt", raw))
    assert ex.meetings == []
    assert unreadable(ex.warnings) == [("unreadable front sheet DATE", "To be confirmed")]


@pytest.mark.skipif(not CORPUS.exists(), reason="sample corpus not present")
def test_sample_corpus_has_no_unreadable_values():
    from graph.read import read_document

    for path in sorted(CORPUS.glob("*.txt")):
        ex = extract_document(read_document(path))
        assert unreadable(ex.warnings) == [], path.name
