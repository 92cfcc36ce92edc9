"""Facts stated in prose: school inspection outcomes and decisions reported in narrative text.

Rules follow the sentence shapes officers use (``X continues to be a good school``,
``Y has moved from Good to Requiring Improvement``, ``Cabinet agreed on <date> to ...``,
``... has been approved by the <body> to ...``); names are taken as printed.
"""
from __future__ import annotations

import re

from graph.clean import PageMap
from graph.iris import committee_key
from graph.records import DateValue, Decision, Provenance, SchoolOutcome
from graph.values import find_dates, parse_grade

_GRADE = r"'?\"?(?i:(outstanding|good|requires?\s+improvement|requiring\s+improvement|inadequate|satisfactory|" \
         r"serious\s+weaknesses|special\s+measures|exceptional|strong\s+standard|expected\s+standard|" \
         r"needs\s+attention|urgent\s+improvement)|(RI))'?\"?"
# A run of capitalised words, with short lower-case connectors inside ("Our Lady of Walsingham").
_NAME = r"(?P<school>[A-Z][\w'’.&-]*(?:[ \t]+(?:(?:of|the|de|la|upon|on|in)[ \t]+)?[A-Z][\w'’.&-]*)*)"

_OUTCOME_SHAPES: tuple[tuple[str, str], ...] = (
    # X continues to be / remains a good school -> grade unchanged
    (r"(?i:continues\s+to\s+be|remains)\s+(?:an?\s+)?" + _GRADE + r"(?:\s+school)?", "same"),
    # X retained its Good judgement -> grade unchanged
    (r"(?i:(?:has\s+)?retain(?:s|ed)\s+(?:its|their)\s+)" + _GRADE + r"(?i:\s+(?:judgement|judgment|grade|rating|status))",
     "same"),
    # X has moved / improved / fallen from A to B
    (r"(?i:has\s+(?:moved|improved|gone|fallen|dropped|declined|changed)\s+from)\s+" + _GRADE + r"\s+to\s+" + _GRADE,
     "from_to"),
    # X is now judged 'B' from the previous 'A' judgement
    (r"(?i:(?:is|was|has\s+been)\s+now\s+(?:judged|graded|rated)\s+(?:as\s+)?)" + _GRADE
     + r"\s+(?i:from\s+(?:the|its|a)\s+previous)\s+" + _GRADE, "to_from"),
    # X has been / was judged (as / to be) B, X was inspected in May and was judged B (no previous grade given)
    (r"(?i:(?:was\s+inspected\b[^.;\n]{0,80}?\s+and\s+)?(?:is|was|has\s+been)\s+(?:now\s+)?(?:judged|graded|rated)\s+"
     r"(?:to\s+be\s+|as\s+)?(?:an?\s+)?)" + _GRADE + r"(?!\s+from)", "to"),
)
# (pattern, shape, the pattern's part after the name): the name part is tried at every capital
# letter of the text, so a text where the rest of the sentence shape never occurs is not searched.
_OUTCOME_PATTERNS: tuple[tuple[re.Pattern[str], str, re.Pattern[str]], ...] = tuple(
    (re.compile(rf"{_NAME}\s+{tail}", re.M), shape, re.compile(tail, re.M)) for tail, shape in _OUTCOME_SHAPES)
_LEADING_NOISE = re.compile(r"^(?:The|This|However|Also|And|But|In|At|Both)\s+(?=[A-Z])")


_SENTENCE_END = re.compile(r"(?<=\w{4})\.\s+")  # "Good. Meadow": not "St. Mary's"


def _school_name(raw: str) -> tuple[str, int]:
    """The name in a run of capitalised words, and how many characters before it were not part of
    it: the run may cross a sentence end (`... judged Good. Meadow Lane School ...`) or start with
    a sentence word (`The`, `However`)."""
    cut = 0
    for m in _SENTENCE_END.finditer(raw):
        cut = m.end()
    rest = raw[cut:]
    cut += len(rest) - len(rest.lstrip())
    rest = rest.strip()
    name = _LEADING_NOISE.sub("", rest)
    return name, cut + len(rest) - len(name)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return left + 1 if left >= 0 else 0, right


