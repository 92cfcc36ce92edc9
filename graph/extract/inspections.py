"""Ofsted outcome tables -> Inspection records.

Tables are found by their header row (tab-separated cells such as ``Name of School``,
``Inspection Date``, ``Lead Inspector``, ``Grade``/``Outcome``, ``Previous ...``) and
columns are mapped by header words, not position, since councils order them
differently. Rows broken across lines and pages are merged cell by cell: header rows
repeat after each break, continuation rows start with an empty first cell, and a row
whose date has no year yet is completed by the next row.

Report cards (Ofsted inspections from November 2025) give no overall grade but a grade for each
evaluation area and a safeguarding outcome: their tables are found by the same header row with
evaluation-area columns (``Inclusion``, ``Curriculum and teaching``, ... ``Safeguarding``), in
cells split by tabs or by runs of spaces (columns then placed by where the header's start), or
one cell a line; a report card printed per school as ``Inclusion: Expected standard`` lines is
read too (:func:`parse_labelled_report_cards`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from graph.clean import PageMap
from graph.records import DateValue, ExtractionWarning, Inspection, Provenance
from graph.values import find_grades, parse_date, parse_person

# The evaluation areas of a report card and the header words that name them. "Leadership and
# management", "Behaviour and attitudes" and a lone "Personal development" are the key judgements
# of the framework before November 2025: see _REPORT_CARD_ONLY.
AREA_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Inclusion", re.compile(r"\binclusion\b", re.I)),
    ("Curriculum and teaching", re.compile(r"\bcurriculum\b|\bteaching\b", re.I)),
    ("Achievement", re.compile(r"\bachievement\b", re.I)),
    ("Attendance and behaviour", re.compile(r"\battendance\b", re.I)),
    ("Personal development and well-being", re.compile(r"\bpersonal\s+development\b|\bwell[-\s]?being\b", re.I)),
    ("Early years", re.compile(r"\bearly[-\s]+years\b|\bEYFS\b", re.I)),
    ("Sixth form", re.compile(r"\bsixth[-\s]*form\b|\bpost[-\s]?16\b", re.I)),
    ("Leadership and governance", re.compile(r"\bgovernance\b|\bleadership\b(?!\s+and\s+management)", re.I)),
)
AREA_ORDER: tuple[str, ...] = tuple(area for area, _ in AREA_RULES)
# Areas only a report card grades: a header with none of them is an older table's.
_REPORT_CARD_ONLY = {"Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour"}
_SAFEGUARDING = re.compile(r"\bsafeguarding\b", re.I)
_AREA_ROLE = "area:"

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
    r"relationship|and|of|la|inspection|judgement|urn|type|inclusion|curriculum|teaching|achievement|attendance|"
    r"behaviour|personal|well-?being|early|years|sixth|form|leadership|governance|safeguarding)\b", re.I)
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
    """The role of each column (school, date, inspector, grade, previous, ...) from its header words.

    In a report card's header (evaluation areas named, at least one that only report cards grade)
    each area's column has the role ``area:<area>`` and the safeguarding column ``safeguarding``."""
    roles: list[str | None] = []
    for cell in header_cells:
        role = next((r for r, rx in _ROLE_RULES if rx.search(cell)), None)
        if role is not None and role in roles and role not in ("development", "support"):
            role = None  # the first column of a role wins
        roles.append(role)
    areas = [area_of_header(cell) for cell in header_cells]
    if not _REPORT_CARD_ONLY & set(areas):
        return roles
    for n, (cell, area) in enumerate(zip(header_cells, areas)):
        if roles[n] not in (None, "development"):
            continue  # "Previous inspection", "Date of inspection" keep their role
        role = f"{_AREA_ROLE}{area}" if area else ("safeguarding" if _SAFEGUARDING.search(cell) else None)
        roles[n] = role if role is None or role not in roles else None
    return roles


def area_of_header(cell: str) -> str | None:
    """The evaluation area a column header or row label names (``Personal development and well-being``), or None."""
    if _SAFEGUARDING.search(cell) or re.search(r"\bprevious\b|\bdate\b", cell, re.I):
        return None
    return next((area for area, rx in AREA_RULES if rx.search(cell)), None)


def _area_roles(roles: list[str | None]) -> list[tuple[int, str]]:
    return [(n, r[len(_AREA_ROLE):]) for n, r in enumerate(roles) if r and r.startswith(_AREA_ROLE)]


_DATE_RULE = dict(_ROLE_RULES)["date"]


