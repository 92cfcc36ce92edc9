"""Attendance from minutes: `PRESENT:`, `ALSO PRESENT:`, apologies for absence, declarations of interest."""
from __future__ import annotations

import re

from graph.records import Attendance, Declaration, ExtractionWarning, MeetingRef, PersonName
from graph.extract.membership import split_name_org_list
from graph.extract.segments import PageLookup, one_line, provenance, unreadable
from graph.values import parse_person, split_people_list

# `PRESENT:`, `Present:`, `Members present:`, `Members:` (under an `Attendance` heading); not
# `ALSO PRESENT:` (it starts the line differently).
_PRESENT = re.compile(r"^[ \t]*(?:(?:(?:Members|Councillors)\s+)?Present|Members)\s*:", re.M | re.I)
# A list's own label line ends the list above it (`Members: ...` then `Apologies: ...`).
_APOLOGIES_LABEL = re.compile(r"^[ \t]*(?:Apologies(?:\s+for\s+absence)?|Absent)\s*:", re.M | re.I)
# Everyone else at the meeting: `ALSO PRESENT:`, `In attendance:`, `Officers present:`.
_ALSO_PRESENT = re.compile(r"^[ \t]*(?:Also\s+present|In\s+attendance|Officers(?:\s+present|\s+in\s+attendance)?)\s*:",
                           re.M | re.I)
# The first item after the lists: `1. APOLOGIES`, `56 WELCOME AND INTRODUCTION` (a number and a
# capitalised heading, with or without a full stop), or an `Apologies` / `Minutes` heading.
_ITEM_START = re.compile(r"^[ \t]*\d{1,3}[a-z]?\.\s+\S|^[ \t]*\d{1,3}[a-z]?[ \t]+[A-Z][A-Za-z'’]*(?:[ \t]|$)"
                         r"|^[ \t]*(?:Minutes|Apologies)\b"
                         # minute numbers: `Minute 12 -`, `PC/23/24`, `C.14`, `CAB 45/24`, `23/24 APOLOGIES`
                         r"|^[ \t]*(?:(?i:minute)\s+\d|[A-Z]{1,5}[/.]\d{1,3}\b|[A-Z]{2,5}[ \t]+\d{1,3}/\d{2}\b"
                         r"|\d{1,3}/\d{2}(?:\d{2})?[ \t]+[A-Z])", re.M)
_PAREN = re.compile(r"\(([^()]*)\)")
_SUBSTITUTE_FOR = re.compile(r"Substitute\s+(?:Member\s+)?for\s+(.+)", re.I)
_NAME_SPLIT = re.compile(r",\s*|\s+and\s+|\s*&\s*")
_COUNCILLORS = re.compile(r"\b(?:County\s+)?(?:Councillors?|Cllrs?\.?)\s+")


def _block(text: str, start: int) -> tuple[int, int]:
    """From ``start`` to the next `ALSO PRESENT:`, apologies label or numbered item, whichever comes first."""
    ends = [len(text)]
    for rx in (_ALSO_PRESENT, _APOLOGIES_LABEL, _ITEM_START):
        m = rx.search(text, start)
        if m:
            ends.append(m.start())
    return start, min(ends)


def split_outside_brackets(text: str, rx: re.Pattern[str]) -> list[str]:
    """Split ``text`` at matches of ``rx`` that are not inside round brackets."""
    depth_at = []
    depth = 0
    for ch in text:
        depth_at.append(depth)
        depth += (ch == "(") - (ch == ")")
        depth = max(depth, 0)
    pieces, last = [], 0
    for m in rx.finditer(text):
        if depth_at[m.start()] == 0:
            pieces.append(text[last:m.start()])
            last = m.end()
    pieces.append(text[last:])
    return pieces


def _role_of(bracket: str) -> tuple[str | None, str | None]:
    """(role, substitute-for text) from a bracket after a name."""
    low = bracket.lower()
    if m := _SUBSTITUTE_FOR.search(bracket):
        return None, m.group(1).strip()
    if "vice" in low and "chair" in low:
        return "Vice-Chair", None
    if "chair" in low:
        return "Chair", None
    return bracket.strip() or None, None


