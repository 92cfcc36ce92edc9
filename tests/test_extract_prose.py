"""School outcomes and decisions stated in prose: real passages, gold facts, and non-matches."""
from __future__ import annotations

import json
from pathlib import Path

from rapidfuzz import fuzz

from graph.clean import PageMap
from graph.extract.prose import decision_body, parse_prose_decisions, parse_school_outcomes
from graph.read import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NO_PAGES = PageMap()

# A real passage from the sample cabinet member update.
SCHOOLS_PASSAGE = (
    "This half term we have had the final reports for two primary schools and one secondary academy. "
    "Woodlands Primary continues to be a good school and Our Lady of Walsingham has moved from Good to "
    "Requiring Improvement. Education Excellence will work with the Archdiocese and the DFE on a programme "
    "of support and challenge. Range High School is now judged 'Good' from the previous 'Requiring "
    "Improvement' judgement.")


def test_outcome_sentence_shapes():
    got = parse_school_outcomes(SCHOOLS_PASSAGE, document="u.txt", pages=NO_PAGES)
    assert [(o.school, o.grade, o.previous_grade) for o in got] == [
        ("Woodlands Primary", "Good", "Good"),
        ("Our Lady of Walsingham", "Requires Improvement", "Good"),
        ("Range High School", "Good", "Requires Improvement"),
    ]
    for o in got:
        assert o.school in o.sentence
        assert SCHOOLS_PASSAGE[o.source.start:].startswith(o.school)


def test_outcome_judged_without_previous():
    got = parse_school_outcomes("Hill Top Academy was judged as Outstanding in May.", document="d", pages=NO_PAGES)
    assert [(o.school, o.grade, o.previous_grade) for o in got] == [("Hill Top Academy", "Outstanding", None)]


def test_prose_without_outcomes():
    text = ("Response to inadequate audits has been tightened. Good relationships continue with all schools. "
            "the school has moved from good to outstanding practice in reading")
    assert parse_school_outcomes(text, document="d", pages=NO_PAGES) == []


def test_gold_narrative_outcomes_and_decision_come_out():
    gold = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))
    by_doc: dict[str, list] = {}
    for fact in gold["school_outcomes_in_narrative"]:
        if fact["reported_in"] not in by_doc:
            doc = read_document(CORPUS / fact["reported_in"])
            by_doc[fact["reported_in"]] = parse_school_outcomes(doc.text, document=doc.name, pages=doc.pages)
        outcomes = by_doc[fact["reported_in"]]
        best = max(outcomes, key=lambda o: fuzz.token_set_ratio(fact["school"], o.school))
        assert fuzz.token_set_ratio(fact["school"], best.school) >= 85
        assert (best.grade, best.previous_grade) == (fact["grade"], fact["previous_grade"])
    doc = read_document(CORPUS / "sefton-cabinet-member-update-education-2022-06.txt")
    decisions = parse_prose_decisions(doc.text, document=doc.name, pages=doc.pages)
    for fact in gold["decisions"]:
        match = [d for d in decisions if fact["contains"] in d.text]
        assert match, fact
        assert match[0].decided_by == fact["decided_by"]
        assert match[0].date is not None and match[0].date.start == fact["date"]


def test_decision_with_date_effective_date_and_heading():
    text = "Sefton cabinet agreed on the 26th May 2022 to the closure of the school with effect from 31st August 2022."
    (d,) = parse_prose_decisions(text, document="u.txt", pages=NO_PAGES, heading="St Teresa's")
    assert (d.decided_by, d.date.start, d.effective.start, d.subject) == ("Cabinet", "2022-05-26", "2022-08-31", "St Teresa's")
    assert d.text == text


def test_approval_by_another_body():
    text = ("Sacred Heart Catholic College has been approved by the Regional Schools Commissioner for Lancashire "
            "and West Yorkshire to join Pope Francis Multi Academy Trust. The school should have converted.")
    (d,) = parse_prose_decisions(text, document="u.txt", pages=NO_PAGES, heading="Sacred Heart")
    assert d.decided_by == "Regional Schools Commissioner" and d.date is None
    assert d.text.startswith("Sacred Heart Catholic College") and d.text.endswith("Trust.")


def test_decision_bodies():
    assert decision_body("Sefton cabinet") == "Cabinet"
    assert decision_body("The Council") == "Council"
    assert decision_body("Planning Committee") == "Planning Committee"
    assert parse_prose_decisions("We continue to support the school.", document="d", pages=NO_PAGES) == []


def test_outcome_after_inspected_and_retained_shapes():
    text = ("Ashgrove Catholic Primary School was inspected in March 2024 and was judged to be Good. "
            "Meadow Lane Infant School retained its Outstanding judgement. The school was inspected in May.")
    found = [(o.school, o.grade, o.previous_grade)
             for o in parse_school_outcomes(text, document="d", pages=NO_PAGES)]
    assert found == [("Ashgrove Catholic Primary School", "Good", None),
                     ("Meadow Lane Infant School", "Outstanding", "Outstanding")]


DECISION_NOTICE = """Decision details

Library Opening Hours 2025/26

Decision Maker: Cabinet Member for Communities

Decision status: Recommendations Approved

Is Key decision?: No

Decision:

That the revised opening hours be approved.

Reasons for the decision:

To match opening hours to use.

Date of decision: 9 November 2023

Effective from: 18 November 2023
"""


def test_decision_notice_labels():
    from graph.extract.prose import parse_decision_notices

    (d,) = parse_decision_notices(DECISION_NOTICE, document="d", pages=NO_PAGES)
    assert (d.decided_by, d.date.start, d.effective.start, d.subject, d.text) == (
        "Cabinet Member for Communities", "2023-11-09", "2023-11-18", "Library Opening Hours 2025/26",
        "That the revised opening hours be approved.")
    assert parse_decision_notices("Decision Maker: Cabinet\n\nNo decision was recorded.\n", document="d",
                                  pages=NO_PAGES) == []