def parse_school_outcomes(text: str, *, document: str, pages: PageMap, offset: int = 0) -> list[SchoolOutcome]:
    """Inspection outcomes stated in sentences, one SchoolOutcome per school mentioned."""
    outcomes: list[SchoolOutcome] = []
    taken: list[tuple[int, int]] = []
    for pattern, shape, tail in _OUTCOME_PATTERNS:
        if not tail.search(text):
            continue
        for m in pattern.finditer(text):
            # A name must start with a capital *in the original*: re.I lets [A-Z] match lower case.
            school, cut = _school_name(m.group("school"))
            start = m.start("school") + cut
            if not school[:1].isupper() or any(s < m.end() and start < e for s, e in taken):
                continue
            grades = [parse_grade(g) for g in m.groups()[1:] if g]
            if not grades or None in grades:
                continue
            if shape == "same":
                grade, previous = grades[0], grades[0]
            elif shape == "from_to":
                previous, grade = grades
            elif shape == "to_from":
                grade, previous = grades
            else:
                grade, previous = grades[0], None
            s0, s1 = _sentence_bounds(text, start, m.end())
            source = Provenance(document, pages.page_at(offset + start), offset + start, offset + m.end())
            outcomes.append(SchoolOutcome(school, grade, previous, text[s0:s1].strip(), source))
            taken.append((start, m.end()))
    outcomes.sort(key=lambda o: o.source.start)
    return outcomes


# --- decisions -----------------------------------------------------------------------

_BODY_NOUN = r"(?i:cabinet(?:\s+member)?|council|committee|board|commissioner|secretary\s+of\s+state|governing\s+body|governors|trust|panel)"
_ACTIVE = re.compile(
    rf"(?P<body>(?:[A-Z][\w'’&-]*[ \t]+){{0,4}}{_BODY_NOUN})\s+(?i:has\s+|have\s+|had\s+)?"
    rf"(?P<verb>(?i:agreed|approved|resolved|decided|determined))\b")
_PASSIVE = re.compile(
    rf"(?i:(?:has|have|had|was|were)\s+been\s+(?P<verb>approved|agreed|authorised|authorized)\s+by\s+(?:the\s+)?)"
    rf"(?P<body>(?:[A-Z][\w'’&-]*[ \t]+){{0,4}}{_BODY_NOUN})")
_PASSIVE_SIMPLE = re.compile(
    rf"(?i:(?:was|were)\s+(?P<verb>approved|agreed)\s+by\s+(?:the\s+)?)(?P<body>(?:[A-Z][\w'’&-]*[ \t]+){{0,4}}{_BODY_NOUN})")
# every verb the three patterns above can match
_DECISION_VERB = re.compile(r"agreed|approved|resolved|decided|determined|authorised|authorized", re.I)
_EFFECTIVE = re.compile(r"\b(?:with\s+effect\s+from|effective\s+from|taking\s+effect\s+(?:from|on)|from)\s+(?:the\s+)?$", re.I)
_SENTENCE = re.compile(r"[^.\n]+(?:\.(?!\d)|$)", re.M)


def decision_body(raw: str) -> str:
    """The deciding body as a name: a cabinet or council is named by its kind
    (``Sefton cabinet`` -> ``Cabinet``); others keep their capitalised words
    (``Regional Schools Commissioner``)."""
    words = raw.split()
    noun = words[-1].lower()
    if noun in {"cabinet", "council"}:
        return noun.capitalize()
    if len(words) >= 2 and words[-2].lower() == "cabinet" and noun == "member":
        return "Cabinet Member"
    kept = [w for w in words if w[:1].isupper() or w.lower() in {"of", "state"}]
    name = " ".join(kept) if kept else raw
    return name[:1].upper() + name[1:]


