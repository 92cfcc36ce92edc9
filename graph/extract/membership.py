"""Committee membership from an agenda front sheet: member/substitute table, co-opted members, officer."""
from __future__ import annotations

import re

from graph.records import ExtractionWarning, MeetingRef, Membership
from graph.extract.segments import Line, PageLookup, one_line, iter_lines, provenance, unreadable
from graph.values import parse_person

_TABLE_HEADER = re.compile(r"^\s*Members?\s*[\t ]+\s*Substitutes?\s*$", re.I)
# `Membership:` / `Members:` / `Councillors:` / `Substitutes:` then councillors, one a line or as one list.
_LIST_LABEL = re.compile(r"^[ \t]*(?P<label>Membership|Members|Committee\s+Members|(?:County\s+)?Councillors|Substitutes?|"
                         r"Substitute\s+Members)"
                         r"[ \t]*:[ \t]*(?P<rest>.*)$", re.I)
_LIST_COUNCILLORS = re.compile(r"\b(?:County\s+)?(?:Councillors?|Cllrs?\.?)\s+")
_OFFICER = re.compile(r"^\s*COMMITTEE\s+OFFICER\s*:\s*(.+?)\s*$", re.I)
_END_OF_MEMBERS = re.compile(r"^\s*(?:COMMITTEE\s+OFFICER|AGENDA\b|If you have)", re.I)
_COUNCILLOR_SPLIT = re.compile(r"(?=\b(?:Councillor|Cllr\.?|County Councillor)\s)")
_ROLE = re.compile(r"\((Vice[-\s]?Chair|Chair(?:man|person)?|Deputy Chair)\)", re.I)
_TELEPHONE = re.compile(r"^\s*(?:Tel(?:ephone)?(?: Number)?|Phone)\s*[:.]?\s*([\d ()+]{6,})\s*$", re.I)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_HONORIFIC = {"mr", "mrs", "ms", "miss", "dr", "sir", "father", "rev", "revd", "professor", "prof"}
# words that end a role or organisation, never a person's name
_ROLE_WORDS = {"member", "members", "officer", "manager", "director", "representative", "services", "service",
               "committee", "council", "board", "head", "lead", "chair", "healthwatch", "diocese", "archdiocese",
               "families", "schools", "children", "education", "cabinet", "advisory", "independent", "parent",
               "governor", "governors", "trust", "partnership", "forum", "group", "church", "authority"}


def join_wrapped_roles(lines: list[str]) -> list[str]:
    """Join a line that ends inside a bracket (`(Vice-`) with the next one (`Chair) ...`)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].count("(") > out[-1].count(")"):
            sep = "" if out[-1].endswith("-") else " "
            out[-1] = out[-1] + sep + line.strip()
        else:
            out.append(line.strip())
    return out


def _role_from(text: str) -> tuple[str, str]:
    """(`member`|`chair`|`vice-chair`, text without the role bracket)."""
    m = _ROLE.search(text)
    if not m:
        return "member", text.strip()
    word = m.group(1).lower().replace(" ", "-")
    role = "vice-chair" if word.startswith("vice") else "chair"
    return role, (text[:m.start()] + text[m.end():]).strip()


def split_member_row(row: str) -> list[tuple[str, str]]:
    """`Councillor A (Chair) Councillor B` -> [(role, 'Councillor A'), ('substitute', 'Councillor B')]."""
    if re.fullmatch(r"(?:(?:Councillors?|Cllrs?\.?)\s*)+", row.strip(), re.I):
        return []  # the column header row `Councillor Councillor`
    cells = [c.strip() for c in re.split(r"\t+", row) if c.strip()]
    if len(cells) < 2:
        cells = [c.strip() for c in _COUNCILLOR_SPLIT.split(row) if c.strip()]
    out: list[tuple[str, str]] = []
    for i, cell in enumerate(cells[:2]):
        role, name = _role_from(cell)
        if re.fullmatch(r"(?:Councillor|Cllr\.?)s?", name, re.I):
            continue  # the column header row `Councillor Councillor`
        out.append((role if i == 0 else "substitute", name))
    return out


def is_name_tail(words: list[str]) -> bool:
    """True when the last words of a phrase look like a person's name (capitalised, not role words)."""
    if len(words) < 2:
        return False
    tail = words[-2:]
    return all(w[:1].isupper() and w.strip(",.").lower() not in _ROLE_WORDS and not w.isupper()
               for w in tail)


