"""Tests for text clean-up: characters, furniture, garbage lines and the page map."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from graph.clean import clean_text, fix_lookalikes, normalise_ordinals

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
AGENDA_PACK = CORPUS / "sefton-childrens-scrutiny-agenda-pack-2024-09-24.txt"


def test_lookalikes_inside_and_split_off_latin_words():
    assert fix_lookalikes("Assuranc\u0435") == "Assurance"
    assert fix_lookalikes("Quality Assuranc \u0435 and") == "Quality Assurance and"
    assert fix_lookalikes("Quality Assuranc\t\u0435") == "Quality Assurance"
    assert fix_lookalikes("P\u0430ge") == "Page"
    # a word wholly in another script is left alone
    assert fix_lookalikes("\u0417\u0438\u0440\u043f") == "\u0417\u0438\u0440\u043f"


def test_ordinals_and_superscripts():
    assert normalise_ordinals("30 th & 31 st January 2024") == "30th & 31st January 2024"
    assert normalise_ordinals("2 ^{nd} April") == "2nd April"
    assert normalise_ordinals("2 ^{n\u03b1} April") == "2nd April"
    assert normalise_ordinals("4 TH JUNE") == "4TH JUNE"
    assert normalise_ordinals("5 St John's Road") == "5 St John's Road"


def test_characters_quotes_and_bullets():
    c = clean_text("\ufeffSt Mary\u2019s \u201cgood\u201d\n\uf0b7 item\x00\r\n")
    assert c.text == "St Mary's \"good\"\n• item\n"


def test_page_footers_build_the_page_map():
    raw = "first page text\nPage 1\nsecond page\nPage 2\nthird page\n"
    c = clean_text(raw)
    assert "Page 1" not in c.text and "Page 2" not in c.text
    assert c.pages.page_at(c.text.index("first")) == 1
    assert c.pages.page_at(c.text.index("second")) == 2
    assert c.pages.page_at(c.text.index("third")) == 3


def test_pages_between_distant_footers_are_unknown():
    c = clean_text("intro\nPage 15\nafter fifteen\nmore\nPage 40\nafter forty\n")
    assert c.pages.page_at(c.text.index("intro")) is None
    assert c.pages.page_at(c.text.index("after fifteen")) is None  # 16..40: cannot tell
    assert c.pages.page_at(c.text.index("after forty")) == 41


def test_form_feeds_are_page_breaks():
    c = clean_text("one\n\fTwo\ttab\tcells\n\fthree")
    assert c.pages.page_at(c.text.index("one")) == 1
    assert c.pages.page_at(c.text.index("Two")) == 2
    assert c.pages.page_at(c.text.index("three")) == 3
    assert "Two\ttab\tcells" in c.text  # tabs kept


def test_inline_page_and_agenda_item_stamp_removed_and_recorded():
    raw = "a report on the guidance Page 89 Agenda Item 8 produced by the Ministry\n"
    c = clean_text(raw)
    assert c.text == "a report on the guidance produced by the Ministry\n"
    assert c.agenda_item_starts() == [("8", c.text.index("produced"))]
    assert c.pages.page_at(c.text.index("produced")) == 90


def test_furniture_lines_removed():
    raw = ("Public Document Pack\nTitle\nPublic Document Pack Agenda Item 3\nminutes\n"
           "This page is intentionally left blank\nAgenda Item 7\nreport\n")
    c = clean_text(raw)
    assert c.text.split() == ["Title", "minutes", "report"]
    assert [n for n, _ in c.agenda_item_starts()] == ["3", "7"]
    assert c.text[c.agenda_item_starts()[1][1]:].startswith("report")


def test_running_headers_and_rotated_garbage():
    header = "PLANNING COMMITTEE - TUESDAY 4TH JUNE, 2024"
    raw = "\n".join([header, "RESOLVED:", "x", header, "RESOLVED:", "y", header, "RESOLVED:",
                     "\\triangleright", "\u00d3", "<u>en</u>", "a", "lte", "Row\tA\tB", "\u0398"])
    c = clean_text(raw)
    assert header not in c.text
    assert c.text.count("RESOLVED:") == 3  # repeated content is not a header
    for junk in ("triangleright", "\u00d3", "<u>", "lte", "\u0398"):
        assert junk not in c.text
    assert "Row\tA\tB" in c.text


def test_agenda_pack_cleans_up():
    c = clean_text(AGENDA_PACK.read_text(encoding="utf-8"))
    assert "Quality Assurance" in c.text
    assert "This page is intentionally left blank" not in c.text
    assert "30th & 31st January 2024" in c.text
    assert "\\triangleright" not in c.text
    assert "Name of School\tInspection Date\tLead Inspector's Name" in c.text
    assert "guidance produced by the Ministry" in c.text
    assert "Page 89" not in c.text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_clean_text_never_raises_and_maps_offsets(raw):
    c = clean_text(raw)
    assert "\x00" not in c.text
    for offset in range(0, len(c.text), 17):
        page = c.pages.page_at(offset)
        assert page is None or page >= 1
    for marker in c.markers:
        assert 0 <= marker.offset <= len(c.text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghij KLMNOP\t", min_size=5, max_size=40), min_size=1, max_size=6))
def test_clean_text_is_idempotent_on_plain_text(lines):
    once = clean_text("\n".join(lines)).text
    assert clean_text(once).text == once
