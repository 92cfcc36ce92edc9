"""Ofsted report cards (inspections from November 2025) -> Inspection records with area grades.

Each snippet is laid out as a council prints one, with the usual damage (header and rows broken
across lines, page furniture between rows, cells missing), and goes through the real clean-up first.
"""
from __future__ import annotations

from graph.clean import clean_text
from graph.extract.inspections import (
    column_roles, parse_area_grade, parse_inspection_tables, parse_inspections, parse_labelled_report_cards,
    parse_safeguarding,
)


def _parse(raw: str, parser=parse_inspections):
    cleaned = clean_text(raw)
    return parser(cleaned.text, document="report-cards.txt", pages=cleaned.pages)


# A scrutiny report's table: the header wraps onto a second line, the first row's school name and
# date wrap too, the page ends between rows, a school without early years prints "N/A".
TAB_TABLE = """Appendix A: Inspection outcomes, spring term

School\tDate of\tInclusion\tCurriculum and\tAchievement\tAttendance and\tPersonal development\tEarly years\tLeadership and\tSafeguarding
\tinspection\t\tteaching\t\tbehaviour\tand well-being\t\tgovernance\t
Hollins Green Primary\t14 January\tExpected standard\tStrong standard\tExpected standard\tStrong standard\tStrong standard\tExpected standard\tExpected standard\tMet
School\t2026\t\t\t\t\t\t\t\t
Page 15
Quarry Bank High School\t3-4 February 2026\tNeeds attention\tExpected standard\tUrgent improvement\tNeeds attention\tExpected standard\tN/A\tNeeds attention\tNot met
"""


def test_tab_table_with_wrapped_header_and_rows_across_a_page():
    inspections, warnings = _parse(TAB_TABLE)
    assert warnings == []
    assert [(i.school, i.start.start, i.start.end, i.grade, i.inspector, i.safeguarding) for i in inspections] == [
        ("Hollins Green Primary School", "2026-01-14", "2026-01-14", None, None, "Met"),
        ("Quarry Bank High School", "2026-02-03", "2026-02-04", None, None, "Not met"),
    ]
    assert inspections[0].area_grades == {
        "Inclusion": "Expected standard", "Curriculum and teaching": "Strong standard",
        "Achievement": "Expected standard", "Attendance and behaviour": "Strong standard",
        "Personal development and well-being": "Strong standard", "Early years": "Expected standard",
        "Leadership and governance": "Expected standard"}
    # N/A: the school has no early years, so that area is not graded (not an error)
    assert list(inspections[1].area_grades) == [
        "Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour",
        "Personal development and well-being", "Leadership and governance"]
    assert inspections[1].area_grades["Achievement"] == "Urgent improvement"
    assert inspections[0].source.page is None and inspections[1].source.page == 16


# A cabinet member update's table laid out with runs of spaces; a school name wraps, a school
# with no sixth form leaves the cell blank, and the table ends at a paragraph of prose.
SPACED_TABLE = """School                        Date inspected      Inclusion           Curriculum and teaching   Achievement         Sixth form          Leadership and governance   Safeguarding
Larkspur Academy              9 December 2025     Strong standard     Exceptional               Strong standard     Expected standard   Strong standard             Met
St Aidan's Church of          21 January 2026     Expected standard   Expected standard         Needs attention                         Expected standard           Met
England Junior School
The Cabinet Member thanked the headteachers and governors of all the schools inspected during the period for their work.
"""


def test_table_laid_out_with_spaces_places_cells_under_their_headers():
    inspections, warnings = _parse(SPACED_TABLE)
    assert warnings == []
    assert [(i.school, i.start.start) for i in inspections] == [
        ("Larkspur Academy", "2025-12-09"), ("St Aidan's Church of England Junior School", "2026-01-21")]
    assert inspections[0].area_grades == {
        "Inclusion": "Strong standard", "Curriculum and teaching": "Exceptional", "Achievement": "Strong standard",
        "Sixth form": "Expected standard", "Leadership and governance": "Strong standard"}
    assert inspections[1].area_grades == {
        "Inclusion": "Expected standard", "Curriculum and teaching": "Expected standard",
        "Achievement": "Needs attention", "Leadership and governance": "Expected standard"}
    assert all(i.safeguarding == "Met" and i.grade is None for i in inspections)


