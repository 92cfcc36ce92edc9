"""Reading files: encodings, bad input, and the PDF route giving the same records as the text route."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from graph.clean import clean_text
from graph.extract.inspections import parse_inspection_tables
from graph.read import DocumentError, read_document
from tests.pdf_fixtures import build_report_pdf, build_scanned_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_reads_corpus_text_with_checksum():
    path = CORPUS / "sefton-cabinet-member-update-education-2022-06.txt"
    doc = read_document(path)
    assert doc.name == path.name and doc.media_type == "text/plain"
    assert doc.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "Diane Roscoe\tEducation\tJune 2022" in doc.text


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1252", b"")])
def test_text_encodings(tmp_path, encoding, prefix):
    text = "St Mary\u2019s Catholic Primary School \u2013 Good\n"
    path = tmp_path / "doc.txt"
    path.write_bytes(prefix + text.encode(encoding))
    assert read_document(path).text == "St Mary's Catholic Primary School \u2013 Good\n"


def test_nul_bytes_are_stripped(tmp_path):
    path = tmp_path / "doc.md"
    path.write_bytes(b"Minutes\x00 of the meeting\n")
    doc = read_document(path)
    assert doc.text == "Minutes of the meeting\n" and doc.media_type == "text/markdown"


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"Page 3\nThis page is intentionally left blank\n"])
def test_empty_documents(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as e:
        read_document(path)
    assert str(e.value).startswith("empty.txt: empty document")


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(DocumentError, match=r"^nothing\.txt: cannot read file: No such file"):
        read_document(tmp_path / "nothing.txt")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    with pytest.raises(DocumentError, match=r"^notes\.docx: unsupported file type"):
        read_document(tmp_path / "notes.docx")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("text")
    path.chmod(0)
    with pytest.raises(DocumentError, match=r"^locked\.txt: cannot read file: Permission denied"):
        read_document(path)


def test_broken_pdfs(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(os.urandom(2048))
    with pytest.raises(DocumentError, match=r"^junk\.pdf: not a readable PDF"):
        read_document(junk)
    good = tmp_path / "good.pdf"
    build_report_pdf(good)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(DocumentError, match=r"^truncated\.pdf: not a readable PDF"):
        read_document(truncated)


def test_scanned_pdf_has_no_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    build_scanned_pdf(path)
    with pytest.raises(DocumentError, match=r"^scan\.pdf: no text layer"):
        read_document(path)


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    text = build_report_pdf(path)
    return read_document(path), text


def test_pdf_pages_and_tables(report_pdf):
    doc, _ = report_pdf
    assert doc.media_type == "application/pdf" and doc.page_count >= 2
    assert "Report Title:\tSchool Place Planning" in doc.text  # cover table as tab-separated cells
    assert "Summary: this report sets out recent inspection outcomes." in doc.text
    assert doc.pages.page_at(0) == 1
    assert doc.pages.page_at(len(doc.text) - 2) == doc.page_count


def test_pdf_route_gives_the_same_inspections_as_text_route(report_pdf):
    doc, text = report_pdf
    from_pdf, pdf_warnings = parse_inspection_tables(doc.text, document=doc.name, pages=doc.pages)
    cleaned = clean_text(text)
    from_text, text_warnings = parse_inspection_tables(cleaned.text, document=doc.name, pages=cleaned.pages)
    assert pdf_warnings == text_warnings == []
    assert len(from_pdf) == len(from_text) > 30

    def facts(i):
        return (i.school, i.start, i.inspector, i.grade, i.previous_date, i.previous_grade, i.previous_type,
                i.report_reference, i.inspection_type)

    assert [facts(i) for i in from_pdf] == [facts(i) for i in from_text]
    # the table ran over a page break: rows on both pages, with real page numbers
    assert {i.source.page for i in from_pdf} == set(range(1, doc.page_count + 1))
