"""Typed records extracted from council papers: one dataclass per kind.

Every record carries a :class:`Provenance` (document, page, character span in the
cleaned text) so each fact in the graph and each search passage can point back at
the page it came from. Each kind has an ``EXAMPLE_*`` instance below; tests and
the graph builder use them as the smallest valid sample of the kind.

These records are the contract between extraction (``graph.extract``), the graph
builder (``graph.build``) and the search index (``search``): change a field here and
all three follow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Precision = Literal["day", "month", "year"]
GradeName = Literal[
    "Outstanding",
    "Good",
    "Requires Improvement",
    "Inadequate",
    "Serious Weaknesses",
    "Special Measures",
    "Insufficient progress",
    "Ungraded",
    "Satisfactory",
    # Ofsted's report cards (inspections from November 2025): each evaluation area on five points
    "Exceptional",
    "Strong standard",
    "Expected standard",
    "Needs attention",
    "Urgent improvement",
]
# The evaluation areas of a school's report card (Ofsted inspections from November 2025), in the
# order Ofsted prints them; early years and sixth form only where the school has them.
EvaluationArea = Literal[
    "Inclusion",
    "Curriculum and teaching",
    "Achievement",
    "Attendance and behaviour",
    "Personal development and well-being",
    "Early years",
    "Sixth form",
    "Leadership and governance",
]
SafeguardingOutcome = Literal["Met", "Not met"]


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: source file name, 1-based page (None if unknown), span in cleaned text."""

    document: str
    page: int | None
    start: int
    end: int


@dataclass(frozen=True)
class DateValue:
    """A date or date range as printed, with its ISO start/end and precision.

    ``start``/``end`` are ISO 8601 strings of the given precision: ``2024-01-30``
    (day), ``2018-10`` (month), ``2012`` (year). A single day has start == end.
    """

    text: str
    start: str
    end: str
    precision: Precision = "day"


# An inspector is one of His Majesty's Inspectors when an honour after the name says so ("HMI",
# "Senior HMI", "HMI (Ofsted)"); the SPARQL of graph.queries asks the same of cg:honour.
HMI_HONOUR = "hmi"


def honour_is_hmi(honour: str) -> bool:
    """Whether an honour written after a name marks one of His Majesty's Inspectors."""
    return HMI_HONOUR in honour.lower()


@dataclass(frozen=True)
class PersonName:
    """A person's name as printed, split into parts; titles never become part of the name.

    ``full`` is the name without titles or honours (``Danny Burns``; ``Hardman`` for a
    surname-only mention). ``surname_only`` marks mentions such as ``Councillor Page``
    that the graph must resolve. ``uncertain`` flags text that may be one name or two
    (``Harrison Kelly`` in a list of surnames) — kept as printed, never split by guesswork.
    """

    text: str
    full: str
    given: str | None = None
    family: str | None = None
    honorifics: tuple[str, ...] = ()  # Councillor, Cllr, Mr, Mrs, Dr, ...
    honours: tuple[str, ...] = ()  # OBE, MBE, HMI, Senior HMI, ...
    surname_only: bool = False
    uncertain: bool = False

    @property
    def is_councillor(self) -> bool:
        return any(h.lower() in {"councillor", "cllr", "cc", "county councillor"} for h in self.honorifics)

    @property
    def is_hmi(self) -> bool:
        return any(honour_is_hmi(h) for h in self.honours)


@dataclass(frozen=True)
class MeetingRef:
    """Identifies a meeting across records: the committee's name as printed and the meeting date."""

    committee: str
    date: str  # ISO day


@dataclass
class DocumentInfo:
    """The source document itself."""

    name: str  # file name, e.g. sefton-childrens-scrutiny-agenda-pack-2024-09-24.txt
    checksum: str  # sha256 of the raw bytes
    council: str | None  # e.g. "Sefton Council", None when the text does not say
    title: str | None
    kind: str  # agenda_pack | minutes | report | cabinet_member_update | decisions | document
    pages: int | None


@dataclass
class Meeting:
    """A meeting of a committee or other body."""

    committee: str
    date: DateValue
    time: str | None  # 24h "18:30"
    venue: str | None
    source: Provenance
    held: bool = True  # False for a future meeting known only from a work programme


@dataclass
class Membership:
    """A person's place on a committee: member, substitute, chair, co-opted/advisory member, committee officer."""

    committee: str
    person: PersonName
    role: str  # member | substitute | chair | vice-chair | co-opted member | advisory member | committee officer
    source: Provenance
    organisation: str | None = None  # "Healthwatch", "Diocese"
    post: str | None = None  # "Senior Democratic Services Officer"
    telephone: str | None = None
    email: str | None = None
    meeting: MeetingRef | None = None  # the agenda whose front sheet listed it


@dataclass
class Attendance:
    """One person's presence at, or apologies for, a meeting."""

    meeting: MeetingRef
    person: PersonName
    status: str  # present | also_present | apologies
    source: Provenance
    role: str | None = None  # "Chair", "Vice-Chair", "Cabinet Member - Children, Schools and Families"
    substitute_for: PersonName | None = None
    organisation: str | None = None


