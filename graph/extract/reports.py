"""Officer reports: the cover table, summary, recommendations, contact officers, appendices, sections."""
from __future__ import annotations

import re

from graph.records import ContactOfficer, ExtractionWarning, PersonName, Report, ReportSection
from graph.extract.segments import PageLookup, one_line, iter_lines, provenance, unreadable
from graph.values import parse_date, parse_person

# cover-table labels -> Report field
COVER_LABELS = {
    "report title": "title", "date of meeting": "meeting_date", "report to": "report_to",
    "report of": "report_of", "portfolio": "portfolio", "wards affected": "wards",
    "is this a key decision": "key_decision", "key decision": "key_decision",
    "included in forward plan": "forward_plan", "exempt/confidential report": "exempt",
    "exempt / confidential report": "exempt", "confidential/exempt report": "exempt",
    # other councils' templates
    "title of report": "title", "subject": "title", "report subject": "title", "title": "title",
    "date": "meeting_date", "meeting date": "meeting_date", "meeting": "report_to", "to": "report_to",
    "report by": "report_of", "from": "report_of", "lead officer": "report_of", "responsible officer": "report_of",
    "cabinet member": "portfolio", "portfolio holder": "portfolio", "lead member": "portfolio",
    "ward(s) affected": "wards", "wards": "wards", "ward": "wards", "key decision?": "key_decision",
    "is this a key decision?": "key_decision", "exempt": "exempt", "confidential": "exempt",
    "exempt information": "exempt", "part exempt": "exempt",
}
# `Report to: Cabinet` in one cell (no tab between the label and its value)
_INLINE_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z/() ?]{1,38}?)\s*:\s*(?P<value>\S.*)$")
_LABEL_CELL = re.compile(r"^\s*([A-Za-z/ ]{4,40}?)\s*:\s*$")
_SUMMARY = re.compile(r"^[ \t]*Summary[ \t]*:?[ \t]*$", re.M | re.I)
_RECOMMENDATIONS = re.compile(r"^[ \t]*Recommendations?(?:\(s\))?[ \t]*:?[ \t]*$", re.M | re.I)
_AFTER_RECS = re.compile(r"^[ \t]*(?:Reasons? for the Recommendations?(?:\(s\))?|1\.?[ \t]+[A-Z])", re.M | re.I)
_CONTACT = re.compile(r"^[ \t]*Contact Officers?\s*:\s*(.+)$", re.M | re.I)
_APPENDICES = re.compile(r"^[ \t]*Appendices\s*:?[ \t]*$", re.M | re.I)
_BACKGROUND = re.compile(r"^[ \t]*Background Papers\s*:?", re.M | re.I)
_SECTION = re.compile(r"^[ \t]*(\d{1,2})\.?[ \t]+([A-Z][^\n]{2,90}?)[ \t]*$", re.M)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"^[ \t]*Tel(?:ephone)?(?: Number)?\s*:\s*(.+)$", re.M | re.I)




def join_cells(cells: list[str]) -> str:
    """Join the cells of a value cut across columns: a cell starting lower-case continues the word."""
    out = ""
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        if out and (cell[0].islower() and len(cell) <= 3 or cell[0].islower() and out[-1].isalpha() and len(out.split()[-1]) <= 2):
            out += cell
        elif out and cell[0].islower() and not out.endswith(" "):
            out += cell if len(out.split()[-1]) <= 3 else " " + cell
        else:
            out = f"{out} {cell}" if out else cell
    return out


def parse_yes_no(cells: list[str]) -> bool | None:
    """Yes/No from a cover-table cell, reading damaged cells (`I INO`) by their last word's ending."""
    for cell in cells:
        words = re.findall(r"[A-Za-z]+", cell)
        for w in words:
            if w.lower() in ("yes", "y"):
                return True
            if w.lower() in ("no", "n"):
                return False
    for cell in cells:
        words = re.findall(r"[A-Za-z]+", cell)
        if words:
            last = words[-1].lower()
            if last.endswith("yes"):
                return True
            if last.endswith("no"):
                return False
    return None


