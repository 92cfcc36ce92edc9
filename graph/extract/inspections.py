"""Ofsted outcome tables -> Inspection records.

Tables are found by their header row (tab-separated cells such as ``Name of School``,
``Inspection Date``, ``Lead Inspector``, ``Grade``/``Outcome``, ``Previous ...``) and
columns are mapped by header words, not position, since councils order them
differently. Rows broken across lines and pages are merged cell by cell: header rows
repeat after each break, continuation rows start with an empty first cell, and a row
whose date has no year yet is completed by the next row.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from graph.clean import PageMap
from graph.records import DateValue, ExtractionWarning, Inspection, Provenance
from graph.values import find_grades, parse_date, parse_person

# Column roles and the header words that name them (checked in this order).
_ROLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("previous", re.compile(r"\bprevious|\blast inspection|\bprior\b", re.I)),
    ("inspector", re.compile(r"\binspector|\bHMI\b", re.I)),
    ("development", re.compile(r"\bdevelopment|\bareas? for improvement|\bimprove|\bnext steps|\bpriorit", re.I)),
    ("support", re.compile(r"\bsupport|\brelationship", re.I)),
    ("urn", re.compile(r"^\s*URN\s*$", re.I)),
    ("type", re.compile(r"\btype\b|\bcategory\b", re.I)),
    ("grade", re.compile(r"\bgrade|\boutcome|\bjudg(e)?ment|\brating\b|\beffectiveness\b|\bresult\b", re.I)),
    ("date", re.compile(r"\bdate", re.I)),
    ("school", re.compile(r"\bschool|\bestablishment|\bsetting\b|\bprovider\b|\bacademy\b", re.I)),
)
_HEADER_WORDS = re.compile(
    r"\b(school|date|name|grade|ofsted|inspector'?s?|lead|latest|previous|outcome|areas?|development|support|"
    r"relationship|and|of|la|inspection|judgement|urn|type)\b", re.I)
_INSPECTION_TYPES = (
    (re.compile(r"monitoring\s+visit", re.I), "Monitoring visit"),
    (re.compile(r"short\s+inspection", re.I), "Short inspection"),
    (re.compile(r"ungraded\s+inspection", re.I), "Ungraded inspection"),
    (re.compile(r"section\s+8", re.I), "Section 8 inspection"),
    (re.compile(r"section\s+5|full\s+inspection|full\s+section", re.I), "Full inspection"),
)
_URN = re.compile(r"(?<!\d)\d{6}(?!\d)")  # Ofsted unique reference numbers have six digits
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_BULLET = re.compile(r"\s*[•▪◦‣]\s*")


def column_roles(header_cells: list[str]) -> list[str | None]:
    """The role of each column (school, date, inspector, grade, previous, ...) from its header words."""
    roles: list[str | None] = []
    for cell in header_cells:
        role = next((r for r, rx in _ROLE_RULES if rx.search(cell)), None)
        if role is not None and role in roles and role not in ("development", "support"):
            role = None  # the first column of a role wins
        roles.append(role)
    return roles


_DATE_RULE = dict(_ROLE_RULES)["date"]


def is_header_row(cells: list[str]) -> bool:
    """A row whose cells name a school column, a date column and a grade or inspector column."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 3 or any(len(c.split()) > 8 for c in filled):
        return False
    if not any(_DATE_RULE.search(c) for c in filled):
        return False  # no cell can be the date column: most table rows, decided without every role rule
    roles = set(column_roles(cells))
    return "school" in roles and "date" in roles and bool(roles & {"grade", "inspector"})