@dataclass
class Declaration:
    """A declaration of interest at a meeting."""

    meeting: MeetingRef
    person: PersonName
    item: str | None
    interest: str
    outcome: str | None  # "stayed" | "withdrew" | None
    source: Provenance


@dataclass
class AgendaItem:
    """An item on a meeting's agenda (or a numbered item in its minutes)."""

    meeting: MeetingRef
    number: str  # "7", "7a"
    title: str
    source: Provenance
    pages: tuple[int, int] | None = None
    report_of: str | None = None
    to_follow: bool = False
    verbal: bool = False


@dataclass
class Resolution:
    """What a meeting resolved under an item, with its numbered parts kept in order."""

    meeting: MeetingRef
    item_number: str | None
    item_title: str
    text: str  # the whole decision text
    parts: list[str]  # "(1) the petition be noted", ... ; [] when undivided
    source: Provenance
    marker: str | None = None  # "RESOLVED:", "Decision Made:", None when the marker was lost
    questions: list[str] = field(default_factory=list)  # questions members raised under the item
    discussion: str = ""  # the minute's narrative before the resolution
    reasons: str = ""  # "Reasons for the Decision:" printed after it
    alternatives: str = ""  # "Alternative Options Considered and Rejected:"


@dataclass
class ContactOfficer:
    name: PersonName
    telephone: str | None = None
    email: str | None = None


@dataclass
class ReportSection:
    """A titled section of a report or update: one search passage each."""

    title: str
    text: str
    source: Provenance


@dataclass
class Report:
    """An officer report with its cover table."""

    title: str
    source: Provenance
    meeting_date: DateValue | None = None
    report_to: str | None = None
    report_of: str | None = None
    portfolio: str | None = None
    wards: str | None = None
    key_decision: bool | None = None
    forward_plan: bool | None = None
    exempt: bool | None = None
    summary: str | None = None
    recommendations: list[str] = field(default_factory=list)
    contact_officers: list[ContactOfficer] = field(default_factory=list)
    appendices: list[str] = field(default_factory=list)
    sections: list[ReportSection] = field(default_factory=list)
    meeting: MeetingRef | None = None
    agenda_item: str | None = None  # agenda item number, when known


@dataclass
class CabinetMemberUpdate:
    """A cabinet member's update report: councillor, portfolio, period, and its sections."""

    councillor: PersonName
    portfolio: str
    period: DateValue | None
    source: Provenance
    committee: str | None = None  # the body it was reported to
    sections: list[ReportSection] = field(default_factory=list)


@dataclass
class Inspection:
    """One Ofsted inspection, from an outcomes table row (after merging continuation rows).

    ``inspector`` is None when the table has no inspector column (many councils list only the
    school, the dates and the judgements). A report card (inspections from November 2025) has no
    overall grade: ``grade`` is None and ``area_grades`` holds the grade of each evaluation area
    graded, with ``safeguarding`` "Met" or "Not met" when printed."""

    school: str
    start: DateValue
    inspector: PersonName | None
    grade: str | None  # a GradeName; None for a report card, which gives none overall
    source: Provenance
    inspection_type: str | None = None  # "Monitoring visit", "Short inspection", "Ungraded inspection", ...
    previous_date: DateValue | None = None
    previous_grade: str | None = None
    previous_type: str | None = None
    development_areas: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)  # LA relationship and support
    report_reference: str | None = None  # report number / link text that shared the grade cell
    urn: str | None = None
    area_grades: dict[str, str] = field(default_factory=dict)  # EvaluationArea -> GradeName, in printed order
    safeguarding: str | None = None  # a SafeguardingOutcome

    @property
    def hmi(self) -> bool:
        return self.inspector is not None and self.inspector.is_hmi


@dataclass
class SchoolOutcome:
    """A school's inspection outcome stated in prose (`X has moved from Good to Requiring Improvement`)."""

    school: str
    grade: str
    previous_grade: str | None
    sentence: str
    source: Provenance


@dataclass
class Decision:
    """A decision reported in prose (`Cabinet agreed on the 26th May 2022 to ...`) or a decision notice."""

    decided_by: str
    date: DateValue | None
    text: str
    source: Provenance
    subject: str | None = None  # the heading or school it is about
    effective: DateValue | None = None


@dataclass
class WorkProgrammeItem:
    """An item planned in a committee's work programme, or an informal meeting/visit."""

    committee: str
    item: str
    source: Provenance
    meeting_date: DateValue | None = None
    venue: str | None = None
    authors: list[PersonName] = field(default_factory=list)
    informal: bool = False
    description: str | None = None


@dataclass
class Passage:
    """Text no other record claimed (narrative minutes, scorecard rows...), kept searchable."""

    kind: str  # minutes | report | update | section | table
    title: str
    text: str
    source: Provenance
    meeting: MeetingRef | None = None