def split_name_org_list(text: str) -> list[tuple[str, str]]:
    """`A Person, Org One B Person, Org Two` -> [('A Person', 'Org One'), ('B Person', 'Org Two')].

    Each comma ends a name; the words before the next name's last two words (and its title,
    if any) are the previous person's organisation or role.
    """
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2:
        return []
    entries: list[list[str]] = []
    current_name = parts[0]
    for part in parts[1:]:
        words = part.split()
        if len(words) >= 3 and is_name_tail(words):
            cut = len(words) - 2
            if cut >= 2 and words[cut - 1].strip(".").lower() in _HONORIFIC:
                cut -= 1
            entries.append([current_name, " ".join(words[:cut])])
            current_name = " ".join(words[cut:])
        else:
            if entries and current_name is None:
                entries[-1][1] += ", " + part
                continue
            entries.append([current_name, part])
            current_name = None  # type: ignore[assignment]
    if current_name:
        # a trailing name with no organisation after it
        entries.append([current_name, ""])
    merged: list[tuple[str, str]] = []
    for name, org in entries:
        if name is None:
            if merged:
                merged[-1] = (merged[-1][0], merged[-1][1] + ", " + org)
            continue
        merged.append((name.strip(), org.strip()))
    return merged


def parse_membership(text: str, *, committee: str, document: str, pages: PageLookup | None, offset: int = 0,
                     meeting: MeetingRef | None = None) -> tuple[list[Membership], list[ExtractionWarning]]:
    """Members, substitutes, chair, vice-chair, co-opted/advisory members and the committee officer.

    A name in the table or the officer line that cannot be read is left out with a warning.
    """
    lines = list(iter_lines(text, offset))
    out: list[Membership] = []
    warnings: list[ExtractionWarning] = []
    header = next((i for i, ln in enumerate(lines) if _TABLE_HEADER.match(ln.text)), None)
    if header is not None:
        body = []
        for ln in lines[header + 1:]:
            if _END_OF_MEMBERS.match(ln.text):
                break
            if ln.stripped:
                body.append(ln)
        rows: list[tuple[str, object]] = []  # (joined row text, first physical line)
        for ln in body:
            if rows and rows[-1][0].count("(") > rows[-1][0].count(")"):
                rows[-1] = (join_wrapped_roles([rows[-1][0], ln.stripped])[0], rows[-1][1])
            else:
                rows.append((ln.stripped, ln))
        seen: set[tuple[str, str]] = set()
        co_opted_text: list[str] = []
        co_opted_start = None
        for row, ln in rows:
            if re.search(r"\b(?:Councillor|Cllr)\b", row):
                for role, name in split_member_row(row):
                    person = parse_person(name if re.match(r"(?:Councillor|Cllr)", name) else f"Councillor {name}")
                    if person is None:
                        warnings.append(unreadable(document, pages, ln.start, "name in the membership table", name))
                        continue
                    if (person.full.lower(), role) in seen:
                        continue
                    seen.add((person.full.lower(), role))
                    src = provenance(document, pages, ln.start, ln.end)
                    out.append(Membership(committee, person, role, src, meeting=meeting))
                    if role in ("chair", "vice-chair"):
                        out.append(Membership(committee, person, "member", src, meeting=meeting))
            else:
                co_opted_text.append(row)
                co_opted_start = ln.start if co_opted_start is None else co_opted_start
        if co_opted_text:
            joined = " ".join(co_opted_text)
            src = provenance(document, pages, co_opted_start or offset, body[-1].end)
            for name, org in split_name_org_list(joined):
                person = parse_person(name)
                if person is None:
                    warnings.append(unreadable(document, pages, src.start, "name of a co-opted member", name))
                    continue
                role = "advisory member" if "advisory" in org.lower() else "co-opted member"
                out.append(Membership(committee, person, role, src, organisation=org or None, meeting=meeting))
    else:
        listed, list_warnings = parse_membership_lists(lines, committee=committee, document=document, pages=pages,
                                                       meeting=meeting)
        out.extend(listed)
        warnings.extend(list_warnings)
    officers, officer_warnings = parse_committee_officer(lines, committee=committee, document=document, pages=pages,
                                                         meeting=meeting)
    return out + officers, warnings + officer_warnings


