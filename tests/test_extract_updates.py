"""Cabinet member updates: the corpus update and a small invented one."""
from __future__ import annotations

import json
from pathlib import Path

from graph.clean import clean_text
from graph.extract.updates import is_heading_line, parse_cabinet_member_update
from graph.read import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_gold_cabinet_member_reports():
    gold = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))["cabinet_member_reports"]
    for fact in gold:
        doc = read_document(CORPUS / fact["document"])
        update, warnings = parse_cabinet_member_update(doc.text, document=doc.name, pages=doc.pages)
        assert update is not None and warnings == []
        assert update.councillor.full == fact["councillor"] and update.councillor.is_councillor
        assert update.portfolio == fact["portfolio"]
        assert update.period.text == fact["period"] and update.period.precision == "month"


def test_corpus_update_committee_and_sections():
    doc = read_document(CORPUS / "sefton-cabinet-member-update-education-2022-06.txt")
    update, _ = parse_cabinet_member_update(doc.text, document=doc.name, pages=doc.pages)
    assert update.committee == "Overview and Scrutiny (Children's Services and Safeguarding)"
    titles = [s.title for s in update.sections]
    # headings as printed, in order (read from the document)
    assert titles[:4] == ["Education Excellence", "Schools", "St Teresa's", "Sacred Heart"]
    teresa = update.sections[2]
    assert teresa.text.startswith("Sefton cabinet agreed on the 26th May 2022")
    assert doc.text[teresa.source.start:].startswith("St Teresa's")
    # bullet lines stay inside their section, never become headings
    assert not any(t.startswith("-") for t in titles)


def test_invented_update_with_pages():
    raw = ("CABINET MEMBER UPDATE\n\nPlanning Committee\n7 November 2023\n\n"
           "Councillor\tPortfolio\tPeriod of Report\nCllr Jane Example\tHousing\tOctober 2023\n\n"
           "Homelessness\n\nDemand rose again this month.\nPage 1\nRepairs\n\nBacklog down by a third.\n")
    cleaned = clean_text(raw)
    update, warnings = parse_cabinet_member_update(cleaned.text, document="u.txt", pages=cleaned.pages)
    assert warnings == []
    assert (update.councillor.full, update.councillor.honorifics) == ("Jane Example", ("Cllr",))
    assert (update.portfolio, update.period.start, update.committee) == ("Housing", "2023-10", "Planning Committee")
    assert [(s.title, s.text, s.source.page) for s in update.sections] == [
        ("Homelessness", "Demand rose again this month.", 1), ("Repairs", "Backlog down by a third.", 2)]


def test_not_an_update():
    assert parse_cabinet_member_update("Minutes of the meeting\n\nRESOLVED: noted.\n", document="d", pages=clean_text("x").pages) == (None, [])


def test_heading_lines():
    assert is_heading_line("Update on CME and EHE")
    assert not is_heading_line("- Expectations of schools")
    assert not is_heading_line("The CNIS measures seek to:")
    assert not is_heading_line("Councillor\tPortfolio")
    assert not is_heading_line("The levels of persistent absence have increased across all schools.")
