"""The orchestrator: segments by shape, document info, passages for unclaimed text, never raises."""
from pathlib import Path

from hypothesis import given, settings, strategies as st

from graph.clean import clean_text
from graph.extract import extract_document
from graph.extract.council import council_name
from graph.extract.segments import split_segments

CORPUS = Path("/work/shared/corpus")


class Doc:
    """A document as graph.read gives it, built from text through the real clean-up."""

    def __init__(self, name: str, raw: str):
        cleaned = clean_text(raw)
        self.name, self.checksum, self.raw_text = name, "0" * 64, raw
        self.text, self.pages, self.page_count, self.path, self.media_type = cleaned.text, cleaned.pages, None, None, "text/plain"


def test_council_from_email_domain_or_phrase():
    assert council_name("E-mail: a.b@sefton.gov.uk and c.d@sefton.gov.uk") == "Sefton Council"
    assert council_name("A report to Wirral Borough Council on the budget.") == "Wirral Borough Council"
    assert council_name("no council here") is None


def test_segments_cover_report_and_appendix():
    text = ("Report Title:\tA Report\nSummary:\n\nText.\n\nBackground Papers:\n\nNone\n\n"
            "Scorecard\n\nNo\tIndicator\tValue\n")
    kinds = [s.kind for s in split_segments(text)]
    assert kinds == ["report", "appendix"]


def test_minutes_document_records_and_passages():
    raw = ("PLANNING COMMITTEE\n\nMEETING HELD AT THE TOWN HALL, SOUTHPORT ON WEDNESDAY 2ND OCTOBER, 2024\n\n"
           "PRESENT: Councillor Smith (in the Chair)\n\n"
           "1. APOLOGIES FOR ABSENCE\n\nNo apologies for absence were received.\n\n"
           "2. LOCAL PLAN\n\nThe Committee discussed the plan at length.\n\nRESOLVED: That the plan be noted.\n\n"
           "Contact: a.person@example.gov.uk\n")
    ex = extract_document(Doc("m.txt", raw))
    assert ex.document.kind == "minutes" and ex.document.council == "Example Council"
    assert ex.meetings[0].committee == "Planning Committee" and ex.meetings[0].venue == "Town Hall, Southport"
    assert [r.item_title for r in ex.resolutions] == ["Local Plan"]
    assert any("No apologies" in p.text for p in ex.passages)
    assert all(r.source.document == "m.txt" for r in ex.resolutions)


def test_corpus_pack_links_reports_and_keeps_scorecard_searchable():
    name = "sefton-childrens-scrutiny-agenda-pack-2024-09-24.txt"
    ex = extract_document(Doc(name, (CORPUS / name).read_text(encoding="utf-8")))
    assert ex.document.kind == "agenda_pack" and ex.document.council == "Sefton Council"
    assert all(r.meeting is not None and r.agenda_item for r in ex.reports)
    assert any(p.kind == "table" and "Scorecard" in p.title for p in ex.passages)
    assert any(w.page is not None for w in ex.warnings)  # the flattened work programme row


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_never_raises_on_arbitrary_text(text):
    ex = extract_document(Doc("x.txt", text))
    assert ex.document.name == "x.txt"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "Report Title:\t", "RESOLVED:", "PRESENT: Councillor", "DATE: Tuesday 4th June, 2024", "MEETING HELD AT",
    "1. APOLOGIES", "(1)", "Contact Officer:\tA/B", "No.\tReport/Item\tAuthor", "\t", "\n", "Councillors A, B and C",
    "Apologies for absence were received from", "ALSO PRESENT:", "Appendices:", "Background Papers:",
    "COMMITTEE OFFICER:", "Member Substitute", "(Vice-", "Tuesday, 4 June 2024, 6.30 p.m., Town Hall",
]), max_size=40))
def test_never_raises_on_council_shaped_noise(pieces):
    ex = extract_document(Doc("y.txt", " ".join(pieces)))
    assert isinstance(ex.counts(), dict)