def split_councillor_list(text: str) -> list[tuple[str, str | None]]:
    """`A (in the Chair) B, C (Substitute Member for Councillor D) and E` -> [(name, bracket)]."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    pieces: list[tuple[str, str | None]] = []
    for m in _PAREN.finditer(text):
        pieces.append((text[pos:m.start()], m.group(1)))
        pos = m.end()
    pieces.append((text[pos:], None))
    for chunk, bracket in pieces:
        names = [n.strip() for n in _NAME_SPLIT.split(chunk) if n and n.strip()]
        for j, name in enumerate(names):
            out.append((name, bracket if j == len(names) - 1 else None))
    return out


# (not a bare `(Independent)`: that is a councillor's group)
_NOT_COUNCILLOR_ROLE = re.compile(r"co-?opted|independent\s+(?:member|person|advis\w*|chair)|representative|"
                                  r"parent\s+governor|non-voting|advisory\s+member|diocese|church|healthwatch|"
                                  r"youth\s+(?:member|representative|mayor)", re.I)
_OFFICE = re.compile(r"(?:The\s+)?((?:Deputy\s+|Lord\s+|Vice[- ])?(?:Mayor|Chair(?:man|woman)?|Leader|Civic\s+Mayor|Provost))",
                     re.I)
_LAY_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Rev(?:d|erend)?|Professor|Prof|Sir|Dame|Lady|Lord)\.?\s")
_STARTS_A_NAME = re.compile(r"(?:Councillors?|Cllrs?\.?|Mr|Mrs|Ms|Miss|Mx|Dr|Rev(?:d|erend)?|Professor|Prof)\.?\s")


def _join_list_lines(block: str) -> str:
    """The list on one line; a line break outside brackets before a line that starts a name
    (`Mrs D Green (Co-opted Member)`) separates two entries as a comma would. So does every line
    break of a list printed one name a line: short lines and no comma in any (a list wrapped by
    the PDF has commas between its names)."""
    lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
    one_a_line = len(lines) >= 2 and not any("," in ln for ln in lines) and \
        all(len(_PAREN.sub("", ln).split()) <= 5 for ln in lines)
    out = ""
    for line in lines:
        if out and out.count("(") <= out.count(")") and (one_a_line or _STARTS_A_NAME.match(line)) and \
                not out.endswith((",", ";", " and", "&", "(")):
            out += ","
        out = f"{out} {line}" if out else line
    return one_line(out)


def parse_present(text: str, *, meeting: MeetingRef, document: str, pages: PageLookup | None,
                  offset: int = 0) -> tuple[list[Attendance], list[ExtractionWarning]]:
    """Councillors present (chair first), with roles and who each substitute stood in for.

    A listed name that cannot be read is left out with a warning; so is an unreadable substitute-for name.
    """
    m = _PRESENT.search(text)
    if not m:
        return [], []
    start, end = _block(text, m.end())
    src = provenance(document, pages, offset + m.start(), offset + end)
    flat = _join_list_lines(text[start:end])
    out: list[Attendance] = []
    warnings: list[ExtractionWarning] = []
    for n, group in enumerate(split_outside_brackets(flat, _COUNCILLORS)):
        group = re.sub(r"\s+(?:and|&)$", "", group.strip(" ,;."))
        if not group:
            continue
        for name, bracket in split_councillor_list(group):
            name = name.strip(" ,;.")
            if not name or not name[0].isupper():
                continue
            if bracket and _OFFICE.fullmatch(name) and _COUNCILLORS.match(bracket):
                # `The Mayor (Councillor K Lord)`: the office first, its holder in brackets
                name, bracket = _COUNCILLORS.sub("", bracket, count=1), _OFFICE.fullmatch(name).group(1)
            # a co-opted or independent member listed among the councillors is not one; nor is a
            # `Mr`/`Dr` listed before any `Councillor` (a forum's or board's members)
            member_of_public = bool(bracket and _NOT_COUNCILLOR_ROLE.search(bracket)) or \
                (n == 0 and bool(_LAY_TITLE.match(name)))
            person = parse_person(name if member_of_public else f"Councillor {name}")
            if person is None:
                warnings.append(unreadable(document, pages, src.start, "name in the PRESENT list", name))
                continue
            role, sub_for = _role_of(bracket) if bracket else (None, None)
            sub = None
            if sub_for:
                sub = parse_person(sub_for if re.match(r"(?:Councillor|Cllr)", sub_for) else f"Councillor {sub_for}")
                if sub is None:
                    warnings.append(unreadable(document, pages, src.start, "substitute-for name", sub_for))
            out.append(Attendance(meeting, person, "present", src, role=role, substitute_for=sub))
    return out, warnings


def parse_also_present(text: str, *, meeting: MeetingRef, document: str, pages: PageLookup | None,
                       offset: int = 0) -> tuple[list[Attendance], list[ExtractionWarning]]:
    """`ALSO PRESENT:` people with their roles (`Councillor X, Cabinet Member - ...`, `Name, Organisation`).

    An entry whose name cannot be read is left out with a warning.
    """
    out: list[Attendance] = []
    warnings: list[ExtractionWarning] = []
    first = _PRESENT.search(text)
    for m in _ALSO_PRESENT.finditer(text):
        if first is None and not out and _ITEM_START.search(text, 0, m.start()):
            break  # `In attendance:` inside an item's prose, not the lists at the head of the minutes
        _, end = _block(text, m.end())
        src = provenance(document, pages, offset + m.start(), offset + end)
        listed = _one_per_line(text[m.end():end])
        if listed is not None:
            out.extend(Attendance(meeting, person, "also_present", src, role=role) for person, role in listed)
            continue
        flat = one_line(text[m.end():end])
        # each councillor starts a new entry; inside an entry, `Name, Role` pairs may follow
        chunks = re.split(r"(?=\b(?:Councillors?|Cllrs?\.?)\s)", flat)
        for chunk in chunks:
            chunk = chunk.strip(" ,;.")
            if not chunk:
                continue
            pairs = _also_present_entries(chunk)
            for name, role in pairs:
                person = parse_person(name)
                if person is None:
                    warnings.append(unreadable(document, pages, src.start, "name in the ALSO PRESENT list", name))
                    continue
                out.append(Attendance(meeting, person, "also_present", src, role=role or None))
        if _ITEM_START.match(text, end) or end == len(text):
            break
    return out, warnings


_NAME_THEN_ROLE = re.compile(r"^[ \t]*(?P<name>[^\s,()–—-][^,()–—]*?)\s*(?:\s[-–—]\s*\(?|,\s*|\((?=[^()]+\)\s*$))"
                             r"(?P<role>[^()]+?)\)?[ \t.;]*$")


def _one_per_line(block: str) -> list[tuple[PersonName, str]] | None:
    """`Jane Doe - Head of Planning` (or `Name, Role`, `Name (Role)`) on each line of ``block``;
    None unless every line is one readable person with a role (other shapes are read as a list)."""
    lines = [ln for ln in block.split("\n") if ln.strip()]
    if not lines or any(len(ln) > 200 for ln in lines):  # long lines are prose or a wrapped list
        return None
    out = []
    for ln in lines:
        m = _NAME_THEN_ROLE.match(ln)
        person = parse_person(m.group("name")) if m else None
        if person is None:
            return None
        out.append((person, one_line(m.group("role")).strip(" ,;.")))
    return out


# words of a post, not of a name: `Chief Executive (M. Fairlie)` is a post with its holder in brackets
_POST_WORD = re.compile(r"\b(?:Director|Officer|Executive|Manager|Head|Clerk|Solicitor|Advis[eo]r|Lawyer|Secretary|"
                        r"Lead|Chief|Assistant|Deputy|Services?|Team|Planner|Engineer|Treasurer|Accountant|"
                        r"Monitoring|Democratic|Legal|Finance|Governance)\b", re.I)


def _name_first(outside: str, bracket: str) -> tuple[str, str]:
    """(name, role) of `Name (Role)` or of `Role (Name)`: a post outside and a name in the brackets swap."""
    if _POST_WORD.search(outside) and not _POST_WORD.search(bracket) and len(bracket.split()) <= 4 and \
            parse_person(bracket) is not None:
        return bracket, outside
    return outside, bracket


def _also_present_entries(chunk: str) -> list[tuple[str, str]]:
    """`Councillors A and B` -> each councillor; `Name (Role), Name (Role)` -> (name, role) pairs;
    otherwise `Name, Role` pairs (split_name_org_list)."""
    if m := re.match(r"(?:Councillors|Cllrs\.?)\s+(.*)$", chunk):
        return [(f"Councillor {n.strip(' ,;.')}", "") for n in _NAME_SPLIT.split(m.group(1)) if n.strip(" ,;.")]
    if "(" in chunk:
        pairs = [(name.strip(" ,;."), bracket) for name, bracket in split_councillor_list(chunk) if name.strip(" ,;.")]
        if pairs and all(bracket for _, bracket in pairs):
            return [_name_first(name, bracket.strip()) for name, bracket in pairs]
    return split_name_org_list(chunk) or [(chunk, "")]


# `Apologies for absence were received from ...`, `Apologies were submitted by ...`, and the label
# `Apologies: Councillors A and B` / `Apologies for absence: ...`.
_APOLOGIES = re.compile(r"Apologies(?:\s+for\s+(absence|lateness))?\b[^.\n]*?\b(?:were|was|had\s+been|have\s+been)\s+"
                        r"(?:received|submitted|given|made|reported|tendered)\s+(?:from|on behalf of|by)\s+"
                        r"(?P<who>(?:[^.\n]|\n(?![ \t]*\n))+(?:(?:(?<=\b[A-Z])|(?<=\bMrs)|(?<=\bMr)|(?<=\bMs)|(?<=\bDr)|(?<=\bCllr)|(?<=\bSt)|"
                        r"(?=[ \t]*(?-i:[a-z])))\.(?:[^.\n]|\n(?![ \t]*\n))*)*)\.?"
                        r"|^[ \t]*Apologies(?:\s+for\s+(absence|lateness))?[ \t]*:[ \t]*(?P<listed>\S[^\n]*"
                        r"(?:\n(?![ \t]*\n)(?![ \t]*[A-Z][A-Za-z ]{0,30}:)[^\n]+)*)",
                        re.I | re.M)
_NO_APOLOGIES = re.compile(r"\bNo\s+apologies\b|\bthere were no apologies\b", re.I)


def split_apologies(who: str) -> tuple[str, list[str]]:
    """Split `Councillors A, B and C, Full Name, Full Name` into the councillors' list and the others.

    The councillors' list closes at its first `and`; names after that are non-councillors.
    """
    text = one_line(who)
    cm = re.match(r"(?:Councillors?|Cllrs?\.?)\s+(.*)$", text)
    if not cm:
        return "", [n for n in re.split(r",\s*|\s+and\s+", text) if n.strip()]
    rest = cm.group(1)
    am = re.search(r"\s+and\s+([^,]+)", rest)
    if not am:
        return rest, []
    councillors = rest[:am.end()]
    tail = rest[am.end():].strip(" ,")
    others = [n.strip() for n in re.split(r",\s*|\s+and\s+", tail) if n.strip()]
    # a tail that is not all full names was part of the councillors' list after all
    if others and not all(len(n.split()) >= 2 for n in others):
        return rest, []
    return councillors, others


def parse_apologies(text: str, *, meeting: MeetingRef, document: str, pages: PageLookup | None,
                    offset: int = 0) -> tuple[list[Attendance], list[ExtractionWarning]]:
    """Apologies for absence; `No apologies` gives none, apologies for lateness are not absence.

    A listed name that cannot be read is left out with a warning.
    """
    out: list[Attendance] = []
    warnings: list[ExtractionWarning] = []
    for m in _APOLOGIES.finditer(text):
        if (m.group(1) or m.group(3) or "").lower() == "lateness":
            continue
        who = m.group("who") or m.group("listed")
        if _NO_APOLOGIES.search(m.group(0)) or re.match(r"\s*(?:none|nil)\b", who, re.I):
            continue
        src = provenance(document, pages, offset + m.start(), offset + m.end())
        councillors, others = split_apologies(who.rstrip(" ."))
        people, not_names = split_people_list(councillors, honorific="Councillor") if councillors else ([], [])
        for name in others:
            person = parse_person(name)
            if person is not None:
                people.append(person)
            else:
                not_names.append(name)
        warnings.extend(unreadable(document, pages, src.start, "name in the apologies", name) for name in not_names)
        for person in people:
            out.append(Attendance(meeting, person, "apologies", src))
    return out, warnings


_DECLARATION = re.compile(
    r"(?P<who>\b(?:Councillor|Cllr\.?|Mr|Mrs|Ms|Miss|Dr)\s+(?:[A-Z][\w'-]*\.?\s+){0,2}[A-Z][\w'-]+)\s+declared\s+an?\s+"
    r"(?P<interest>[^.]*?interest[^.]*?)(?:\s+in\s+(?:Minute|Item|agenda item)\s*(?:No\.?\s*)?(?P<item>\d+[a-z]?))?"
    r"(?P<rest>[^.]*)\.", re.I)


def parse_declarations(text: str, *, meeting: MeetingRef, document: str, pages: PageLookup | None,
                       offset: int = 0) -> tuple[list[Declaration], list[ExtractionWarning]]:
    """`Councillor X declared a personal interest in Minute No. 5 ... and left the room` -> Declaration.

    A declaration whose name cannot be read is left out with a warning.
    """
    out: list[Declaration] = []
    warnings: list[ExtractionWarning] = []
    # Every declaration ends at a full stop, and the regex never looks past its match: searching
    # only up to the last full stop finds the same ones, and a declaration with no full stop after
    # it is not retried across the rest of the text (quadratic in its length).
    for m in _DECLARATION.finditer(text, 0, text.rfind(".") + 1):
        person = parse_person(m.group("who"))
        if person is None:
            warnings.append(unreadable(document, pages, offset + m.start(), "name in a declaration of interest",
                                       m.group("who")))
            continue
        sentence = m.group(0)
        low = sentence.lower()
        outcome = None
        if re.search(r"\b(?:left|withdrew|withdraw|leave)\b", low):
            outcome = "withdrew"
        elif re.search(r"\b(?:stayed|remained|remain)\b", low):
            outcome = "stayed"
        item = m.group("item")
        if item is None:
            im = re.search(r"(?:Minute|Item)\s*(?:No\.?\s*)?(\d+[a-z]?)", sentence, re.I)
            item = im.group(1) if im else None
        out.append(Declaration(meeting, person, item, one_line(m.group("interest") + m.group("rest")), outcome,
                               provenance(document, pages, offset + m.start(), offset + m.end())))
    return out, warnings