def is_header_row(cells: list[str]) -> bool:
    """A row whose cells name a school column, a date column and a grade or inspector column."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 3 or any(len(c.split()) > 8 for c in filled):
        return False
    if not any(_DATE_RULE.search(c) for c in filled):
        return False  # no cell can be the date column: most table rows, decided without every role rule
    roles = column_roles(cells)
    return "school" in roles and "date" in roles and (bool(set(roles) & {"grade", "inspector"})
                                                      or len(_area_roles(roles)) >= 2)


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
    columns: list[int] | None = None  # where the header cells of a table split by runs of spaces start
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
        spaced_header: list[int] | None = None
        if "\t" in line:
            cells = line.split("\t")
        else:
            runs = _spaced_runs(line) if "  " in line or columns is not None else []
            placed = _place_runs(runs, columns) if columns is not None and roles is not None else None
            if placed is None and columns is None and len(runs) >= 3 and is_header_row([t for _, t in runs]):
                placed, spaced_header = [t for _, t in runs], [start for start, _ in runs]
            if placed is None:
                prose_since_row += 1
                last_was_header = False
                if prose_since_row > 3:  # a run of prose: the table is over
                    flush()
                    roles = header = columns = None
                continue
            cells = placed
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
            if spaced_header is not None or "\t" in line:
                columns = spaced_header
            last_was_header = True
            continue
        last_was_header = False
        if roles is None:
            continue
        cells = _fit(cells, len(roles))
        school_col = roles.index("school")
        # A report card's school name cut by a line break: the next line fills the school cell alone.
        name_only = bool(_area_roles(roles)) and all(not c.strip() for n, c in enumerate(cells) if n != school_col)
        if pending is not None and (not cells[school_col].strip() or _needs_completion(pending, roles) or name_only):
            pending.cells = [_join_cell(a, b) for a, b in zip(pending.cells, cells)]
            pending.end = pos + len(line)
            pending.lines.append(line)
            prose_since_row = 0
            continue
        if cells[0].rstrip().endswith(":"):  # a label row of another table ("Report Title:")
            flush()
            roles = header = columns = None
            continue
        flush()
        pending = _Row(cells, pos, pos + len(line), [line])
        prose_since_row = 0
    flush()
    return _build_all(rows, document=document, pages=pages, offset=offset)


_SPACE_RUN = re.compile(r"\S+(?: \S+)*")  # a cell: words split by single spaces


def _spaced_runs(line: str) -> list[tuple[int, str]]:
    """The cells of a line laid out with runs of spaces, as (start column, text)."""
    return [(m.start(), m.group(0)) for m in _SPACE_RUN.finditer(line)]


def _place_runs(runs: list[tuple[int, str]], columns: list[int]) -> list[str] | None:
    """The cells of a row of a table laid out with spaces: each run in the column whose header
    starts nearest it. None for a line of prose (one run from the margin, wider than the first column)."""
    if not runs:
        return None
    first_width = (columns[1] - columns[0]) if len(columns) > 1 else 10 ** 6
    if len(runs) == 1 and runs[0][0] <= columns[0] and len(runs[0][1]) > first_width + 2:
        return None
    cells = [""] * len(columns)
    for start, text in runs:
        n = min(range(len(columns)), key=lambda j: abs(columns[j] - start))
        cells[n] = _join_cell(cells[n], text)
    return cells


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
        problems: list[str] = []
        result = build_inspection(row.cells, roles, source, default_year=default_year, problems=problems)
        if isinstance(result, Inspection):
            inspections.append(result)
            warnings.extend(ExtractionWarning(document, source.page, f"report card cell not read: {p}",
                                              "\n".join(row.lines), offset=source.start) for p in problems)
        else:
            what = "report card row" if _area_roles(roles) else "inspection row"
            warnings.append(ExtractionWarning(document, source.page, f"{what} not parsed: {result}",
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


_NOT_GRADED = re.compile(r"^(?:n/?a|not applicable|none|not graded|no early years|no sixth form|[-–—]+)?$", re.I)
_SAFEGUARDING_VALUE = re.compile(r"^(?:safeguarding\s*(?:is\s*)?:?\s*)?(?:(not\s+met|not\s+effective|ineffective)|"
                                 r"(met|effective))\b[\s.]*$", re.I)


def parse_area_grade(cell: str) -> tuple[str | None, bool]:
    """``(grade, readable)`` of an evaluation area's cell: ``("Strong standard", True)``; ``(None, True)``
    for a cell that grades nothing (empty, ``N/A``, ``-``: a school without early years); ``(None, False)``
    for text that is not one grade."""
    text = " ".join(cell.split()).strip(" .;,")
    if _NOT_GRADED.match(text):
        return None, True
    grades = find_grades(text)
    if len(grades) != 1:
        return None, False
    start, end, grade = grades[0]
    rest = (text[:start] + text[end:]).strip(" .;,:-–()")
    return (grade, True) if len(rest.split()) <= 2 else (None, False)


def parse_safeguarding(cell: str) -> str | None:
    """``Met`` / ``Not met`` from a safeguarding cell (``Met``, ``Not met``, ``Effective``), else None."""
    m = _SAFEGUARDING_VALUE.match(" ".join(cell.split()))
    if m is None:
        return None
    return "Not met" if m.group(1) else "Met"


def area_grades(cells: list[str], roles: list[str | None], problems: list[str] | None = None
                ) -> tuple[dict[str, str], str | None]:
    """The area grades (in header order) and safeguarding outcome of a report-card row; what a cell
    holds that is not a grade goes to ``problems``."""
    grades: dict[str, str] = {}
    for n, area in _area_roles(roles):
        grade, readable = parse_area_grade(cells[n])
        if grade is not None:
            grades[area] = grade
        elif not readable and problems is not None:
            problems.append(f"no grade for {area} in {' '.join(cells[n].split())!r}")
    safeguarding = None
    if "safeguarding" in roles and _cell(cells, roles, "safeguarding"):
        safeguarding = parse_safeguarding(_cell(cells, roles, "safeguarding"))
        if safeguarding is None and problems is not None:
            problems.append(f"no safeguarding outcome in {_cell(cells, roles, 'safeguarding')!r}")
    return grades, safeguarding


def build_inspection(cells: list[str], roles: list[str | None], source: Provenance, *,
                     default_year: int | None = None, problems: list[str] | None = None) -> Inspection | str:
    """An Inspection from one merged row, or the reason it could not be read.

    A report card's row gives its area grades and no overall grade; a cell of it that cannot be
    read is left out and said in ``problems``."""
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
    row_problems: list[str] = []
    areas, safeguarding = area_grades(cells, roles, row_problems)
    grade, kind, reference, urn = split_grade_cell(_cell(cells, roles, "grade"))
    if grade is None and not areas:
        if _area_roles(roles):
            return f"no area grades in {[cells[n] for n, _ in _area_roles(roles)]!r} ({school})"
        return f"no grade in {_cell(cells, roles, 'grade')!r} ({school})"
    if problems is not None:
        problems.extend(f"{p} ({school})" for p in row_problems)
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
        report_reference=reference, urn=urn, area_grades=areas, safeguarding=safeguarding,
    )


# --- report cards printed per school, one area a line ---------------------------------------

_REPORT_CARD_HINT = re.compile(r"expected\s+standard|strong\s+standard|needs\s+attention|urgent\s+improvement|"
                               r"exceptional", re.I)
_LABEL_LINE = re.compile(r"^[ \t]*(?:[-•▪][ \t]*)?(?P<label>[^:\t\n]{3,60}?)[ \t]*(?::|\t|[ \t][-–—][ \t])[ \t]*"
                         r"(?P<value>\S[^\n]*?)[ \t]*$")
_SCHOOL_LABEL = re.compile(r"^(?:name\s+of\s+)?(?:school|academy|setting|provider)(?:\s+name)?$", re.I)
_DATE_LABEL = re.compile(r"\bdate\b|\binspected\b|\binspection\s+dates?\b", re.I)
_INSPECTOR_LABEL = re.compile(r"\binspector\b", re.I)
_HEADING_CUT = re.compile(r"\s[-–—]\s|\(|,\s*(?:inspected|inspection)\b|:\s*$", re.I)


def _label_kind(label: str) -> str | None:
    label = " ".join(label.split())
    if _SAFEGUARDING.search(label):
        return "safeguarding"
    if _SCHOOL_LABEL.match(label):
        return "school"
    if re.search(r"\bprevious\b|\blast\b", label, re.I):
        return None
    if _DATE_LABEL.search(label):
        return "date"
    if _INSPECTOR_LABEL.search(label):
        return "inspector"
    area = area_of_header(label)
    return f"{_AREA_ROLE}{area}" if area and len(label.split()) <= 6 else None


def parse_labelled_report_cards(
    text: str, *, document: str, pages: PageMap, offset: int = 0
) -> tuple[list[Inspection], list[ExtractionWarning]]:
    """Report cards printed school by school, one ``Label: value`` line each (``Inclusion: Expected
    standard``, ``Safeguarding: Met``, ``Date of inspection: 14 January 2026``), under a heading
    naming the school or with a ``School:`` line; blank lines may come between. A run of such lines
    is a report card when it grades two areas or more, one that only report cards grade."""
    if not _REPORT_CARD_HINT.search(text):
        return [], []
    lines = list(_iter_lines(text))
    blocks: list[tuple[int, int]] = []  # [first, last] line indexes of runs of labelled lines
    kinds: dict[int, tuple[str, str]] = {}
    first = last = None
    for n, (_, line) in enumerate(lines):
        if not line.strip():
            continue
        m = _LABEL_LINE.match(line) if line.count("\t") <= 1 else None
        kind = _label_kind(m.group("label")) if m else None
        if kind is not None:
            if first is not None:
                held = {kinds[k][0] for k in range(first, last + 1) if k in kinds}
                # the next school's card: a label met again, or a school named after the areas
                if kind in held or (kind == "school" and any(h.startswith(_AREA_ROLE) for h in held)):
                    blocks.append((first, last))
                    first = None
            kinds[n] = (kind, m.group("value"))
            first = n if first is None else first
            last = n
            continue
        if first is not None:
            blocks.append((first, last))
        first = last = None
    if first is not None:
        blocks.append((first, last))
    inspections: list[Inspection] = []
    warnings: list[ExtractionWarning] = []
    for first, last in blocks:
        got = [kinds[n] for n in range(first, last + 1) if n in kinds]
        areas = [k[len(_AREA_ROLE):] for k, _ in got if k.startswith(_AREA_ROLE)]
        if len(set(areas)) < 2 or not _REPORT_CARD_ONLY & set(areas):
            continue
        # the heading: the nearest line above that is not a sentence
        heading_at = next((n for n in range(first - 1, max(first - 4, -1), -1) if lines[n][1].strip()), None)
        heading = lines[heading_at][1].strip() if heading_at is not None else ""
        if heading.endswith(".") or len(heading.split()) > 14:
            heading, heading_at = "", None
        start_at = heading_at if heading_at is not None else first
        pos, end = lines[start_at][0], lines[last][0] + len(lines[last][1])
        source = Provenance(document, pages.page_at(offset + pos), offset + pos, offset + end)
        raw = text[pos:end]

        def warn(message: str) -> None:
            warnings.append(ExtractionWarning(document, source.page, message, raw, offset=source.start))

        values: dict[str, str] = {}
        for kind, value in got:
            values.setdefault(kind, value)  # the first of a repeated label
        school = values.get("school") or _HEADING_CUT.split(heading)[0].strip(" :*")
        if not school:
            warn("report card not parsed: no school name above its area grades")
            continue
        date_text = values.get("date") or heading
        start = parse_date(date_text)
        if start is None:
            warn(f"report card not parsed: no inspection date in {date_text!r} ({school})")
            continue
        inspector = None
        if "inspector" in values:
            inspector = parse_person(values["inspector"])
            if inspector is None:
                warn(f"report card not parsed: no inspector name in {values['inspector']!r} ({school})")
                continue
        cells = [values.get(k, "") for k in values]
        roles: list[str | None] = [k if k.startswith(_AREA_ROLE) or k == "safeguarding" else None for k in values]
        problems: list[str] = []
        grades, safeguarding = area_grades(cells, roles, problems)
        for problem in problems:
            warn(f"report card cell not read: {problem} ({school})")
        if not grades:
            warn(f"report card not parsed: no area grades ({school})")
            continue
        inspections.append(Inspection(school=school, start=start, inspector=inspector, grade=None, source=source,
                                      area_grades=grades, safeguarding=safeguarding))
    return inspections, warnings


_HEADER_CONTINUES = re.compile(r"^(?:and|&|of)\b|^[a-z]")


def _header_line_role(line: str) -> str | None:
    role = column_roles([line])[0]
    if role is not None:
        return role
    area = area_of_header(line)
    return f"{_AREA_ROLE}{area}" if area else ("safeguarding" if _SAFEGUARDING.search(line) else None)


def _is_cell_value(line: str) -> bool:
    """A line that is a date, a grade, a safeguarding outcome or "N/A": a cell, not a school's name."""
    grade, readable = parse_area_grade(line)
    return grade is not None or (readable and bool(line.strip())) or parse_safeguarding(line) is not None \
        or parse_date(line) is not None


