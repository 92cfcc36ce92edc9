"""Golden tests: a report cover table with damaged cells, recommendations, contact officers, sections."""
from graph.extract.reports import parse_report, parse_yes_no

REPORT = """Report Title:\tOfsted Inspections Spring and Summer Term 2024\t\t\t
Date of meeting:\t24 September 2024\t24 September 2024\t\t
Report to:\tOverview and Scrutiny Committee (Childrens Services and Safeguarding)\t\t
Report of:\tExecutive Director of Children's Social Care and Education\t\t
Portfolio:\tChildren, Schools and F\tamilies\t\t
Wards affected:\tAll\t\t
Is this a key decision:\tI INO\t\tNo\t\t
Exempt/confidential report:\tNo\t\t

Summary:

To update the Overview and Scrutiny Committee on Ofsted Inspection Reports.

Recommendation(s):

(1) That the report be noted.

Reasons for the Recommendation(s):

To appraise the Committee of developments.

1. Introduction/Background

- 1.1 Schools can be inspected under Section 5 or Section 8 guidance.

2. Financial Implications

Not applicable

Contact Officer:\tJacqui Patterson/Nadine Carroll
Telephone Number:\t0151 934 2495
Email Address:\tJacqui.patterson@sefton.gov.uk
\tNadine.carroll@sefton.gov.uk

Appendices:

The following appendices are attached to this report:

Ofsted Summary of Outcomes and Support Spring and Summer 2024
"""


def test_cover_table_recommendations_contacts_sections():
    r, warnings = parse_report(REPORT, document="d", pages=None)
    assert warnings == []
    assert r.title == "Ofsted Inspections Spring and Summer Term 2024"
    assert r.meeting_date.start == "2024-09-24"
    assert r.portfolio == "Children, Schools and Families"
    assert r.report_of == "Executive Director of Children's Social Care and Education"
    assert r.key_decision is False and r.exempt is False
    assert r.recommendations == ["(1) That the report be noted."]
    assert [(c.name.full, c.email) for c in r.contact_officers] == [
        ("Jacqui Patterson", "Jacqui.patterson@sefton.gov.uk"), ("Nadine Carroll", "Nadine.carroll@sefton.gov.uk")]
    assert all(c.telephone == "0151 934 2495" for c in r.contact_officers)
    assert [s.title for s in r.sections] == ["1. Introduction/Background", "2. Financial Implications"]
    assert r.appendices == ["Ofsted Summary of Outcomes and Support Spring and Summer 2024"]


def test_wrapped_title_cell():
    text = "Report Title:\t\nQuality Assurance\nand Practice\t\nImprovement\t\n\nDate of meeting:\t24th September 2024\t\n"
    r, _ = parse_report(text, document="d", pages=None)
    assert r.title == "Quality Assurance and Practice Improvement"


def test_yes_no_cells():
    assert parse_yes_no(["I INO"]) is False
    assert parse_yes_no(["Yes"]) is True
    assert parse_yes_no(["??"]) is None


def test_report_without_title_is_a_warning():
    r, warnings = parse_report("Report Title:\t\n\nSummary:\n\nText\n", document="d", pages=None)
    assert r is None and warnings and warnings[0].document == "d"


OTHER_TEMPLATE = """Report to: Cabinet
Date: 9 November 2023
Subject: Household Support Fund 2024/25
Report of: Executive Director of Corporate Resources
Wards affected: All
Key Decision: Yes
Exempt: No

Summary:

To seek approval for the allocation of the fund.

Recommendations:

(1) That the allocation be approved; and
(2) That the Executive Director be authorised to make minor changes.

1. Introduction

The fund supports households in need.

Contact Officer: Jane Tolley
Telephone Number: 0151 000 0000
Email Address: jane.tolley@example.gov.uk
"""


def test_a_cover_of_label_value_lines_opened_by_report_to():
    from graph.extract.segments import split_segments

    assert [s.kind for s in split_segments("Agenda item 5\n\n" + OTHER_TEMPLATE)] == ["text", "report"]
    report, warnings = parse_report(OTHER_TEMPLATE, document="d", pages=None)
    assert warnings == []
    assert (report.title, report.meeting_date.start, report.report_to, report.report_of, report.wards,
            report.key_decision, report.exempt) == (
        "Household Support Fund 2024/25", "2023-11-09", "Cabinet", "Executive Director of Corporate Resources", "All",
        True, False)
    assert report.recommendations == ["(1) That the allocation be approved; and",
                                      "(2) That the Executive Director be authorised to make minor changes."]
    assert [s.title for s in report.sections] == ["1. Introduction"]
    assert [(c.name.full, c.email) for c in report.contact_officers] == [("Jane Tolley", "jane.tolley@example.gov.uk")]


def test_report_to_in_a_letter_without_a_cover_is_not_a_report():
    from graph.extract.segments import split_segments

    assert [s.kind for s in split_segments("Dear Sir,\n\nReport to: Cabinet, in due course.\n\nYours,\n")] == ["text"]