# Report cards printed school by school, under the school's heading or with a School: line,
# page furniture inside a card.
LABELLED = """Recent inspection outcomes

Hillside Primary School – inspected 22 January 2026

Inclusion: Expected standard
Curriculum and teaching: Strong standard
Achievement: Expected standard
Attendance and behaviour: Needs attention

Page 15

Personal development and well-being: Expected standard
Leadership and governance: Expected standard
Safeguarding: Met

School: Riverside Infant School
Date of inspection: 4-5 February 2026
Lead inspector: Jo Pennington HMI
Inclusion: Strong standard
Curriculum and teaching: Exceptional
Achievement: Strong standard
Early years: Strongest
Safeguarding: Not met
"""


def test_report_cards_printed_one_area_a_line():
    inspections, warnings = _parse(LABELLED, parse_labelled_report_cards)
    hillside, riverside = inspections
    assert (hillside.school, hillside.start.start, hillside.inspector, hillside.safeguarding) == (
        "Hillside Primary School", "2026-01-22", None, "Met")
    assert hillside.area_grades == {
        "Inclusion": "Expected standard", "Curriculum and teaching": "Strong standard",
        "Achievement": "Expected standard", "Attendance and behaviour": "Needs attention",
        "Personal development and well-being": "Expected standard", "Leadership and governance": "Expected standard"}
    assert (riverside.school, riverside.start.start, riverside.start.end) == (
        "Riverside Infant School", "2026-02-04", "2026-02-05")
    assert riverside.inspector.full == "Jo Pennington" and riverside.hmi
    assert riverside.safeguarding == "Not met"
    # the cell that is not a grade is left out and said, the others kept
    assert riverside.area_grades == {"Inclusion": "Strong standard", "Curriculum and teaching": "Exceptional",
                                     "Achievement": "Strong standard"}
    assert [w.message for w in warnings] == [
        "report card cell not read: no grade for Early years in 'Strongest' (Riverside Infant School)"]
    assert riverside.source.page == 16


def test_a_report_card_that_cannot_be_read_is_a_warning_not_a_record():
    raw = """Meadow View Academy
Inclusion: Expected standard
Achievement: Expected standard

School\tDate of inspection\tInclusion\tAchievement\tLeadership and governance\tSafeguarding
Ashby Fields Primary School\t\tExpected standard\tExpected standard\tStrong standard\tMet
Brook Lane School\t12 March 2026\tsee report\tawaited\t\t
Coppice Nursery School\t13 March 2026\tExpected standard\tExpected standard\tExpected standard\tIn progress
"""
    inspections, warnings = _parse(raw)
    assert [(i.school, i.area_grades, i.safeguarding) for i in inspections] == [
        ("Coppice Nursery School", {"Inclusion": "Expected standard", "Achievement": "Expected standard",
                                    "Leadership and governance": "Expected standard"}, None)]
    messages = [w.message for w in warnings]
    assert "report card row not parsed: no inspection date in '' (Ashby Fields Primary School)" in messages
    assert any(m.startswith("report card row not parsed: no area grades") and "Brook Lane School" in m for m in messages)
    assert "report card cell not read: no safeguarding outcome in 'In progress' (Coppice Nursery School)" in messages
    assert "report card not parsed: no inspection date in 'Meadow View Academy' (Meadow View Academy)" in messages
    assert all(w.text for w in warnings)  # each says what it could not read