def parse_one_cell_a_line_tables(
    text: str, *, document: str, pages: PageMap, offset: int = 0
) -> tuple[list[Inspection], list[ExtractionWarning]]:
    """Report-card tables whose text came out one cell a line (header cells, then each row's cells,
    in header order): a header run of short lines naming a school, a date and evaluation areas; a
    school's name may wrap onto more lines; a header repeated after a page break is skipped. A row
    whose cells do not fit the header (a cell left out) is a warning, and reading resumes at the
    next school's name."""
    if not _REPORT_CARD_HINT.search(text):
        return [], []
    lines = [(pos, line.strip()) for pos, line in _iter_lines(text) if line.strip() and "\t" not in line]
    inspections: list[Inspection] = []
    warnings: list[ExtractionWarning] = []
    i = 0
    while i < len(lines):
        header: list[str] = []
        j = i
        while j < len(lines) and len(header) < 20 and len(lines[j][1].split()) <= 6:
            line = lines[j][1]
            if header and (_HEADER_CONTINUES.match(line) or re.search(r"\b(?:and|of|&)$", header[-1])):
                header[-1] = f"{header[-1]} {line}"
            elif _header_line_role(line) is not None:
                header.append(line)
            else:
                break
            j += 1
        roles = column_roles(header)
        if len(header) < 4 or not is_header_row(header) or len(_area_roles(roles)) < 2 or roles[0] != "school":
            i += 1
            continue
        k = j
        while k < len(lines):
            if lines[k][1] == header[0]:  # the header again, after a page break
                k += j - i
                continue
            first = lines[k][1]
            if _is_cell_value(first) or len(first.split()) > 12 or (first.endswith(".") and len(first.split()) > 6):
                break  # not a school's name: the table is over
            start_at, cells, misfit = k, [first], None
            k += 1
            while roles[1] == "date" and k < len(lines) and not _is_cell_value(lines[k][1]) \
                    and len(lines[k][1].split()) <= 6:
                cells[0] = f"{cells[0]} {lines[k][1]}"  # the name wraps: it lasts until the date
                k += 1
            for role in roles[1:]:
                if k >= len(lines):
                    misfit = k
                    break
                value = lines[k][1]
                if role == "safeguarding":
                    fits = parse_safeguarding(value) is not None or parse_area_grade(value) == (None, True)
                elif role and role.startswith(_AREA_ROLE):
                    fits = parse_area_grade(value)[1]  # a grade or N/A; "Met" here means a cell was left out
                else:
                    fits = role != "date" or parse_date(value) is not None
                if not fits:
                    misfit = k
                    break
                cells.append(value)
                k += 1
            end_at = (misfit if misfit is not None else k) - 1
            pos, end = lines[start_at][0], lines[end_at][0] + len(lines[end_at][1])
            source = Provenance(document, pages.page_at(offset + pos), offset + pos, offset + end)
            raw = "\n".join(l for _, l in lines[start_at:end_at + 1])
            if misfit is not None:
                warnings.append(ExtractionWarning(
                    document, source.page, f"report card row not parsed: {len(cells)} cells where the header has "
                    f"{len(roles)} ({cells[0]})", raw, offset=source.start))
                while k < len(lines) and _is_cell_value(lines[k][1]):
                    k += 1  # the rest of the broken row: resume at the next school's name
                continue
            problems: list[str] = []
            result = build_inspection(cells, roles, source, problems=problems)
            if isinstance(result, Inspection):
                inspections.append(result)
                warnings.extend(ExtractionWarning(document, source.page, f"report card cell not read: {p}", raw,
                                                  offset=source.start) for p in problems)
            else:
                warnings.append(ExtractionWarning(document, source.page, f"report card row not parsed: {result}", raw,
                                                  offset=source.start))
        i = max(k, i + 1)
    return inspections, warnings


def parse_inspections(
    text: str, *, document: str, pages: PageMap, offset: int = 0
) -> tuple[list[Inspection], list[ExtractionWarning]]:
    """Every inspection in ``text``: Ofsted outcome tables (:func:`parse_inspection_tables`), report-card
    tables one cell a line (:func:`parse_one_cell_a_line_tables`) and report cards printed school by
    school (:func:`parse_labelled_report_cards`)."""
    found, warnings = parse_inspection_tables(text, document=document, pages=pages, offset=offset)
    if not has_report_cards(text):  # each card parser would search for the grades again, to find none
        return found, warnings
    for parser in (parse_one_cell_a_line_tables, parse_labelled_report_cards):
        cards, card_warnings = parser(text, document=document, pages=pages, offset=offset)
        rows = [(i.source.start, i.source.end) for i in found]
        found += [c for c in cards if not any(s < c.source.end and c.source.start < e for s, e in rows)]
        warnings += card_warnings
    return found, warnings


def has_report_cards(text: str) -> bool:
    """Whether ``text`` may hold report-card grades (a cheap test before parsing outside reports)."""
    return bool(_REPORT_CARD_HINT.search(text))


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