def parse_cover(text: str) -> tuple[dict[str, object], int]:
    """Cover-table fields and the local offset where the table ends.

    A field whose cell cannot be read is present with the value None (`meeting_date`, the yes/no fields).
    """
    fields: dict[str, object] = {}
    current: str | None = None
    title_cells: list[str] = []
    end = 0
    for ln in iter_lines(text):
        if _SUMMARY.match(ln.text) or _RECOMMENDATIONS.match(ln.text):
            break
        cells = ln.text.split("\t")
        if not cells[0].strip().endswith(":"):
            im = _INLINE_LABEL.match(cells[0])
            if im and im.group("label").strip().lower() in COVER_LABELS:
                cells = [im.group("label") + ":", im.group("value"), *cells[1:]]
        label = COVER_LABELS.get(cells[0].strip().rstrip(":").strip().lower()) if cells[0].strip().endswith(":") else None
        if label is None and current == "title" and ln.stripped:
            title_cells.extend(cells)
            end = ln.end
            continue
        if label is None:
            if ln.stripped and fields:
                break
            continue
        end = ln.end
        current = label
        # a row may hold a second label (`Is this a key decision: No  Included in Forward Plan: No`)
        groups: list[tuple[str, list[str]]] = [(label, [])]
        for cell in cells[1:]:
            other = COVER_LABELS.get(cell.strip().rstrip(":").strip().lower()) if cell.strip().endswith(":") else None
            if other:
                groups.append((other, []))
            else:
                groups[-1][1].append(cell)
        for name, vals in groups:
            vals = [v for v in vals if v.strip()]
            if name == "title":
                title_cells = vals
            elif name in ("key_decision", "forward_plan", "exempt"):
                fields[name] = parse_yes_no(vals)
            elif name == "meeting_date":
                fields[name] = parse_date(vals[0]) if vals else None
            elif vals:
                fields[name] = join_cells(vals[:1] + [v for v in vals[1:2] if v.strip()[:1].islower()])
    if title_cells:
        fields["title"] = join_cells(title_cells)
    return fields, end


def split_officer_names(text: str) -> list[str]:
    """`A Person/B Person` or `A Person and B Person` -> names."""
    return [n.strip() for n in re.split(r"\s*/\s*|\s+and\s+|\s*&\s*|\t+", text) if n.strip()]


def match_email(person: PersonName, emails: list[str]) -> str | None:
    """The e-mail whose local part carries the person's given or family name."""
    keys = [k.lower() for k in (person.family, person.given) if k]
    for email in emails:
        local = email.split("@")[0].lower()
        if keys and keys[0] in local:
            return email
    for email in emails:
        local = email.split("@")[0].lower()
        if any(k in local for k in keys):
            return email
    return None


def parse_contacts(text: str, *, document: str, pages: PageLookup | None,
                   offset: int = 0) -> tuple[list[ContactOfficer], list[ExtractionWarning]]:
    """`Contact Officer: A/B`, `Telephone Number:`, `Email Address:` with more e-mails on following lines.

    A contact name that cannot be read is left out with a warning.
    """
    m = _CONTACT.search(text)
    if not m:
        return [], []
    names = split_officer_names(m.group(1))
    tail = text[m.end():m.end() + 600]
    block = re.split(r"\n[ \t]*\n", tail, maxsplit=1)[0]
    pm = _PHONE.search(block)
    phone = one_line(pm.group(1)) if pm else None
    emails = _EMAIL.findall(block)
    out = []
    warnings = []
    for i, name in enumerate(names):
        person = parse_person(name)
        if person is None:
            warnings.append(unreadable(document, pages, offset + m.start(), "contact officer's name", name))
            continue
        email = match_email(person, emails) or (emails[i] if len(emails) == len(names) else None)
        out.append(ContactOfficer(person, phone, email))
    return out, warnings