@dataclass
class ExtractionWarning:
    """Something the extractor saw but could not parse; shown in the ingest summary."""

    document: str
    page: int | None
    message: str
    text: str = ""
    offset: int | None = None  # where in the cleaned text the page was taken from; None: the whole document


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: DocumentInfo
    meetings: list[Meeting] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    agenda_items: list[AgendaItem] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    cabinet_updates: list[CabinetMemberUpdate] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    school_outcomes: list[SchoolOutcome] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    work_programme: list[WorkProgrammeItem] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Records per kind, for the ingest summary."""
        return {
            name: len(getattr(self, name))
            for name in (
                "meetings", "memberships", "attendance", "declarations", "agenda_items",
                "resolutions", "reports", "cabinet_updates", "inspections", "school_outcomes",
                "decisions", "work_programme", "passages",
            )
        }


# --- Example instances (shapes only; not taken from any corpus) -------------------

_SRC = Provenance(document="example-minutes.txt", page=3, start=120, end=260)
_MEETING_REF = MeetingRef(committee="Planning Committee", date="2023-11-07")

EXAMPLE_DATE = DateValue(text="7 th & 8 th November 2023", start="2023-11-07", end="2023-11-08")
EXAMPLE_PERSON = PersonName(
    text="Councillor Jane Example", full="Jane Example", given="Jane", family="Example",
    honorifics=("Councillor",),
)
EXAMPLE_MEETING = Meeting(
    committee="Planning Committee", date=DateValue("Tuesday 7th November, 2023", "2023-11-07", "2023-11-07"),
    time="18:30", venue="Council Chamber, Town Hall", source=_SRC,
)
EXAMPLE_MEMBERSHIP = Membership(committee="Planning Committee", person=EXAMPLE_PERSON, role="chair", source=_SRC)
EXAMPLE_ATTENDANCE = Attendance(
    meeting=_MEETING_REF,
    person=PersonName(text="Smith", full="Smith", family="Smith", honorifics=("Councillor",), surname_only=True),
    status="present", source=_SRC,
    substitute_for=PersonName(text="Councillor Jones", full="Jones", family="Jones", honorifics=("Councillor",), surname_only=True),
)
EXAMPLE_DECLARATION = Declaration(
    meeting=_MEETING_REF, person=EXAMPLE_PERSON, item="5", interest="personal interest as a school governor",
    outcome="stayed", source=_SRC,
)
EXAMPLE_AGENDA_ITEM = AgendaItem(
    meeting=_MEETING_REF, number="5", title="Local Plan Review", source=_SRC, pages=(13, 28),
    report_of="Head of Planning",
)
EXAMPLE_RESOLUTION = Resolution(
    meeting=_MEETING_REF, item_number="5", item_title="Local Plan Review",
    text="That (1) the report be noted; and (2) a further report be brought to the next meeting.",
    parts=["(1) the report be noted", "(2) a further report be brought to the next meeting"],
    source=_SRC, marker="RESOLVED:",
)
EXAMPLE_REPORT = Report(
    title="Local Plan Review", source=_SRC, report_of="Head of Planning", key_decision=False,
    recommendations=["(1) That the report be noted."],
    contact_officers=[ContactOfficer(EXAMPLE_PERSON, "01234 567890", "jane.example@example.gov.uk")],
)
EXAMPLE_CABINET_UPDATE = CabinetMemberUpdate(
    councillor=EXAMPLE_PERSON, portfolio="Planning", period=DateValue("May 2023", "2023-05", "2023-05", "month"),
    source=_SRC,
)
EXAMPLE_INSPECTION = Inspection(
    school="Example Church of England Primary School", start=EXAMPLE_DATE,
    inspector=PersonName(text="Sam Sample HMI", full="Sam Sample", given="Sam", family="Sample", honours=("HMI",)),
    grade="Good", source=_SRC, previous_date=DateValue("March 2015", "2015-03", "2015-03", "month"),
    previous_grade="Outstanding", development_areas=["Curriculum - deepen pupils' knowledge"],
)
EXAMPLE_REPORT_CARD_INSPECTION = Inspection(
    school="Example Community Primary School", start=DateValue("14 January 2026", "2026-01-14", "2026-01-14"),
    inspector=None, grade=None, source=_SRC,
    area_grades={"Inclusion": "Expected standard", "Curriculum and teaching": "Strong standard",
                 "Achievement": "Expected standard", "Attendance and behaviour": "Strong standard",
                 "Personal development and well-being": "Strong standard", "Early years": "Needs attention",
                 "Leadership and governance": "Expected standard"},
    safeguarding="Met",
)
EXAMPLE_SCHOOL_OUTCOME = SchoolOutcome(
    school="Example Primary School", grade="Requires Improvement", previous_grade="Good",
    sentence="Example Primary School has moved from Good to Requiring Improvement.", source=_SRC,
)
EXAMPLE_DECISION = Decision(
    decided_by="Cabinet", date=DateValue("5th May 2023", "2023-05-05", "2023-05-05"),
    text="Cabinet agreed on the 5th May 2023 to the closure of the school.", source=_SRC, subject="Example School",
)
EXAMPLE_WORK_PROGRAMME_ITEM = WorkProgrammeItem(
    committee="Planning Committee", item="Local Plan Review", source=_SRC,
    meeting_date=DateValue("Tuesday, 9 January 2024", "2024-01-09", "2024-01-09"), authors=[EXAMPLE_PERSON],
)