def test_older_tables_are_read_as_before():
    # the key judgements of the framework before November 2025 are not a report card
    raw = ("School\tInspection date\tOverall effectiveness\tQuality of education\tBehaviour and attitudes\t"
           "Personal development\tLeadership and management\n"
           "Oakfield Primary School\t12 June 2024\tGood\tGood\tOutstanding\tGood\tGood\n")
    (inspection,), warnings = _parse(raw, parse_inspection_tables)
    assert warnings == []
    assert (inspection.grade, inspection.area_grades, inspection.safeguarding) == ("Good", {}, None)
    assert inspection.development_areas == ["Good"]  # as the column was read before report cards
    roles = column_roles(["School", "Inspection date", "Overall effectiveness", "Quality of education",
                          "Behaviour and attitudes", "Personal development", "Leadership and management"])
    assert roles == ["school", "date", "grade", None, None, "development", None]


def test_column_roles_of_a_report_card_header():
    header = ["Name of school", "Date(s) of inspection", "Lead inspector", "Inclusion", "Curriculum & teaching",
              "Achievement", "Attendance and behaviour", "Personal development and wellbeing", "EYFS",
              "Sixth-form", "Leadership & governance", "Safeguarding standards", "Previous grade"]
    assert column_roles(header) == [
        "school", "date", "inspector", "area:Inclusion", "area:Curriculum and teaching", "area:Achievement",
        "area:Attendance and behaviour", "area:Personal development and well-being", "area:Early years",
        "area:Sixth form", "area:Leadership and governance", "safeguarding", "previous"]


def test_area_cells_and_safeguarding_cells():
    assert parse_area_grade(" Strong\nstandard ") == ("Strong standard", True)
    assert parse_area_grade("Needs attention (grade 4)") == ("Needs attention", True)
    assert parse_area_grade("N/A") == (None, True)
    assert parse_area_grade("") == (None, True)
    assert parse_area_grade("Expected standard Strong standard") == (None, False)  # two grades: which?
    assert parse_area_grade("to follow") == (None, False)
    assert [parse_safeguarding(c) for c in ("Met", "Not met", "not  met.", "Effective", "Safeguarding: Met", "TBC")] == [
        "Met", "Not met", "Not met", "Met", "Met", None]


# Text taken from a PDF table one cell a line: the header's cells wrap, a school's name wraps, the
# header is printed again after the page break, and one row lost its early years "N/A".
ONE_CELL_A_LINE = """The table below sets out the outcomes.

School
Date of inspection
Inclusion
Curriculum and
teaching
Achievement
Attendance and behaviour
Personal development
and well-being
Early years
Leadership and governance
Safeguarding
Ashworth Primary
School
12 January 2026
Expected standard
Strong standard
Expected standard
Expected standard
Strong standard
N/A
Expected standard
Met
Page 15
School
Date of inspection
Inclusion
Curriculum and
teaching
Achievement
Attendance and behaviour
Personal development
and well-being
Early years
Leadership and governance
Safeguarding
Birchwood Academy
19 January 2026
Needs attention
Expected standard
Needs attention
Expected standard
Expected standard
Expected standard
Met
Cedar Park School
20 January 2026
Strong standard
Strong standard
Expected standard
Strong standard
Strong standard
Exceptional
Strong standard
Not met
The Committee is asked to note the outcomes of these inspections and the support offered.
"""


def test_table_one_cell_a_line():
    inspections, warnings = _parse(ONE_CELL_A_LINE)
    assert [(i.school, i.start.start, i.safeguarding, i.source.page) for i in inspections] == [
        ("Ashworth Primary School", "2026-01-12", "Met", None), ("Cedar Park School", "2026-01-20", "Not met", 16)]
    assert "Early years" not in inspections[0].area_grades and len(inspections[0].area_grades) == 6
    assert inspections[1].area_grades == {
        "Inclusion": "Strong standard", "Curriculum and teaching": "Strong standard", "Achievement": "Expected standard",
        "Attendance and behaviour": "Strong standard", "Personal development and well-being": "Strong standard",
        "Early years": "Exceptional", "Leadership and governance": "Strong standard"}
    # which area lost its cell cannot be told: the row is said, not guessed
    assert [w.message for w in warnings] == ["report card row not parsed: 8 cells where the header has 10 (Birchwood Academy)"]
