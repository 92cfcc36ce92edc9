"""Records -> RDF: the triples of one document's named graph.

Every record becomes a node typed with ontology.ttl / standard terms, with
``prov:wasDerivedFrom`` the document and ``cg:page`` the page it was read from. The
document node's IRI also names the graph (see :func:`document_graph_iri`), and carries
``dcterms:source`` (file name), ``cg:checksum`` and ``prov:generatedAtTime`` (ingest time),
so replacing one document's graph replaces its provenance with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.iris import Minter, committee_key, council_key, person_key, school_key, slugify
from graph.records import DateValue, Extraction, GradeName, MeetingRef, PersonName, Provenance
from graph.resolve import PeopleIndex
from graph.vocab import AREA_CONCEPTS, BODY_KINDS, CG, DCTERMS, FOAF, GRADE_CONCEPTS, ORG, PERSON, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD


@dataclass
class BuildContext:
    """What building a document's graph needs beyond the document: IRIs, people known in the run, time."""

    minter: Minter
    people: PeopleIndex
    ingested_at: str  # ISO datetime, for the document's provenance


def document_graph_iri(context: BuildContext, document_name: str) -> URIRef:
    """The named graph holding a document's facts: the document's own IRI."""
    return context.minter.document(document_name)


GRADE_LABELS = {name.lower(): name for name in get_args(GradeName)}
_DATATYPE_BY_PRECISION = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def date_literal(iso: str, precision: str | None = None) -> Literal:
    """``2024-01-30`` -> xsd:date, ``2018-10`` -> xsd:gYearMonth, ``2012`` -> xsd:gYear."""
    if precision is None:
        precision = {10: "day", 7: "month", 4: "year"}.get(len(iso), "day")
    if len(iso) not in (4, 7, 10):
        return Literal(iso)
    return Literal(iso, datatype=_DATATYPE_BY_PRECISION[precision])


def grade_concept(text: str | None) -> URIRef | None:
    """A grade as printed (any case, ``Requiring Improvement``) -> its skos:Concept, or None."""
    if not text:
        return None
    key = " ".join(text.lower().replace("requiring", "requires").split())
    if key in GRADE_CONCEPTS:
        return GRADE_CONCEPTS[key]
    for name, concept in GRADE_CONCEPTS.items():
        if key.startswith(name) or name.startswith(key):
            return concept
    return None


def body_kind(name: str) -> URIRef:
    """Classify a body by the shape of its name (org:classification)."""
    words = set(committee_key(name).split())
    if "ofsted" in words or "inspectorate" in words:
        return BODY_KINDS["inspectorate"]
    if "cabinet" in words:
        return BODY_KINDS["cabinet"]
    if words & {"board", "partnership", "forum", "panel"}:
        return BODY_KINDS["board"]
    if words & {"committee", "scrutiny", "sub"} or "committee" in name.lower():
        return BODY_KINDS["committee"]
    if words == {"council"} or words == {"full", "council"}:
        return BODY_KINDS["council"]
    return BODY_KINDS["committee"]


@dataclass
class PersonRef:
    iri: URIRef
    label: str
    name: PersonName
    resolved: bool
    candidates: tuple[str, ...] = ()


def resolve_person(context: BuildContext, name: PersonName, *, council: str | None, councillor: bool) -> PersonRef:
    """The IRI and label of a person mention after resolution (shared with graph.passages)."""
    result = context.people.resolve(name, council=council, councillor=councillor)
    canonical = result.name
    if canonical.surname_only or " " not in person_key(canonical.full):
        # Still a bare surname: a councillor stays "Councillor X"; anyone else keeps the surname.
        surname_name = PersonName(text=canonical.text, full=canonical.full, family=canonical.family or canonical.full,
                                  honorifics=canonical.honorifics, honours=canonical.honours, surname_only=True)
        if councillor or canonical.is_councillor:
            return PersonRef(context.minter.person(surname_name, council=council), f"Councillor {canonical.full}",
                             surname_name, False, result.candidates)
        return PersonRef(context.minter.iri("person", "surname-" + person_key(canonical.full).replace(" ", "-")),
                         canonical.full, surname_name, False)
    return PersonRef(context.minter.person(canonical, council=council), canonical.full, canonical, True)


Triple = tuple[Node, Node, Node]