def parse_recommendations(text: str) -> list[str]:
    """Numbered recommendations kept as printed (`(1) That ...`); one item when undivided."""
    text = re.sub(r"(?m)^[ \t]*[-•][ \t]+", "", text)
    marks = list(re.finditer(r"(?:^|(?<=\s))\((\d{1,2}|[a-z])\)\s+", text, re.M))
    if not marks:
        flat = one_line(text)
        return [flat] if flat else []
    lead = one_line(text[:marks[0].start()])
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = one_line(text[m.end():end])
        out.append(f"({m.group(1)}) {body}")
    if lead and lead.lower() != "that" and not out:
        out.insert(0, lead)
    return out


def parse_sections(text: str, *, document: str, pages: PageLookup | None, offset: int) -> list[ReportSection]:
    """Numbered top-level sections (`1. Introduction/Background`) with their text, in order."""
    heads = []
    expected = 1
    for m in _SECTION.finditer(text):
        n = int(m.group(1))
        title = m.group(2).strip().rstrip(":")
        if n != expected or title.endswith(".") or len(title.split()) > 14:
            continue
        heads.append(m)
        expected += 1
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = one_line(text[m.end():end])
        out.append(ReportSection(f"{m.group(1)}. {m.group(2).strip().rstrip(':')}", body,
                                 provenance(document, pages, offset + m.start(), offset + end)))
    return out


def parse_report(text: str, *, document: str, pages: PageLookup | None,
                 offset: int = 0) -> tuple[Report | None, list[ExtractionWarning]]:
    """A report from its text (cover table first); None with a warning when there is no title."""
    warnings: list[ExtractionWarning] = []
    fields, cover_end = parse_cover(text)
    title = fields.get("title")
    if not title:
        warnings.append(ExtractionWarning(document, provenance(document, pages, offset, offset).page,
                                          "report cover table without a readable title", text[:200], offset=offset))
        return None, warnings
    report = Report(title=one_line(str(title)), source=provenance(document, pages, offset, offset + len(text)))
    for name in ("meeting_date", "report_to", "report_of", "portfolio", "wards", "key_decision", "forward_plan", "exempt"):
        if name in fields:
            setattr(report, name, fields[name])
    for name in ("key_decision", "forward_plan", "exempt"):
        if name in fields and fields[name] is None:
            warnings.append(ExtractionWarning(document, report.source.page, f"unreadable yes/no cell for {name}",
                                              offset=report.source.start))
    if "meeting_date" in fields and fields["meeting_date"] is None:
        warnings.append(ExtractionWarning(document, report.source.page, "unreadable date cell for meeting_date",
                                          offset=report.source.start))
    sm = _SUMMARY.search(text, cover_end)
    rm = _RECOMMENDATIONS.search(text, cover_end)
    if sm:
        stop = rm.start() if rm and rm.start() > sm.end() else sm.end() + 3000
        report.summary = one_line(text[sm.end():stop]) or None
    body_start = cover_end
    if rm:
        after = _AFTER_RECS.search(text, rm.end())
        stop = after.start() if after else min(len(text), rm.end() + 3000)
        report.recommendations = parse_recommendations(text[rm.end():stop])
        body_start = stop
    report.contact_officers, contact_warnings = parse_contacts(text, document=document, pages=pages, offset=offset)
    warnings.extend(contact_warnings)
    am = _APPENDICES.search(text)
    if am:
        bm = _BACKGROUND.search(text, am.end())
        block = text[am.end():bm.start() if bm else len(text)]
        for line in block.split("\n"):
            line = re.sub(r"^[ \t]*[-•–]\s*", "", line).strip()
            if line and not re.match(r"The following appendi", line, re.I):
                report.appendices.append(line)
    contact = _CONTACT.search(text)
    sections_end = contact.start() if contact else len(text)
    report.sections = parse_sections(text[body_start:sections_end], document=document, pages=pages,
                                     offset=offset + body_start)
    return report, warnings