def parse_membership_lists(lines: list[Line], *, committee: str, document: str, pages: PageLookup | None,
                           meeting: MeetingRef | None = None) -> tuple[list[Membership], list[ExtractionWarning]]:
    """`Membership:` (or `Members:`, `Substitutes:`) followed by councillors with their roles in
    brackets, one a line or run together (`Councillors A (Chair), B and C`); the list ends at a blank
    line followed by anything that is not a councillor, or at the next label."""
    from graph.extract.attendance import split_councillor_list, split_outside_brackets

    out: list[Membership] = []
    warnings: list[ExtractionWarning] = []
    seen: set[tuple[str, str]] = set()
    for i, ln in enumerate(lines):
        m = _LIST_LABEL.match(ln.text)
        if not m:
            continue
        substitutes = m.group("label").lower().startswith("substitute")
        parts, end = [m.group("rest")], ln.end
        for nxt in lines[i + 1:i + 60]:
            if not nxt.stripped:
                continue
            if _LIST_LABEL.match(nxt.text) or _END_OF_MEMBERS.match(nxt.text) or ":" in nxt.text or \
                    not re.match(r"(?:Councillors?|Cllrs?\.?|County Councillor)\s", nxt.stripped) and \
                    not parts[-1].rstrip().endswith((",", "and", "(")):
                break
            parts.append(nxt.stripped)
            end = nxt.end
        src = provenance(document, pages, ln.start, end)
        flat = one_line(" ".join(parts))
        for group in split_outside_brackets(flat, _LIST_COUNCILLORS):
            for name, bracket in split_councillor_list(group.strip(" ,;.")):
                name = name.strip(" ,;.")
                if not name or not name[0].isupper():
                    continue
                person = parse_person(f"Councillor {name}")
                if person is None:
                    warnings.append(unreadable(document, pages, ln.start, "name in the membership list", name))
                    continue
                role, _ = _role_from(f"({bracket})") if bracket else ("member", name)
                if substitutes:
                    role = "substitute"
                for r in ([role, "member"] if role in ("chair", "vice-chair") else [role]):
                    if (person.full.lower(), r) not in seen:
                        seen.add((person.full.lower(), r))
                        out.append(Membership(committee, person, r, src, meeting=meeting))
    return out, warnings


def parse_committee_officer(lines: list[Line], *, committee: str, document: str, pages: PageLookup | None,
                            meeting: MeetingRef | None = None) -> tuple[list[Membership], list[ExtractionWarning]]:
    """`COMMITTEE OFFICER: Name` then post, `Telephone:` and `E-mail:` lines; a warning if the name is unreadable."""
    for i, ln in enumerate(lines):
        m = _OFFICER.match(ln.text)
        if not m:
            continue
        person = parse_person(m.group(1))
        if person is None:
            return [], [unreadable(document, pages, ln.start, "committee officer's name", m.group(1))]
        post = telephone = email = None
        end = ln.end
        for nxt in [x for x in lines[i + 1:i + 10] if x.stripped][:4]:
            if tm := _TELEPHONE.match(nxt.text):
                telephone = one_line(tm.group(1))
            elif em := _EMAIL.search(nxt.text):
                email = em.group(0)
            elif post is None and telephone is None and ":" not in nxt.text and len(nxt.stripped) < 80:
                post = nxt.stripped
            else:
                break
            end = nxt.end
        return [Membership(committee, person, "committee officer", provenance(document, pages, ln.start, end),
                           post=post, telephone=telephone, email=email, meeting=meeting)], []
    return [], []
