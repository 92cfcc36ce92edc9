"""Reading documents from disk: text/Markdown and PDF -> SourceDocument (cleaned text + page map).

Bad input raises :class:`DocumentError` with a reason a user can act on; nothing is
silently read as empty.
"""
from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from graph.clean import PageMap, clean_text, Marker

TEXT_SUFFIXES = {".txt": "text/plain", ".md": "text/markdown"}
PDF_SUFFIX = ".pdf"


class DocumentError(Exception):
    """A document that cannot be read; ``str(e)`` is ``"<file name>: <reason>"``."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


@dataclass
class SourceDocument:
    """A document as read: raw and cleaned text, page map, checksum of the raw bytes."""

    name: str
    path: Path
    checksum: str
    raw_text: str
    text: str
    pages: PageMap
    page_count: int | None
    media_type: str
    markers: tuple[Marker, ...] = ()  # page furniture taken out by the clean-up, with offsets
    exact_pages: bool = False  # True when pages are real (PDF), not inferred from printed furniture


def decode_text(data: bytes) -> str:
    """Bytes of a text file to str: UTF-8 (BOM ok), UTF-16 with a BOM, else cp1252, else Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte is valid Latin-1


def read_document(path: Path) -> SourceDocument:
    """Read a .txt, .md or .pdf file; raise DocumentError for missing, empty, unsupported or broken files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix != PDF_SUFFIX:
        raise DocumentError(path, f"unsupported file type {suffix or '(none)'!r}; expected .txt, .md or .pdf")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(path, f"cannot read file: {e.strerror or e}") from e
    checksum = hashlib.sha256(data).hexdigest()
    if suffix == PDF_SUFFIX:
        raw, page_count = pdf_to_text(path, data)
        media_type = "application/pdf"
    else:
        raw = decode_text(data).replace("\x00", "")
        page_count = None
        media_type = TEXT_SUFFIXES[suffix]
    if not raw.strip():
        raise DocumentError(path, "empty document")
    cleaned = clean_text(raw)
    if not cleaned.text.strip():
        raise DocumentError(path, "empty document (only page furniture)")
    if page_count is None and cleaned.pages.breaks:
        page_count = max(p for _, p in cleaned.pages.breaks) if "\f" in raw else None
    return SourceDocument(path.name, path, checksum, raw, cleaned.text, cleaned.pages, page_count, media_type,
                          cleaned.markers, exact_pages="\f" in raw)


def pdf_to_text(path: Path, data: bytes) -> tuple[str, int]:
    """Text of a PDF page by page (tables as tab-separated rows), pages joined by form feeds."""
    import io

    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page_text(page) for page in pdf.pages]
    except (PdfminerException, PDFSyntaxError) as e:
        raise DocumentError(path, f"not a readable PDF: {e}") from e
    except (ValueError, KeyError, TypeError, AssertionError) as e:
        # pdfminer raises these on truncated or corrupt object streams
        raise DocumentError(path, f"not a readable PDF: {type(e).__name__}: {e}") from e
    if not pages:
        raise DocumentError(path, "not a readable PDF: no pages")
    if not any(p.strip() for p in pages):
        raise DocumentError(path, "no text layer (scanned PDF?)")
    return "\f".join(pages), len(pages)


def _cell_text(cell: str | None) -> str:
    return " ".join((cell or "").split())


def page_text(page) -> str:
    """One PDF page: text lines outside tables plus each table as tab-separated rows, in reading order."""
    tables = page.find_tables()
    blocks: list[tuple[float, str]] = []
    boxes = []
    for table in tables:
        rows = table.extract()
        text = "\n".join("\t".join(_cell_text(c) for c in row) for row in rows if any(c for c in row))
        if text:
            blocks.append((table.bbox[1], text))
            boxes.append(table.bbox)

    def outside_tables(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    free = page.filter(outside_tables) if boxes else page
    for line in free.extract_text_lines():
        blocks.append((line["top"], line["text"]))
    blocks.sort(key=lambda b: b[0])
    return "\n".join(text for _, text in blocks)