@dataclass
class _Builder:
    extraction: Extraction
    context: BuildContext
    # A dict as an ordered set of triples, not an rdflib Graph: a document graph is only built, then
    # written out, and a Graph's add (checks, store indexes) cost a third of building one.
    triples: dict[Triple, None] = field(default_factory=dict)
    aliases: dict[URIRef, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.minter = self.context.minter.for_council(self.extraction.document.council)
        self.doc_name = self.extraction.document.name
        self.doc = document_graph_iri(self.context, self.doc_name)
        self.council_name = self.extraction.document.council
        self.council = self.minter.council(self.council_name) if self.council_name else None

    # --- small helpers ------------------------------------------------------------
    def add(self, s: Node, p: Node, o: Node | str | int | bool | None) -> None:
        if o is None or o == "":
            return
        if not isinstance(o, Node):
            o = Literal(o)
        self.triples[(s, p, o)] = None

    def record(self, node: URIRef, cls: URIRef, source: Provenance, *more: URIRef) -> URIRef:
        self.add(node, RDF.type, cls)
        for extra in more:
            self.add(node, RDF.type, extra)
        self.add(node, PROV.wasDerivedFrom, self.doc)
        if source.page is not None:
            self.add(node, CG.page, Literal(source.page, datatype=XSD.integer))
        return node

    def alias(self, node: URIRef, name: str) -> None:
        self.aliases.setdefault(node, set()).add(" ".join(name.split()))

    def date(self, node: URIRef, start_p: URIRef, end_p: URIRef | None, value: DateValue | None) -> None:
        if value is None:
            return
        self.add(node, start_p, date_literal(value.start, value.precision))
        if end_p is not None:
            self.add(node, end_p, date_literal(value.end, value.precision))

    # --- entities -------------------------------------------------------------------
    def committee(self, name: str) -> URIRef:
        node = self.minter.committee(name, council=self.council_name)
        self.add(node, RDF.type, CG.Committee)
        self.add(node, RDF.type, ORG.Organization)
        self.add(node, ORG.classification, body_kind(name))
        self.add(node, CG.nameKey, committee_key(name))
        self.add(node, ORG.subOrganizationOf, self.council)
        self.alias(node, name)
        return node

    def person(self, name: PersonName, *, councillor: bool) -> URIRef:
        ref = resolve_person(self.context, name, council=self.council_name, councillor=councillor)
        node, canonical = ref.iri, ref.name
        self.add(node, RDF.type, FOAF.Person)
        self.add(node, RDF.type, PERSON.Person)
        self.add(node, FOAF.name, canonical.full)
        self.add(node, RDFS.label, ref.label)
        self.add(node, CG.nameKey, person_key(canonical.full))
        if name.uncertain and not name.surname_only and not self.context.people.knows(canonical.full):
            # One name or two? Kept whole as printed, and not split into given and family name.
            self.add(node, CG.uncertainName, Literal(True))
        else:
            self.add(node, FOAF.givenName, canonical.given if ref.resolved else None)
            self.add(node, FOAF.familyName, canonical.family)
            if canonical.family:
                self.add(node, CG.familyNameKey, person_key(canonical.family))
        for h in name.honorifics:
            self.add(node, CG.honorific, h)
        for h in name.honours:
            self.add(node, CG.honour, h)
        if " ".join(name.text.split()) != canonical.full:
            self.add(node, SKOS.altLabel, " ".join(name.text.split()))
        if councillor or name.is_councillor:
            self.add(node, CG.council, self.council)
        if not ref.resolved and (councillor or name.is_councillor):
            self.add(node, CG.unresolved, Literal(True))
            for full in ref.candidates:
                self.add(node, CG.candidate, self.minter.person_by_key(person_key(full)))
        return node

    def school(self, name: str, urn: str | None = None) -> URIRef:
        node = self.minter.school(name)
        self.add(node, RDF.type, SCHEMA.School)
        self.add(node, CG.nameKey, school_key(name))
        self.add(node, CG.urn, urn)
        self.alias(node, name)
        return node

    def meeting(self, ref: MeetingRef) -> URIRef:
        node = self.minter.meeting_for(ref, council=self.council_name)
        committee = self.committee(ref.committee)
        self.add(node, RDF.type, CG.Meeting)
        self.add(node, RDF.type, SCHEMA.Event)
        self.add(node, SCHEMA.organizer, committee)
        self.add(node, SCHEMA.startDate, date_literal(ref.date))
        # Mentioned here (even if only as a planned date): the document is a source for it.
        self.add(node, PROV.wasDerivedFrom, self.doc)
        return node

    def grade(self, text: str | None) -> URIRef | None:
        """A grade concept, with its label and scheme copied in so the graph answers without the ontology."""
        concept = grade_concept(text)
        if concept is not None:
            self.add(concept, RDF.type, SKOS.Concept)
            self.add(concept, SKOS.inScheme, CG.GradeScheme)
            label = next(name for name, c in GRADE_CONCEPTS.items() if c == concept)
            self.add(concept, SKOS.prefLabel, GRADE_LABELS[label])
        return concept

    def evaluation_area(self, label: str) -> URIRef | None:
        """An evaluation area's concept, with its label and scheme copied in as for grades."""
        concept = AREA_CONCEPTS.get(label)
        if concept is not None:
            self.add(concept, RDF.type, SKOS.Concept)
            self.add(concept, SKOS.inScheme, CG.EvaluationAreaScheme)
            self.add(concept, SKOS.prefLabel, label)
        return concept

    def role(self, label: str) -> URIRef:
        node = self.minter.role(label)
        self.add(node, RDF.type, ORG.Role)
        self.add(node, RDFS.label, label)
        return node

    # --- records ------------------------------------------------------------------------
    def build(self) -> dict[Triple, None]:
        x = self.extraction
        self.document()
        for m in x.meetings:
            ref = MeetingRef(m.committee, m.date.start)
            node = self.record(self.meeting(ref), CG.Meeting, m.source)
            self.add(node, CG.startTime, m.time)
            self.add(node, SCHEMA.location, m.venue)
            self.add(node, CG.dateText, m.date.text)
            self.add(node, CG.held, Literal(m.held))
        for ms in x.memberships:
            self.membership(ms)
        for a in x.attendance:
            self.attendance(a)
        for d in x.declarations:
            meeting = self.meeting(d.meeting)
            person = self.person(d.person, councillor=d.person.is_councillor)
            node = self.record(self.minter.declaration(d.meeting, person, d.interest), CG.Declaration, d.source)
            self.add(node, CG.meeting, meeting)
            self.add(node, CG.declarant, person)
            self.add(node, CG.itemNumber, d.item)
            self.add(node, CG.interest, d.interest)
            self.add(node, CG.declarationOutcome, d.outcome)
        for item in x.agenda_items:
            self.agenda_item(item.meeting, item.number, item.title, item.source)
            node = self.minter.agenda_item(item.meeting, item.number)
            if item.pages:
                self.add(node, CG.firstPage, Literal(item.pages[0], datatype=XSD.integer))
                self.add(node, CG.lastPage, Literal(item.pages[1], datatype=XSD.integer))
            self.add(node, CG.reportOf, item.report_of)
            if item.to_follow:
                self.add(node, CG.toFollow, Literal(True))
            if item.verbal:
                self.add(node, CG.verbal, Literal(True))
        for r in x.resolutions:
            self.resolution(r)
        for rep in x.reports:
            self.report(rep)
        for u in x.cabinet_updates:
            self.cabinet_update(u)
        for i in x.inspections:
            self.inspection(i)
        for o in x.school_outcomes:
            node = self.record(self.minter.school_outcome(o.school, self.doc_name), CG.SchoolOutcome, o.source)
            self.add(node, CG.school, self.school(o.school))
            self.add(node, CG.grade, self.grade(o.grade))
            self.add(node, CG.previousGrade, self.grade(o.previous_grade))
            self.add(node, SCHEMA.text, o.sentence)
            self.add(node, RDFS.label, f"{o.school}: {o.grade}")
        for d in x.decisions:
            node = self.record(self.minter.decision(d.decided_by, d.date.start if d.date else None, d.text),
                               CG.Decision, d.source)
            self.add(node, CG.decidedBy, self.committee(d.decided_by))
            self.date(node, DCTERMS.date, None, d.date)
            self.date(node, CG.effectiveDate, None, d.effective)
            self.add(node, SCHEMA.text, d.text)
            self.add(node, DCTERMS.subject, d.subject)
            self.add(node, RDFS.label, f"{d.decided_by} decision" + (f": {d.subject}" if d.subject else ""))
        for w in x.work_programme:
            self.work_programme_item(w)
        self.labels()
        return self.triples

    def document(self) -> None:
        info = self.extraction.document
        d = self.doc
        self.add(d, RDF.type, CG.SourceDocument)
        self.add(d, RDF.type, FOAF.Document)
        self.add(d, DCTERMS.source, info.name)
        self.add(d, CG.fileName, info.name)
        self.add(d, CG.checksum, info.checksum)
        self.add(d, PROV.generatedAtTime, Literal(self.context.ingested_at, datatype=XSD.dateTime))
        self.add(d, DCTERMS.title, info.title)
        self.add(d, RDFS.label, info.title or info.name)
        self.add(d, CG.documentKind, info.kind)
        if info.pages is not None:
            self.add(d, CG.pageCount, Literal(info.pages, datatype=XSD.integer))
        if self.council is not None:
            self.add(d, CG.council, self.council)
            self.add(self.council, RDF.type, CG.Council)
            self.add(self.council, RDF.type, ORG.Organization)
            self.add(self.council, ORG.classification, BODY_KINDS["council"])
            self.add(self.council, CG.nameKey, council_key(self.council_name or ""))
            self.alias(self.council, self.council_name or "")

    def membership(self, ms) -> None:
        committee = self.committee(ms.committee)
        councillor = ms.role.lower() in {"member", "substitute", "chair", "vice-chair"} and not ms.organisation
        person = self.person(ms.person, councillor=councillor or ms.person.is_councillor)
        node = self.record(self.minter.membership(ms.committee, person, ms.role), ORG.Membership, ms.source)
        self.add(node, ORG.member, person)
        self.add(node, ORG.organization, committee)
        self.add(node, ORG.role, self.role(ms.role))
        self.add(node, CG.roleLabel, ms.role)
        self.add(node, CG.organisationName, ms.organisation)
        self.add(node, RDFS.label, f"{ms.person.full}, {ms.role}, {ms.committee}")
        if ms.meeting is not None:
            self.add(node, CG.meeting, self.meeting(ms.meeting))
        self.add(person, SCHEMA.jobTitle, ms.post)
        self.add(person, SCHEMA.telephone, ms.telephone)
        self.add(person, SCHEMA.email, ms.email)

    def attendance(self, a) -> None:
        meeting = self.meeting(a.meeting)
        councillor = a.person.is_councillor or a.substitute_for is not None or bool(a.role and "cabinet member" in a.role.lower())
        person = self.person(a.person, councillor=councillor)
        node = self.record(self.minter.attendance(a.meeting, person), CG.Attendance, a.source)
        self.add(node, CG.meeting, meeting)
        self.add(node, CG.attendee, person)
        self.add(node, CG.status, a.status)
        self.add(node, CG.roleLabel, a.role)
        self.add(node, CG.organisationName, a.organisation)
        shortcut = {"present": CG.present, "also_present": CG.alsoPresent, "apologies": CG.sentApologies}.get(a.status)
        if shortcut is not None:
            self.add(meeting, shortcut, person)
        if a.substitute_for is not None:
            absent = self.person(a.substitute_for, councillor=True)
            sub = self.record(self.minter.substitution(a.meeting, person), CG.Substitution, a.source)
            self.add(sub, CG.meeting, meeting)
            self.add(sub, CG.substitute, person)
            self.add(sub, CG.substituteFor, absent)

    def agenda_item(self, ref: MeetingRef, number: str, title: str, source: Provenance) -> URIRef:
        node = self.record(self.minter.agenda_item(ref, number), CG.AgendaItem, source)
        self.add(node, CG.meeting, self.meeting(ref))
        self.add(node, CG.itemNumber, number)
        self.add(node, DCTERMS.title, title)
        self.add(node, RDFS.label, f"{number}. {title}")
        return node

    def resolution(self, r) -> None:
        node = self.record(self.minter.resolution(r.meeting, r.item_number, r.item_title), CG.Resolution, r.source)
        self.add(node, CG.meeting, self.meeting(r.meeting))
        if r.item_number:
            self.add(node, CG.agendaItem, self.agenda_item(r.meeting, r.item_number, r.item_title, r.source))
        self.add(node, DCTERMS.title, r.item_title)
        self.add(node, RDFS.label, f"Resolution: {r.item_title}")
        self.add(node, SCHEMA.text, r.text)
        self.add(node, CG.marker, r.marker)
        self.add(node, CG.discussion, r.discussion)
        self.add(node, CG.reasons, r.reasons)
        self.add(node, CG.alternatives, r.alternatives)
        for q in r.questions:
            self.add(node, CG.question, q)
        for position, text in enumerate(r.parts, start=1):
            part = URIRef(f"{node}/part/{position}")
            self.record(part, CG.ResolutionPart, r.source)
            self.add(node, CG.part, part)
            self.add(part, SCHEMA.position, Literal(position, datatype=XSD.integer))
            self.add(part, SCHEMA.text, text)

    def report(self, rep) -> None:
        date = rep.meeting.date if rep.meeting else (rep.meeting_date.start if rep.meeting_date else None)
        node = self.record(self.minter.report(rep.title, date, self.doc_name), CG.Report, rep.source, FOAF.Document)
        self.add(node, DCTERMS.title, rep.title)
        self.add(node, RDFS.label, rep.title)
        self.date(node, CG.meetingDate, None, rep.meeting_date)
        if rep.report_to:
            self.add(node, CG.reportTo, self.committee(rep.report_to))
        self.add(node, CG.reportOf, rep.report_of)
        self.add(node, CG.portfolio, rep.portfolio)
        self.add(node, CG.wards, rep.wards)
        for prop, value in ((CG.keyDecision, rep.key_decision), (CG.forwardPlan, rep.forward_plan), (CG.exempt, rep.exempt)):
            if value is not None:
                self.add(node, prop, Literal(value))
        self.add(node, DCTERMS.abstract, rep.summary)
        for text in rep.recommendations:
            self.add(node, CG.recommendation, text)
        for text in rep.appendices:
            self.add(node, CG.appendix, text)
        for officer in rep.contact_officers:
            person = self.person(officer.name, councillor=officer.name.is_councillor)
            self.add(node, CG.contactOfficer, person)
            self.add(person, SCHEMA.telephone, officer.telephone)
            self.add(person, SCHEMA.email, officer.email)
        if rep.meeting is not None:
            self.add(node, CG.meeting, self.meeting(rep.meeting))
            if rep.agenda_item:
                self.add(node, CG.agendaItem, self.minter.agenda_item(rep.meeting, rep.agenda_item))

    def cabinet_update(self, u) -> None:
        person = self.person(u.councillor, councillor=True)
        period = u.period.start if u.period else None
        node = self.record(self.minter.cabinet_update(person, period, self.doc_name), CG.CabinetMemberUpdate,
                           u.source, FOAF.Document)
        self.add(node, CG.cabinetMember, person)
        self.add(node, CG.portfolio, u.portfolio)
        self.add(node, CG.period, u.period.text if u.period else None)
        self.date(node, DCTERMS.date, None, u.period)
        title = f"Cabinet Member Update: {u.portfolio}" + (f", {u.period.text}" if u.period else "")
        self.add(node, DCTERMS.title, title)
        self.add(node, RDFS.label, title)
        if u.committee:
            self.add(node, CG.reportTo, self.committee(u.committee))
        # Holding a portfolio is membership of the cabinet in the post "Cabinet Member - <portfolio>".
        cabinet = self.committee("Cabinet")
        role = f"Cabinet Member - {u.portfolio}"
        ms = self.record(self.minter.membership("Cabinet", person, role), ORG.Membership, u.source)
        self.add(ms, ORG.member, person)
        self.add(ms, ORG.organization, cabinet)
        self.add(ms, ORG.role, self.role(role))
        self.add(ms, CG.roleLabel, role)
        self.add(ms, CG.portfolio, u.portfolio)
        self.add(ms, RDFS.label, f"{u.councillor.full}, {role}")

    def inspection(self, i) -> None:
        node = self.record(self.minter.inspection(i.school, i.start.start), CG.Inspection, i.source, PROV.Activity)
        school = self.school(i.school, i.urn)
        self.add(node, CG.school, school)
        self.date(node, SCHEMA.startDate, SCHEMA.endDate, i.start)
        self.add(node, CG.dateText, i.start.text)
        if i.inspector is not None:
            inspector = self.person(i.inspector, councillor=False)
            association = URIRef(f"{node}/lead")
            self.add(node, PROV.qualifiedAssociation, association)
            self.record(association, PROV.Association, i.source)
            self.add(association, PROV.agent, inspector)
            self.add(association, PROV.hadRole, CG.LeadInspector)
            for honour in i.inspector.honours:  # as printed in this row: HMI is per inspection
                self.add(association, CG.honour, honour)
            self.add(node, PROV.wasAssociatedWith, inspector)
        self.add(node, CG.grade, self.grade(i.grade))
        # A report card: each area's grade a node of its own, read from the inspection's row.
        for area, grade in i.area_grades.items():
            concept, grade_node = self.evaluation_area(area), self.grade(grade)
            if concept is None or grade_node is None:
                continue  # not a GradeName / EvaluationArea: the shapes then say the inspection lacks it
            judgement = self.record(URIRef(f"{node}/area/{slugify(area)}"), CG.AreaJudgement, i.source)
            self.add(node, CG.areaJudgement, judgement)
            self.add(judgement, CG.evaluationArea, concept)
            self.add(judgement, CG.grade, grade_node)
            self.add(judgement, RDFS.label, f"{i.school}, {i.start.start}: {area} {grade}")
        self.add(node, CG.safeguarding, i.safeguarding)
        self.add(node, CG.previousGrade, self.grade(i.previous_grade))
        self.date(node, CG.previousInspectionDate, None, i.previous_date)
        self.add(node, CG.previousInspectionType, i.previous_type)
        self.add(node, CG.inspectionType, i.inspection_type)
        for text in i.development_areas:
            self.add(node, CG.developmentArea, text)
        for text in i.support:
            self.add(node, CG.support, text)
        self.add(node, CG.reportReference, i.report_reference)
        self.add(node, RDFS.label, f"Inspection of {i.school}, {i.start.start}")

    def work_programme_item(self, w) -> None:
        date = w.meeting_date.start if w.meeting_date else None
        node = self.record(self.minter.work_programme_item(w.committee, date, w.item), CG.WorkProgrammeItem, w.source)
        self.add(node, CG.committee, self.committee(w.committee))
        self.add(node, DCTERMS.title, w.item)
        self.add(node, RDFS.label, w.item)
        self.date(node, CG.meetingDate, None, w.meeting_date)
        if w.meeting_date and w.meeting_date.precision == "day":
            self.add(node, CG.plannedMeeting, self.meeting(MeetingRef(w.committee, w.meeting_date.start)))
        self.add(node, SCHEMA.location, w.venue)
        for author in w.authors:
            self.add(node, CG.author, self.person(author, councillor=author.is_councillor))
        if w.informal:
            self.add(node, CG.informal, Literal(True))
        self.add(node, DCTERMS.description, w.description)

    def labels(self) -> None:
        """Every alias as skos:altLabel; the longest (most complete) as prefLabel and rdfs:label."""
        for node, names in self.aliases.items():
            names.discard("")
            if not names:
                continue
            chosen = max(names, key=lambda n: (len(n), n))
            self.add(node, SKOS.prefLabel, chosen)
            self.add(node, RDFS.label, chosen)
            for name in names:
                self.add(node, SKOS.altLabel, name)
        # Meetings are labelled after their committee's chosen name.
        organizer, start_date = SCHEMA.organizer, SCHEMA.startDate  # looked up once: a namespace lookup is slow
        organised = [(s, o) for s, p, o in self.triples if p == organizer]
        start = {s: o for s, p, o in self.triples if p == start_date}  # a meeting's IRI holds its date: one each
        for meeting, committee in organised:
            names = self.aliases.get(committee)  # type: ignore[arg-type]
            date = start.get(meeting)
            if names and date is not None:
                self.add(meeting, RDFS.label, f"{max(names, key=lambda n: (len(n), n))}, {date}")


def _document_triples(extraction: Extraction, context: BuildContext) -> dict[Triple, None]:
    triples = _Builder(extraction, context).build()
    # type() rather than isinstance (an ABC check, slow over every term): the builder makes no subclasses.
    assert not any(type(t) is BNode for triple in triples for t in triple), "blank nodes break re-ingest"
    return triples


def build_document_graph(extraction: Extraction, context: BuildContext) -> Graph:
    """The triples of one document's named graph (deterministic: the same input gives the same triples)."""
    # SimpleMemory: the fewest indexes rdflib offers.
    graph = Graph(store="SimpleMemory")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for triple in _document_triples(extraction, context):
        graph.add(triple)
    return graph


def document_ntriples(extraction: Extraction, context: BuildContext) -> tuple[str, int]:
    """The same graph as :func:`build_document_graph`, as N-Triples text (one triple per line, the lines
    rdflib's serializer writes), and its number of triples; written directly, for ingest, without a Graph."""
    triples = _document_triples(extraction, context)
    return "".join(f"<{s}> <{p}> {_nt_object(o)} .\n" for s, p, o in triples), len(triples)


def _nt_object(term: Node) -> str:
    if isinstance(term, Literal):
        # What N-Triples (and rdflib) escape in a string: backslash, quote, line feed, carriage return.
        text = '"' + str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype else text
    if isinstance(term, URIRef):
        return f"<{term}>"
    raise TypeError(f"cannot write {term!r} as an N-Triples object")