def _is_header_continuation(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if not filled or any(len(c.split()) > 3 for c in filled):
        return False
    if any(parse_date(c) for c in filled) or any(find_grades(c) for c in filled):
        return False
    return sum(1 for c in filled if _HEADER_WORDS.search(c)) >= 2


@dataclass
class _Row:
    cells: list[str]
    start: int
    end: int
    lines: list[str] = field(default_factory=list)


def _join_cell(a: str, b: str) -> str:
    a, b = a.strip(), b.strip()
    if not a or not b:
        return a or b
    if a.endswith("-") and b[:1].islower():
        return a[:-1] + b  # a word hyphenated across the break
    return f"{a} {b}"


def _needs_completion(row: _Row, roles: list[str | None]) -> bool:
    """A row whose inspection-date cell has no year yet was cut by a line or page break."""
    if "date" not in roles:
        return False
    cell = row.cells[roles.index("date")]
    return bool(cell.strip()) and not _YEAR.search(cell)


def _iter_lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def parse_inspection_tables(
    text: str, *, document: str, pages: PageMap, offset: int = 0
) -> tuple[list[Inspection], list[ExtractionWarning]]:
    """Every inspection row of every Ofsted outcome table in ``text``, plus warnings for rows that did not parse.

    ``offset`` is where ``text`` starts in the document's cleaned text (for provenance).
    """
    rows: list[tuple[_Row, list[str | None]]] = []
    roles: list[str | None] | None = None
    header: list[str] | None = None
    pending: _Row | None = None
    last_was_header = False
    prose_since_row = 0

    def flush() -> None:
        nonlocal pending
        if pending is not None and roles is not None:
            rows.append((pending, roles))
        pending = None

    for pos, line in _iter_lines(text):
        if not line.strip():
            continue
        cells = line.split("\t")
        if "\t" not in line:
            prose_since_row += 1
            last_was_header = False
            if prose_since_row > 3:  # a run of prose: the table is over
                flush()
                roles = header = None
            continue
        if last_was_header and header is not None and _is_header_continuation(cells):
            header = [_join_cell(h, c) for h, c in zip(_pad(header, len(cells)), _pad(cells, len(header)))]
            new_roles = column_roles(header)
            if pending is None or new_roles == roles:
                roles = new_roles
            continue
        if is_header_row(cells):
            new_roles = column_roles(cells)
            if roles is not None and new_roles[: len(roles)] != roles[: len(new_roles)]:
                flush()  # a different table
            header, roles = cells, new_roles
            last_was_header = True
            continue
        last_was_header = False
        if roles is None:
            continue
        cells = _fit(cells, len(roles))
        school_col = roles.index("school")
        if pending is not None and (not cells[school_col].strip() or _needs_completion(pending, roles)):
            pending.cells = [_join_cell(a, b) for a, b in zip(pending.cells, cells)]
            pending.end = pos + len(line)
            pending.lines.append(line)
            prose_since_row = 0
            continue
        if cells[0].rstrip().endswith(":"):  # a label row of another table ("Report Title:")
            flush()
            roles = header = None
            continue
        flush()
        pending = _Row(cells, pos, pos + len(line), [line])
        prose_since_row = 0
    flush()
    return _build_all(rows, document=document, pages=pages, offset=offset)


def _pad(cells: list[str], n: int) -> list[str]:
    return cells + [""] * (n - len(cells))


def _fit(cells: list[str], n: int) -> list[str]:
    """Exactly ``n`` cells: pad short rows; fold extra trailing cells into the last column."""
    if len(cells) <= n:
        return _pad(cells, n)
    return cells[: n - 1] + [" ".join(c.strip() for c in cells[n - 1:] if c.strip())]


def _build_all(rows, *, document: str, pages: PageMap, offset: int):
    years = Counter()
    for row, roles in rows:
        if "date" in roles:
            value = parse_date(row.cells[roles.index("date")])
            if value:
                years[value.start[:4]] += 1
    default_year = int(years.most_common(1)[0][0]) if years else None
    inspections: list[Inspection] = []
    warnings: list[ExtractionWarning] = []
    for row, roles in rows:
        source = Provenance(document, pages.page_at(offset + row.start), offset + row.start, offset + row.end)
        result = build_inspection(row.cells, roles, source, default_year=default_year)
        if isinstance(result, Inspection):
            inspections.append(result)
        else:
            warnings.append(ExtractionWarning(document, source.page, f"inspection row not parsed: {result}",
                                              "\n".join(row.lines), offset=source.start))
    return inspections, warnings


def _cell(cells: list[str], roles: list[str | None], role: str) -> str:
    return " ".join(cells[roles.index(role)].split()) if role in roles else ""


def inspection_type(text: str) -> str | None:
    """The kind of inspection named in a cell (monitoring visit, short inspection, ...), or None."""
    for rx, name in _INSPECTION_TYPES:
        if rx.search(text):
            return name
    return None


def split_grade_cell(cell: str) -> tuple[str | None, str | None, str | None, str | None]:
    """``(grade, inspection type, report reference, urn)`` from a grade cell.

    ``Good 50246731 (ofsted.gov.uk)`` -> Good + reference ``50246731 (ofsted.gov.uk)``;
    ``Monitoring Visit – Serious Weaknesses 10318268 - X - 104849`` -> Serious Weaknesses,
    Monitoring visit, the rest as reference and URN 104849.
    """
    grades = find_grades(cell)
    if not grades:
        return None, inspection_type(cell), cell or None, None
    start, end, grade = grades[0]
    kind = inspection_type(cell[:start]) or inspection_type(cell[end:])
    rest = cell[end:]
    for rx, _ in _INSPECTION_TYPES:
        rest = rx.sub(" ", rest)
    rest = " ".join(rest.split()).strip(" -–—:,")
    urn = _URN.search(rest)
    return grade, kind, rest or None, urn.group(0) if urn else None


def split_previous_cell(cell: str) -> tuple[DateValue | None, str | None, str | None]:
    """``(date, grade, type)`` of the previous inspection from a cell such as
    ``Inspection date 11th September 2018 (short inspection) Good``."""
    date = parse_date(cell)
    grades = find_grades(cell)
    grade = grades[-1][2] if grades else None
    return date, grade, inspection_type(cell)


def split_items(cell: str) -> list[str]:
    """Bullet items of a cell; ``None`` alone means no items."""
    items = [i.strip(" ;,") for i in _BULLET.split(cell) if i.strip(" ;,")]
    return [i for i in items if i.lower() not in {"none", "n/a", "-"}]


def build_inspection(cells: list[str], roles: list[str | None], source: Provenance, *,
                     default_year: int | None = None) -> Inspection | str:
    """An Inspection from one merged row, or the reason it could not be read."""
    school = _cell(cells, roles, "school")
    if not school:
        return "no school name"
    date_text = _cell(cells, roles, "date")
    start = parse_date(date_text) or parse_date(date_text, default_year=default_year)
    if start is None:
        return f"no inspection date in {date_text!r} ({school})"
    # A table without an inspector column still says which school was graded how and when; a
    # column whose cell cannot be read as a name is a broken row.
    inspector = parse_person(_cell(cells, roles, "inspector")) if "inspector" in roles else None
    if inspector is None and "inspector" in roles:
        return f"no inspector name in {_cell(cells, roles, 'inspector')!r} ({school})"
    grade, kind, reference, urn = split_grade_cell(_cell(cells, roles, "grade"))
    if grade is None:
        return f"no grade in {_cell(cells, roles, 'grade')!r} ({school})"
    prev_date, prev_grade, prev_type = split_previous_cell(_cell(cells, roles, "previous"))
    if "type" in roles and _cell(cells, roles, "type"):
        kind = inspection_type(_cell(cells, roles, "type")) or _cell(cells, roles, "type")
    if "urn" in roles and _cell(cells, roles, "urn"):
        urn = _cell(cells, roles, "urn")
    return Inspection(
        school=school, start=start, inspector=inspector, grade=grade, source=source,
        inspection_type=kind, previous_date=prev_date, previous_grade=prev_grade, previous_type=prev_type,
        development_areas=split_items(cells[roles.index("development")]) if "development" in roles else [],
        support=split_items(cells[roles.index("support")]) if "support" in roles else [],
        report_reference=reference, urn=urn,
    )


# --- school names cut short in table cells ----------------------------------------------

_SCHOOL_WORD = re.compile(r"\b(?:school|primary|junior|infants?|nursery|academy|college|high|PRU|centre)\b", re.I)
_NUMBERED_LINE = re.compile(r"^[ \t]*(?:[-•][ \t]*)?\d{1,3}[.)][ \t]+(?P<name>[^\t\n]{4,90}?)[ \t]*$", re.M)


def listed_school_names(text: str) -> list[str]:
    """School names from numbered lists (``3. Springfield Primary School``), as reports list what was inspected."""
    return [m.group("name") for m in _NUMBERED_LINE.finditer(text) if _SCHOOL_WORD.search(m.group("name"))]


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(word in it for word in short)


def complete_school_names(names: list[str], listed: list[str]) -> list[str]:
    """:func:`complete_school_name` for many names, keying the listed names once."""
    from graph.iris import school_key

    keyed = [(school_key(l).split(), l) for l in listed]
    out = []
    for name in names:
        words = school_key(name).split()
        # keyed by the school key, so two spellings of one listed school count once
        matches = {tuple(key): l for key, l in keyed if len(key) > len(words) and _is_subsequence(words, key)}
        out.append(next(iter(matches.values())) if len(matches) == 1 else name)
    return out


def complete_school_name(name: str, listed: list[str]) -> str:
    """The one listed name that ``name`` is a cut-down form of (its words in order, fewer of them), else ``name``.

    A cell cut mid-name (``St Robert Bellarmine``) or a short form (``Holy Family Primary School``)
    takes the full name the same document lists; a name with a word the list lacks (a place) or
    one that fits two listed names is left as printed.
    """
    return complete_school_names([name], listed)[0]
