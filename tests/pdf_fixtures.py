"""PDFs the tests build themselves with reportlab: a report cover table and an Ofsted table over a page break.

Each builder also returns the equivalent tab-separated text, so tests can check the
PDF route and the text route give the same records.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

COVER_ROWS = [
    ["Report Title:", "School Place Planning"],
    ["Date of meeting:", "7 November 2023"],
    ["Report to:", "Planning Committee"],
    ["Report of:", "Head of Education"],
    ["Is this a key decision:", "No"],
]
OFSTED_HEADER = ["Name of School", "Inspection Date", "Lead Inspector", "Latest Grade", "Previous Inspection"]


def ofsted_rows(n: int = 40) -> list[list[str]]:
    """Invented inspection rows (enough to run over a page break)."""
    grades = ["Good", "Outstanding", "Requires Improvement", "Inadequate"]
    inspectors = ["Alex Example", "Sam Sample", "Jo Placeholder", "Chris Madeup", "Lee Invented"]
    rows = []
    for i in range(n):
        day = 1 + i % 27
        rows.append([
            f"School Number {i + 1} Primary School",
            f"{day} & {day + 1} March 2024",
            inspectors[i % 5] + (" HMI" if i % 7 == 0 else ""),
            f"{grades[i % 4]} 5024{i:04d} (ofsted.gov.uk)",
            f"Short inspection {day} May 2019 {grades[(i + 1) % 4]}",
        ])
    return rows


def _styled_table(rows: list[list[str]], repeat_rows: int = 0) -> Table:
    table = Table(rows, repeatRows=repeat_rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTSIZE", (0, 0), (-1, -1), 7)]))
    return table


def build_report_pdf(path: Path, n_rows: int = 40) -> str:
    """Write a two-plus-page report PDF to ``path``; return the equivalent text."""
    styles = getSampleStyleSheet()
    rows = ofsted_rows(n_rows)
    story = [
        _styled_table(COVER_ROWS),
        Spacer(1, 12),
        Paragraph("Summary: this report sets out recent inspection outcomes.", styles["Normal"]),
        Spacer(1, 12),
        _styled_table([OFSTED_HEADER] + rows, repeat_rows=1),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    lines = ["\t".join(r) for r in COVER_ROWS]
    lines += ["", "Summary: this report sets out recent inspection outcomes.", ""]
    lines += ["\t".join(OFSTED_HEADER)] + ["\t".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def build_scanned_pdf(path: Path) -> None:
    """A PDF with a page but no text layer (as a scanner produces)."""
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
