"""The councilgraph vocabulary (``cg:``) as an rdflib DefinedNamespace, mirroring ontology.ttl.

``_fail = True`` makes a misspelt term an AttributeError; tests/test_ontology.py checks
that this class and ontology.ttl name the same terms. Standard vocabularies are
re-exported so the rest of the code imports every namespace from here.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

SCHEMA = Namespace("https://schema.org/")
PERSON = Namespace("http://www.w3.org/ns/person#")

CG_IRI = "https://councilgraph.org/ns#"


class CG(DefinedNamespace):
    """Terms defined in ontology.ttl."""

    _NS = Namespace(CG_IRI)
    _fail = True

    SourceDocument: URIRef
    Committee: URIRef
    Council: URIRef
    Meeting: URIRef
    Attendance: URIRef
    Substitution: URIRef
    Declaration: URIRef
    AgendaItem: URIRef
    Resolution: URIRef
    ResolutionPart: URIRef
    Decision: URIRef
    Report: URIRef
    CabinetMemberUpdate: URIRef
    Inspection: URIRef
    SchoolOutcome: URIRef
    WorkProgrammeItem: URIRef
    Grade: URIRef
    BodyKind: URIRef
    AreaJudgement: URIRef
    EvaluationArea: URIRef
    areaJudgement: URIRef
    evaluationArea: URIRef
    safeguarding: URIRef
    EvaluationAreaScheme: URIRef
    AreaInclusion: URIRef
    AreaCurriculumAndTeaching: URIRef
    AreaAchievement: URIRef
    AreaAttendanceAndBehaviour: URIRef
    AreaPersonalDevelopmentAndWellBeing: URIRef
    AreaEarlyYears: URIRef
    AreaSixthForm: URIRef
    AreaLeadershipAndGovernance: URIRef
    meeting: URIRef
    attendee: URIRef
    present: URIRef
    alsoPresent: URIRef
    sentApologies: URIRef
    substitute: URIRef
    substituteFor: URIRef
    declarant: URIRef
    agendaItem: URIRef
    part: URIRef
    decidedBy: URIRef
    reportTo: URIRef
    contactOfficer: URIRef
    cabinetMember: URIRef
    school: URIRef
    grade: URIRef
    previousGrade: URIRef
    committee: URIRef
    plannedMeeting: URIRef
    author: URIRef
    council: URIRef
    candidate: URIRef
    page: URIRef
    nameKey: URIRef
    familyNameKey: URIRef
    honorific: URIRef
    honour: URIRef
    unresolved: URIRef
    uncertainName: URIRef
    fileName: URIRef
    checksum: URIRef
    documentKind: URIRef
    pageCount: URIRef
    startTime: URIRef
    held: URIRef
    status: URIRef
    roleLabel: URIRef
    organisationName: URIRef
    interest: URIRef
    declarationOutcome: URIRef
    itemNumber: URIRef
    firstPage: URIRef
    lastPage: URIRef
    reportOf: URIRef
    toFollow: URIRef
    verbal: URIRef
    marker: URIRef
    question: URIRef
    discussion: URIRef
    reasons: URIRef
    alternatives: URIRef
    portfolio: URIRef
    wards: URIRef
    keyDecision: URIRef
    forwardPlan: URIRef
    exempt: URIRef
    recommendation: URIRef
    appendix: URIRef
    period: URIRef
    meetingDate: URIRef
    inspectionType: URIRef
    previousInspectionDate: URIRef
    previousInspectionType: URIRef
    developmentArea: URIRef
    support: URIRef
    reportReference: URIRef
    dateText: URIRef
    effectiveDate: URIRef
    informal: URIRef
    urn: URIRef
    LeadInspector: URIRef
    GradeScheme: URIRef
    BodyKindScheme: URIRef
    GradeOutstanding: URIRef
    GradeGood: URIRef
    GradeRequiresImprovement: URIRef
    GradeInadequate: URIRef
    GradeSeriousWeaknesses: URIRef
    GradeSpecialMeasures: URIRef
    GradeInsufficientProgress: URIRef
    GradeUngraded: URIRef
    GradeSatisfactory: URIRef
    GradeExceptional: URIRef
    GradeStrongStandard: URIRef
    GradeExpectedStandard: URIRef
    GradeNeedsAttention: URIRef
    GradeUrgentImprovement: URIRef
    BodyCouncil: URIRef
    BodyCommittee: URIRef
    BodyCabinet: URIRef
    BodyBoard: URIRef
    BodyInspectorate: URIRef
    BodyBody: URIRef


GRADE_CONCEPTS: dict[str, URIRef] = {
    "outstanding": CG.GradeOutstanding,
    "good": CG.GradeGood,
    "requires improvement": CG.GradeRequiresImprovement,
    "inadequate": CG.GradeInadequate,
    "serious weaknesses": CG.GradeSeriousWeaknesses,
    "special measures": CG.GradeSpecialMeasures,
    "insufficient progress": CG.GradeInsufficientProgress,
    "ungraded": CG.GradeUngraded,
    "satisfactory": CG.GradeSatisfactory,
    "exceptional": CG.GradeExceptional,
    "strong standard": CG.GradeStrongStandard,
    "expected standard": CG.GradeExpectedStandard,
    "needs attention": CG.GradeNeedsAttention,
    "urgent improvement": CG.GradeUrgentImprovement,
}
"""Grade name (lower case, as in records.GradeName) -> its skos:Concept."""

AREA_CONCEPTS: dict[str, URIRef] = {
    "Inclusion": CG.AreaInclusion,
    "Curriculum and teaching": CG.AreaCurriculumAndTeaching,
    "Achievement": CG.AreaAchievement,
    "Attendance and behaviour": CG.AreaAttendanceAndBehaviour,
    "Personal development and well-being": CG.AreaPersonalDevelopmentAndWellBeing,
    "Early years": CG.AreaEarlyYears,
    "Sixth form": CG.AreaSixthForm,
    "Leadership and governance": CG.AreaLeadershipAndGovernance,
}
"""Evaluation area (as in records.EvaluationArea) -> its skos:Concept, in the order Ofsted prints them."""

BODY_KINDS: dict[str, URIRef] = {
    "council": CG.BodyCouncil,
    "committee": CG.BodyCommittee,
    "cabinet": CG.BodyCabinet,
    "board": CG.BodyBoard,
    "inspectorate": CG.BodyInspectorate,
    "body": CG.BodyBody,
}

PREFIXES: dict[str, str] = {
    "cg": CG_IRI, "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
    "skos": str(SKOS), "foaf": str(FOAF), "org": str(ORG), "person": str(PERSON),
    "schema": str(SCHEMA), "prov": str(PROV), "dcterms": str(DCTERMS),
}
"""Prefixes bound on every graph and prepended to every query."""


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace councilgraph uses."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def sparql_string(text: str) -> str:
    """A SPARQL string literal for any text (escaped: quotes, backslashes, line breaks)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def sparql_values(variable: str, texts: list[str], size: int = 500) -> list[str]:
    """``VALUES ?variable { ... }`` blocks of at most ``size`` string literals each, for queries
    that look many keys up at once."""
    return [f"VALUES ?{variable} {{ " + " ".join(sparql_string(t) for t in texts[i:i + size]) + " }"
            for i in range(0, len(texts), size)]


__all__ = ["CG", "SCHEMA", "PERSON", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
           "GRADE_CONCEPTS", "AREA_CONCEPTS", "BODY_KINDS", "PREFIXES", "sparql_prefixes", "sparql_string", "sparql_values"]