def parse_prose_decisions(text: str, *, document: str, pages: PageMap, offset: int = 0,
                          heading: str | None = None) -> list[Decision]:
    """Decisions reported in sentences: who decided, when, what, and from when it takes effect."""
    decisions: list[Decision] = []
    if not _DECISION_VERB.search(text):
        return decisions  # no sentence can hold a decision
    for s in _SENTENCE.finditer(text):
        sentence = s.group(0).strip()
        if not sentence or not _DECISION_VERB.search(sentence):
            continue
        m = _ACTIVE.search(sentence) or _PASSIVE.search(sentence) or _PASSIVE_SIMPLE.search(sentence)
        if m is None:
            continue
        body = decision_body(m.group("body"))
        if not committee_key(body):
            continue  # `the Committee agreed ...`: which committee, the sentence does not say
        lead = s.start() + (len(s.group(0)) - len(s.group(0).lstrip()))
        dates = find_dates(sentence)
        decided_on = None
        effective = None
        for d0, _d1, value in dates:
            if _EFFECTIVE.search(sentence[:d0]):
                effective = effective or value
            elif decided_on is None and d0 >= m.start():
                decided_on = value
        source = Provenance(document, pages.page_at(offset + lead), offset + lead, offset + lead + len(sentence))
        decisions.append(Decision(body, decided_on, sentence, source,
                                  subject=heading, effective=effective))
    return decisions


# --- decision notices (ModernGov "Decision details" pages, records of decision) ---------------

_DECISION_MAKER = re.compile(r"^[ \t]*Decision[ \t]+(?:Maker|Taker|taken[ \t]+by)[ \t]*:[ \t]*(?P<body>\S[^\n]*)$", re.M | re.I)
_NOTICE_LABEL = re.compile(r"^[ \t]*(?P<label>[A-Z][A-Za-z /()?'-]{2,60}?)[ \t]*:[ \t]*(?P<value>[^\n]*)$", re.M)
_NOTICE_SKIP = re.compile(r"^(?:decision\s+details|record\s+of\s+(?:executive\s+)?decision|decision\s+notice|"
                          r"issue\s+details|notice\s+of\s+decision)\s*$", re.I)


def parse_decision_notices(text: str, *, document: str, pages: PageMap, offset: int = 0) -> list[Decision]:
    """A decision notice: `Decision Maker: <body>`, the `Decision:` text below it, `Date of decision:`,
    `Effective from:`; its subject is the title line above the labels."""
    out: list[Decision] = []
    for maker in _DECISION_MAKER.finditer(text):
        labels: dict[str, tuple[re.Match[str], int]] = {}
        found = list(_NOTICE_LABEL.finditer(text, maker.start(), min(len(text), maker.start() + 6000)))
        for i, lm in enumerate(found):
            key = lm.group("label").strip().lower()
            end = found[i + 1].start() if i + 1 < len(found) else min(len(text), lm.end() + 3000)
            labels.setdefault(key, (lm, end))
            if i > 0 and _DECISION_MAKER.match(lm.group(0)):
                break  # the next notice
        decision = labels.get("decision") or labels.get("decision taken") or labels.get("decisions")
        if decision is None:
            continue
        lm, end = decision
        body = " ".join((lm.group("value") + " " + text[lm.end():end]).split())
        if not body:
            continue

        def date_of(*keys: str) -> DateValue | None:
            for key in keys:
                if key in labels:
                    dates = find_dates(labels[key][0].group("value"))
                    if dates:
                        return dates[0][2]
            return None

        before = [ln.strip() for ln in text[max(0, maker.start() - 400):maker.start()].split("\n") if ln.strip()]
        subject = next((ln for ln in reversed(before) if ":" not in ln and not _NOTICE_SKIP.match(ln)), None)
        source = Provenance(document, pages.page_at(offset + maker.start()), offset + maker.start(), offset + end)
        # a notice names its decision maker as a title ("Cabinet Member for Communities"): kept as printed
        out.append(Decision(" ".join(maker.group("body").split()), date_of("date of decision", "decision date",
                                                                               "date decision taken", "date"),
                            body, source, subject=subject, effective=date_of("effective from", "date effective")))
    return out
