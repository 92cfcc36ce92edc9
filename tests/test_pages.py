"""Page numbers for text without page breaks, inferred from the agenda's page ranges and page furniture."""
from pathlib import Path

from graph.clean import Marker, clean_text, infer_page_map
from graph.extract import extract_document
from graph.read import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_running_headers_and_blank_pages_become_page_markers():
    header = "PLANNING COMMITTEE - TUESDAY 5TH MARCH, 2024"
    raw = "\n".join([
        "Minutes start", header, "second page", header, "third page", header, "fourth page",
        "This page is intentionally left blank", "Report Title:\tNext report",
    ])
    cleaned = clean_text(raw)
    kinds = [m.kind for m in cleaned.markers]
    assert kinds == ["page_top", "page_top", "page_top", "blank_page"]
    assert header not in cleaned.text


def test_anchor_then_page_tops_count_pages():
    markers = (Marker("page_top", "", 100), Marker("page_top", "", 200), Marker("blank_page", "", 300))
    pages = infer_page_map(markers, [(50, 5, 9), (400, 10, 20)])
    assert [pages.page_at(o) for o in (0, 60, 150, 250, 350, 450)] == [1, 5, 6, 7, 9, 10]


def test_footer_outside_the_items_range_is_an_embedded_documents_number():
    markers = (Marker("page", "89", 100), Marker("page", "11", 200))
    pages = infer_page_map(markers, [(0, 10, 14)])
    assert pages.page_at(150) == 10  # "Page 89" ignored
    assert pages.page_at(250) == 12  # "Page 11" ends page 11


def test_furniture_at_an_anchor_belongs_to_the_page_before():
    pages = infer_page_map((Marker("blank_page", "", 102),), [(100, 13, 28)])
    assert pages.page_at(150) == 13


def test_corpus_records_fall_in_their_agenda_items_printed_pages():
    doc = read_document(CORPUS / "sefton-childrens-scrutiny-agenda-pack-2024-09-24.txt")
    ex = extract_document(doc)
    ranges = {a.number: a.pages for a in ex.agenda_items if a.pages}
    assert ranges
    for report in ex.reports:
        first, last = ranges[report.agenda_item]
        assert report.source.page == first
        for section in report.sections:
            assert first <= section.source.page <= last, (report.title, section.title, section.source.page)
    minutes = {r.meeting for r in ex.resolutions}
    assert len(minutes) == 1
    # the minutes are the papers of the item whose stamp opens them
    stamp = next(m for m in doc.markers if m.kind == "agenda_item")
    first, last = ranges[stamp.value]
    assert all(first <= r.source.page <= last for r in ex.resolutions)
    assert all(first <= a.source.page <= last for a in ex.attendance)
    assert all(m.source.page == 1 for m in ex.memberships)  # the front sheet


def test_re_paging_finds_what_a_second_pass_with_the_inferred_pages_finds():
    # extract_document re-stamps the first pass instead of reading again: parsers must never
    # decide anything from a page number, or the two would differ
    from graph.extract import _extract_with, _inferred_page_map

    doc = read_document(CORPUS / "sefton-childrens-scrutiny-agenda-pack-2024-09-24.txt")
    first = _extract_with(doc, doc.pages)
    inferred = _inferred_page_map(doc, first)
    assert inferred is not None
    second = _extract_with(doc, inferred)
    re_paged = extract_document(doc)
    assert re_paged == second
    assert re_paged != first  # the inferred pages differ from the printed furniture's
    assert re_paged.warnings and all(w.page == inferred.page_at(w.offset) for w in re_paged.warnings)
