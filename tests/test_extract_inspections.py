"""Ofsted outcome tables -> Inspection records: gold facts, broken rows, other column orders, warnings."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from graph.clean import PageMap, clean_text
from graph.extract.inspections import parse_inspection_tables, split_grade_cell, split_previous_cell

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
AGENDA_PACK = CORPUS / "sefton-childrens-scrutiny-agenda-pack-2024-09-24.txt"


@pytest.fixture(scope="module")
def corpus_inspections():
    cleaned = clean_text(AGENDA_PACK.read_text(encoding="utf-8"))
    inspections, warnings = parse_inspection_tables(cleaned.text, document=AGENDA_PACK.name, pages=cleaned.pages)
    return inspections, warnings, cleaned


def _match(school: str, inspections):
    best = max(inspections, key=lambda i: fuzz.token_set_ratio(school.lower(), i.school.lower()))
    assert fuzz.token_set_ratio(school.lower(), best.school.lower()) >= 85, (school, best.school)
    return best


def test_every_gold_inspection_comes_out(corpus_inspections):
    inspections, warnings, _ = corpus_inspections
    gold = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))["inspections"]
    assert len(inspections) == len(gold)
    matched = set()
    for fact in gold:
        got = _match(fact["school"], inspections)
        matched.add(id(got))
        assert (got.start.start, got.start.end) == (fact["start"], fact["end"]), fact["school"]
        assert got.inspector.full == fact["inspector"]
        assert got.hmi == fact["hmi"]
        assert got.grade == fact["grade"]
        assert got.previous_grade == fact["previous_grade"]
        assert got.previous_date is not None and got.previous_date.start == fact["previous_date"]
        if "inspection_type" in fact:
            assert got.inspection_type == fact["inspection_type"]
    assert len(matched) == len(gold)  # one row per gold inspection, none matched twice


def test_rows_carry_provenance(corpus_inspections):
    inspections, _, cleaned = corpus_inspections
    for i in inspections:
        assert i.source.document == AGENDA_PACK.name
        snippet = cleaned.text[i.source.start:i.source.end]
        assert i.school.split()[0] in snippet


def test_broken_rows_are_merged_cell_by_cell():
    # Real rows from the sample pack, cut by a page break with the header repeated.
    header = ("Name of School\tInspection Date\tLead Inspector's Name\tLatest OFSTED Grade\t"
              "Previous Inspection Date and OFSTED Grade\tDevelopment Areas\tLA Relationship and Support")
    text = "\n".join([
        header,
        "Lydiate\t13 th to 14 th\tJackie\tGood\t15 th to 16 th May 2019\tAssessment – knowing what has\tNew inclusion consultant",
        "",
        header,
        "Primary School\tJune 2024\tStillings\t50252957 (ofsted.gov.uk)\tGood\tbeen learned\t New SENCO",
        "Impact PRU\t21 st February\tRebecca Sharples\tMonitoring Visit – Serious\tInspection date\tLeaders have made progress to\tFull support package",
        header,
        "\t2024\tHMI\tWeaknesses 10318268 - IMPACT - 104849 Final PDF.pc\t16 th & 17 th May 2023 Inadequate\timprove the school\t Good working relationship",
    ])
    cleaned = clean_text(text)
    inspections, warnings = parse_inspection_tables(cleaned.text, document="t.txt", pages=cleaned.pages)
    assert warnings == []
    lydiate, impact = inspections
    assert lydiate.school == "Lydiate Primary School"
    assert lydiate.inspector.full == "Jackie Stillings"
    assert (lydiate.start.start, lydiate.start.end) == ("2024-06-13", "2024-06-14")
    assert lydiate.grade == "Good" and lydiate.report_reference == "50252957 (ofsted.gov.uk)"
    assert lydiate.previous_grade == "Good" and lydiate.previous_date.start == "2019-05-15"
    assert lydiate.development_areas == ["Assessment – knowing what has been learned"]
    assert impact.school == "Impact PRU" and impact.start.start == "2024-02-21"
    assert impact.inspector.full == "Rebecca Sharples" and impact.hmi
    assert (impact.grade, impact.inspection_type, impact.urn) == ("Serious Weaknesses", "Monitoring visit", "104849")
    assert (impact.previous_grade, impact.previous_date.start) == ("Inadequate", "2023-05-16")


def test_two_line_header_and_other_column_order():
    text = "\n".join([
        "Outcome\tSchool name\tLead Inspector\tDate of inspection\tPrevious judgement",
        "Requires Improvement\tHill Top Academy\tSam Sample HMI\t3 & 4 October 2023\tGood (March 2017)",
        "Outstanding\tRiver Infant School\tDr Alex Other\t14/11/2023\tShort inspection 5 May 2016 Good",
    ])
    inspections, warnings = parse_inspection_tables(text, document="t.txt", pages=PageMap())
    assert warnings == []
    hill, river = inspections
    assert (hill.school, hill.grade, hill.inspector.full, hill.hmi) == ("Hill Top Academy", "Requires Improvement", "Sam Sample", True)
    assert (hill.start.start, hill.start.end) == ("2023-10-03", "2023-10-04")
    assert (hill.previous_grade, hill.previous_date.start, hill.previous_date.precision) == ("Good", "2017-03", "month")
    assert (river.start.start, river.inspector.full, river.previous_type) == ("2023-11-14", "Alex Other", "Short inspection")


def test_unparseable_row_is_a_warning_with_its_page():
    text = ("intro\nPage 3\n"
            "School\tInspection Date\tInspector\tGrade\n"
            "Hill Top Academy\t3 October 2023\tSam Sample\tGood\n"
            "Valley School\tto be confirmed 2024\tSam Sample\tGood\n")
    cleaned = clean_text(text)
    inspections, warnings = parse_inspection_tables(cleaned.text, document="t.txt", pages=cleaned.pages)
    assert [i.school for i in inspections] == ["Hill Top Academy"]
    assert len(warnings) == 1
    assert warnings[0].page == 4 and "Valley School" in warnings[0].message and "date" in warnings[0].message


def test_prose_and_other_tables_are_not_inspections():
    text = ("Report Title:\tWork Programme\t\t\t\nDate of meeting:\t24 September 2024\t\t\n"
            "Councillor\tPortfolio\tPeriod of Report\nJane Doe\tEducation\tJune 2022\n")
    assert parse_inspection_tables(text, document="t.txt", pages=PageMap()) == ([], [])


def test_grade_and_previous_cells():
    assert split_grade_cell("Good 50246731 (ofsted.gov.uk)") == ("Good", None, "50246731 (ofsted.gov.uk)", None)
    grade, kind, ref, urn = split_grade_cell("Inadequate PDF 10348311 - St Michael's Church of E")
    assert (grade, kind, urn) == ("Inadequate", None, None) and ref.startswith("PDF 10348311")
    date, grade, kind = split_previous_cell("Inspection date 11 th September 2018 (short inspection) Good")
    assert (date.start, grade, kind) == ("2018-09-11", "Good", "Short inspection")
    date, grade, kind = split_previous_cell("monitoring visit 18 November 2020 Ungraded")
    assert (date.start, grade, kind) == ("2020-11-18", "Ungraded", "Monitoring visit")
    date, grade, kind = split_previous_cell("29 th June 2023 Ungraded inspection")
    assert (date.start, grade, kind) == ("2023-06-29", "Ungraded", "Ungraded inspection")


def test_cut_school_names_take_the_full_name_the_document_lists():
    from graph.extract.inspections import complete_school_name, listed_school_names

    listed = listed_school_names("3.1 The following schools:\n1. Oakfield Catholic Primary School\n"
                                 "2. St Agnes CE Primary School\n3. St Agnes Catholic Primary School\n"
                                 "4. Elm Road Junior School\n5. Financial Implications\n")
    assert len(listed) == 4
    assert complete_school_name("Oakfield Primary", listed) == "Oakfield Catholic Primary School"
    assert complete_school_name("Oakfield Catholic Primary", listed) == "Oakfield Catholic Primary"  # same key
    assert complete_school_name("St Agnes Primary", listed) == "St Agnes Primary"  # fits two: left alone
    assert complete_school_name("Elm Road Junior Marshside", listed) == "Elm Road Junior Marshside"  # a place


def test_report_card_grades_under_an_overall_effectiveness_header():
    text = ("School\tInspection date\tLead inspector\tOverall effectiveness\n"
            "Ashgrove Primary School\t12 March 2026\tDana Whitcombe HMI\tStrong standard\n"
            "Brookfield Academy\t19 March 2026\tOwen Hale\tNeeds attention\n")
    rows, warnings = parse_inspection_tables(text, document="d", pages=PageMap())
    assert warnings == []
    assert [(i.school, i.start.start, i.inspector.full, i.grade) for i in rows] == [
        ("Ashgrove Primary School", "2026-03-12", "Dana Whitcombe", "Strong standard"),
        ("Brookfield Academy", "2026-03-19", "Owen Hale", "Needs attention")]
