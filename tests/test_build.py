"""Records -> RDF: same entity one IRI, distinct entities apart, deterministic, SHACL-valid, traceable."""
from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph import records as R
from graph.build import BuildContext, build_document_graph, document_graph_iri
from graph.iris import Minter
from graph.resolve import PeopleIndex
from graph.store import GraphStore
from graph.validate import validate_graph
from graph.vocab import CG, FOAF, PROV, RDF, SCHEMA, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/corpus")
BASE = "http://test.example"
INGESTED = "2024-10-01T12:00:00+00:00"


def src(doc: str, page: int = 1) -> R.Provenance:
    return R.Provenance(document=doc, page=page, start=0, end=10)


def cllr(text: str) -> R.PersonName:
    """A councillor mention: ``Smith`` (surname only) or ``Jane Smith``."""
    words = text.split()
    return R.PersonName(text=f"Councillor {text}", full=text, given=words[0] if len(words) > 1 else None,
                        family=words[-1], honorifics=("Councillor",), surname_only=len(words) == 1)


def person(text: str, **kw) -> R.PersonName:
    words = text.split()
    return R.PersonName(text=text, full=text, given=words[0] if len(words) > 1 else None, family=words[-1], **kw)


def example_extraction(name: str = "example-minutes.txt") -> R.Extraction:
    """One of every record kind (the EXAMPLE_* instances of graph/records.py)."""
    return R.Extraction(
        document=R.DocumentInfo(name, "0" * 64, "Example Council", "Minutes", "minutes", 5),
        meetings=[R.EXAMPLE_MEETING], memberships=[R.EXAMPLE_MEMBERSHIP], attendance=[R.EXAMPLE_ATTENDANCE],
        declarations=[R.EXAMPLE_DECLARATION], agenda_items=[R.EXAMPLE_AGENDA_ITEM], resolutions=[R.EXAMPLE_RESOLUTION],
        reports=[R.EXAMPLE_REPORT], cabinet_updates=[R.EXAMPLE_CABINET_UPDATE],
        inspections=[R.EXAMPLE_INSPECTION, R.EXAMPLE_REPORT_CARD_INSPECTION],
        school_outcomes=[R.EXAMPLE_SCHOOL_OUTCOME], decisions=[R.EXAMPLE_DECISION],
        work_programme=[R.EXAMPLE_WORK_PROGRAMME_ITEM],
    )


def two_documents() -> list[R.Extraction]:
    """A hand-made update (full names) and minutes (surname mentions, look-alike schools and names)."""
    update = R.Extraction(
        document=R.DocumentInfo("update-2022.txt", "1" * 64, "Borough Council", "Cabinet Member Update", "cabinet_member_update", 4),
        cabinet_updates=[R.CabinetMemberUpdate(cllr("Alice Quill"), "Education",
                                               R.DateValue("June 2022", "2022-06", "2022-06", "month"), src("update-2022.txt"))],
        school_outcomes=[R.SchoolOutcome("St Thomas C of E Primary", "Good", "Requires Improvement",
                                         "St Thomas C of E Primary has moved to Good.", src("update-2022.txt", 2))],
    )
    ref = R.MeetingRef("Overview and Scrutiny Committee (Children's Services and Safeguarding)", "2024-06-04")
    doc = "minutes-2024.txt"
    minutes = R.Extraction(
        document=R.DocumentInfo(doc, "2" * 64, "Borough Council", "Minutes", "minutes", 9),
        meetings=[R.Meeting(ref.committee, R.DateValue("4 June 2024", "2024-06-04", "2024-06-04"), "18:30", "Town Hall", src(doc))],
        memberships=[
            R.Membership("Overview and Scrutiny Committee (CS&S)", cllr("Bram Rook"), "member", src(doc)),
            R.Membership("Overview and Scrutiny Committee (CS&S)", person("Owen Wren"), "co-opted member", src(doc),
                         organisation="Diocese"),
            R.Membership("Overview and Scrutiny Committee (CS&S)", cllr("Wren"), "member", src(doc)),
        ],
        attendance=[
            R.Attendance(ref, cllr("Quill"), "also_present", src(doc, 2), role="Cabinet Member - Education"),
            R.Attendance(ref, cllr("Rook"), "present", src(doc, 2), role="Chair"),
            R.Attendance(ref, cllr("Lark"), "present", src(doc, 2), substitute_for=cllr("Wren")),
            R.Attendance(ref, person("Owen Wren"), "apologies", src(doc, 2), organisation="Diocese"),
        ],
        agenda_items=[R.AgendaItem(ref, "5", "Petition - Training", src(doc, 3))],
        resolutions=[R.Resolution(ref, "5", "Petition - Training", "That (1) the petition be noted; and (2) training be sourced.",
                                  ["(1) the petition be noted", "(2) training be sourced"], src(doc, 3), marker="RESOLVED:")],
        inspections=[
            R.Inspection("St Thomas CE Primary School", R.DateValue("6 th & 7 th June 2024", "2024-06-06", "2024-06-07"),
                         person("Vera Lamb"), "Outstanding", src(doc, 7), previous_grade="Good",
                         previous_date=R.DateValue("2020", "2020", "2020", "year")),
            R.Inspection("St Jude's CE Primary School, Northtown", R.DateValue("1 May 2024", "2024-05-01", "2024-05-01"),
                         person("Frith Murphy"), "Good", src(doc, 7)),
            R.Inspection("St Jude's Primary, Southvale", R.DateValue("1 May 2024", "2024-05-01", "2024-05-01"),
                         person("Frith Murray"), "Good", src(doc, 8)),
            R.Inspection("Hill High School", R.DateValue("2 May 2024", "2024-05-02", "2024-05-02"),
                         person("Vera Lamb", honours=("HMI",), ), "Inadequate", src(doc, 8),
                         inspection_type="Monitoring visit"),
        ],
        decisions=[R.Decision("Cabinet", R.DateValue("26th May 2022", "2022-05-26", "2022-05-26"),
                              "Cabinet agreed to the closure.", src(doc, 9), subject="Closure")],
    )
    return [update, minutes]


def context_for(extractions: list[R.Extraction]) -> BuildContext:
    return BuildContext(Minter(BASE), PeopleIndex.from_extractions(extractions), INGESTED)


def load(extractions: list[R.Extraction], store: GraphStore | None = None) -> tuple[GraphStore, BuildContext]:
    store = store or GraphStore.memory()
    context = context_for(extractions)
    for x in extractions:
        store.replace_graph(document_graph_iri(context, x.document.name), build_document_graph(x, context))
    return store, context


@functools.lru_cache(maxsize=1)
def corpus_extractions() -> tuple[R.Extraction, ...]:
    """The sample corpus read and extracted once per test session."""
    from graph.extract import extract_document
    from graph.read import read_document

    return tuple(extract_document(read_document(p)) for p in sorted(CORPUS.glob("*.txt")))


def union(store: GraphStore) -> Graph:
    """The union of the store's graphs, xsd:string literals as plain literals (RDF 1.1 says they are equal)."""
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    graph = Graph()
    for s, p, o in result.graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        graph.add((s, p, o))
    return graph


# --- tests ----------------------------------------------------------------------------------
def test_every_record_kind_builds_with_provenance():
    x = example_extraction()
    context = context_for([x])
    graph = build_document_graph(x, context)
    doc = document_graph_iri(context, x.document.name)
    for cls in (CG.Meeting, CG.Attendance, CG.Substitution, CG.Declaration, CG.AgendaItem, CG.Resolution, CG.Report,
                CG.CabinetMemberUpdate, CG.Inspection, CG.SchoolOutcome, CG.Decision, CG.WorkProgrammeItem):
        nodes = list(graph.subjects(RDF.type, cls))
        assert nodes, cls
        for node in nodes:
            assert (node, PROV.wasDerivedFrom, doc) in graph
        # a meeting known only as a work programme date has no page of its own; every record does
        assert any((node, CG.page, Literal(3)) in graph for node in nodes), cls
    assert graph.value(doc, CG.checksum) == Literal("0" * 64)
    assert str(graph.value(doc, PROV.generatedAtTime)) == INGESTED


def test_build_twice_is_isomorphic():
    extractions = two_documents()
    first = [build_document_graph(x, context_for(extractions)) for x in extractions]
    second = [build_document_graph(x, context_for(list(reversed(extractions)))) for x in extractions]
    for a, b in zip(first, second):
        assert isomorphic(a, b)


def test_same_entity_from_two_documents_is_one_iri():
    store, context = load(two_documents())
    graph = union(store)
    quill = URIRef(f"{BASE}/id/person/alice-quill")
    # the surname-only "Councillor Quill" of the minutes resolves to the cabinet member of the update
    assert (quill, FOAF.name, Literal("Alice Quill")) in graph
    assert (None, CG.alsoPresent, quill) in graph
    assert not [s for s in graph.subjects(RDF.type, FOAF.Person) if str(s).endswith("councillor-quill")]
    # St Thomas "C of E Primary" (update) and "CE Primary School" (minutes): one school
    schools = {s for s in graph.subjects(RDF.type, SCHEMA.School) if "st-thomas" in s}
    assert schools == {URIRef(f"{BASE}/id/school/st-thomas-ce-primary-school")}
    assert {str(x) for x in graph.objects(next(iter(schools)), SKOS.altLabel)} == {
        "St Thomas C of E Primary", "St Thomas CE Primary School"}
    # the committee under its long and short names: one IRI, every alias kept
    committees = {c for c in graph.subjects(RDF.type, CG.Committee) if not str(c).endswith("-cabinet")}
    assert len(committees) == 1
    committee = next(iter(committees))
    assert len(set(graph.objects(committee, SKOS.altLabel))) == 2
    assert graph.value(committee, SKOS.prefLabel) == Literal(
        "Overview and Scrutiny Committee (Children's Services and Safeguarding)")


def test_distinct_entities_stay_distinct():
    store, _ = load(two_documents())
    graph = union(store)
    schools = {str(s) for s in graph.subjects(RDF.type, SCHEMA.School) if "st-jude" in s}
    assert len(schools) == 2  # same saint, different places
    # a diocese representative "Owen Wren" is not "Councillor Wren"
    owen = URIRef(f"{BASE}/id/person/owen-wren")
    cllr_wren = URIRef(f"{BASE}/id/person/borough-council-councillor-wren")  # a bare surname is scoped by council
    assert (owen, FOAF.name, Literal("Owen Wren")) in graph
    assert (cllr_wren, FOAF.name, Literal("Wren")) in graph
    assert (None, CG.substituteFor, cllr_wren) in graph
    # near-identical inspectors are two people
    assert (URIRef(f"{BASE}/id/person/frith-murphy"), RDF.type, FOAF.Person) in graph
    assert (URIRef(f"{BASE}/id/person/frith-murray"), RDF.type, FOAF.Person) in graph


def test_document_graphs_conform_to_shapes():
    for x in [example_extraction(), *two_documents()]:
        conforms, text = validate_graph(build_document_graph(x, context_for([x])))
        assert conforms, text


def test_shapes_catch_an_inspection_without_grade():
    x = example_extraction()
    bad = replace(x, inspections=[replace(R.EXAMPLE_INSPECTION, grade="no such grade")])
    graph = build_document_graph(bad, context_for([bad]))
    conforms, text = validate_graph(graph)
    assert not conforms and "grade" in text


def test_report_card_builds_area_judgements_with_the_inspections_provenance():
    x = example_extraction()
    context = context_for([x])
    graph = build_document_graph(x, context)
    card = R.EXAMPLE_REPORT_CARD_INSPECTION
    node = context.minter.for_council(x.document.council).inspection(card.school, card.start.start)
    assert graph.value(node, CG.grade) is None  # a report card gives no overall grade
    assert graph.value(node, CG.safeguarding) == Literal("Met")
    got = {}
    for judgement in graph.objects(node, CG.areaJudgement):
        assert (judgement, RDF.type, CG.AreaJudgement) in graph
        assert graph.value(judgement, PROV.wasDerivedFrom) == document_graph_iri(context, x.document.name)
        assert graph.value(judgement, CG.page) == Literal(card.source.page)
        area, grade = graph.value(judgement, CG.evaluationArea), graph.value(judgement, CG.grade)
        assert (area, SKOS.inScheme, CG.EvaluationAreaScheme) in graph and (grade, SKOS.inScheme, CG.GradeScheme) in graph
        got[str(graph.value(area, SKOS.prefLabel))] = str(graph.value(grade, SKOS.prefLabel))
    assert got == card.area_grades


def test_shapes_catch_a_report_card_without_areas_or_with_a_bad_safeguarding_outcome():
    x = example_extraction()
    for bad_card in (replace(R.EXAMPLE_REPORT_CARD_INSPECTION, area_grades={}),
                     replace(R.EXAMPLE_REPORT_CARD_INSPECTION, safeguarding="Effective")):
        bad = replace(x, inspections=[bad_card])
        conforms, text = validate_graph(build_document_graph(bad, context_for([bad])))
        assert not conforms, bad_card


TRACE_QUERY = """
PREFIX cg: <https://councilgraph.org/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?o ?document ?page WHERE {
  GRAPH ?g { ?s ?p ?o . ?g dcterms:source ?document . OPTIONAL { ?s cg:page ?page } }
}"""


def test_every_fact_traceable_to_document_and_page_with_one_query():
    store, _ = load(two_documents())
    rows = list(store.query(TRACE_QUERY, union_default_graph=False))
    assert len(rows) >= store.triple_count()  # every quad comes back with its document
    names = {"update-2022.txt", "minutes-2024.txt"}
    assert {str(r[3]) for r in rows} == names
    # every triple whose subject is a record has the page it was read from
    records = {r[0] for r in store.query("PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?s WHERE { ?s prov:wasDerivedFrom ?d }")}
    for s, p, o, document, page in rows:
        if s in records:
            assert page is not None, (s, p, o)
    inspection_pages = {int(r[4]) for r in rows if "/id/inspection/hill-high-school/" in str(r[0])}
    assert inspection_pages == {8}


def test_docs_show_the_trace_query():
    text = (ROOT / "docs" / "graph.md").read_text()
    assert "GRAPH ?g { ?s ?p ?o . ?g dcterms:source ?document . OPTIONAL { ?s cg:page ?page } }" in text


# --- the sample corpus ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus_store():
    extractions = list(corpus_extractions())
    store, context = load(extractions)
    return store, context, extractions


def test_corpus_graph_conforms_to_shapes(corpus_store):
    store, context, extractions = corpus_store
    for x in extractions:
        conforms, text = validate_graph(build_document_graph(x, context))
        assert conforms, text[:3000]


def test_corpus_rebuild_is_isomorphic(corpus_store):
    _, context, extractions = corpus_store
    again = context_for(list(reversed(extractions)))
    for x in extractions:
        assert isomorphic(build_document_graph(x, context), build_document_graph(x, again))


def test_corpus_schools_and_people(corpus_store):
    store, _, _ = corpus_store
    graph = union(store)
    schools = {str(s).rsplit("/", 1)[1] for s in graph.subjects(RDF.type, SCHEMA.School)}
    lukes = {s for s in schools if s.startswith("st-lukes")}
    assert len(lukes) == 2, lukes  # Formby and Halsall stay apart
    harrisons = {str(p) for p in graph.subjects(FOAF.familyName, Literal("Harrison"))}
    assert f"{BASE}/id/person/stuart-harrison" in harrisons
    assert any(h.endswith("-councillor-harrison") for h in harrisons)
    assert (URIRef(f"{BASE}/id/person/frith-murphy"), RDF.type, FOAF.Person) in graph
    assert (URIRef(f"{BASE}/id/person/frith-murray"), RDF.type, FOAF.Person) in graph


def test_passages_point_at_entities_in_the_graph():
    from graph.passages import passages_for

    extractions = [*two_documents(), example_extraction()]
    store, context = load(extractions)
    graph = union(store)
    passages = [p for x in extractions for p in passages_for(x, context)]
    assert len({p.key for p in passages}) == len(passages)
    assert {"resolution", "inspection", "decision", "outcome", "work_programme", "report"} <= {p.kind for p in passages}
    # a resolved item is found through its resolution, which points at the item
    resolved_items = {ref.id for p in passages if p.kind == "resolution" for ref in p.entities if ref.type == "agenda_item"}
    assert resolved_items
    assert not [p for p in passages if p.kind == "agenda_item" and p.entities[0].id in resolved_items]
    for p in passages:
        for ref in p.entities:
            assert (URIRef(ref.id), None, None) in graph, (p.key, ref)
    resolution = next(p for p in passages if p.kind == "resolution" and p.document == "minutes-2024.txt")
    assert resolution.date == "2024-06-04" and resolution.page == 3 and "training be sourced" in resolution.text


def test_a_passage_points_first_at_the_record_it_came_from():
    from graph.passages import passages_for

    extractions = [*two_documents(), example_extraction()]
    _, context = load(extractions)
    own_type = {"resolution": "resolution", "agenda_item": "agenda_item", "report": "report",
                "inspection": "inspection", "decision": "decision", "work_programme": "work_programme_item",
                "outcome": "school"}
    for p in (p for x in extractions for p in passages_for(x, context)):
        if p.kind in own_type:
            assert p.entities[0].type == own_type[p.kind], (p.kind, p.entities)


def test_a_name_that_may_be_two_is_flagged_unless_another_mention_settles_it():
    from graph.records import Attendance, DocumentInfo, Extraction, Membership, MeetingRef, PersonName, Provenance

    src = Provenance("m.txt", 1, 0, 10)
    ref = MeetingRef("Planning Committee", "2024-03-05")

    def listed(full):
        return PersonName(text=full, full=full, honorifics=("Councillor",), uncertain=True)

    extraction = Extraction(
        DocumentInfo("m.txt", "x", "Example Council", None, "minutes", None),
        attendance=[Attendance(ref, listed("Ash Bourne"), "apologies", src), Attendance(ref, listed("Cole Dane"), "present", src)],
        memberships=[Membership("Planning Committee", PersonName(text="Councillor Cole Dane", full="Cole Dane", given="Cole",
                                                                 family="Dane", honorifics=("Councillor",)), "member", src)],
    )
    store, context = load([extraction])
    graph = union(store)
    ash, cole = (URIRef(f"{BASE}/id/person/{slug}") for slug in ("ash-bourne", "cole-dane"))
    assert (ash, CG.uncertainName, Literal(True)) in graph
    assert (ash, FOAF.givenName, None) not in graph  # not split by guesswork
    assert (cole, CG.uncertainName, None) not in graph
    assert (cole, FOAF.givenName, Literal("Cole")) in graph


def test_ntriples_for_ingest_are_the_graph_rdflib_writes(corpus_store):
    """document_ntriples (what ingest workers send to the store) writes exactly the lines rdflib's
    serializer writes for build_document_graph, on the corpus and on one of every record kind."""
    from graph.build import document_ntriples

    _, context, extractions = corpus_store
    awkward = replace(example_extraction("awkward.txt"), decisions=[replace(
        R.EXAMPLE_DECISION, text='Agreed "in full".\fNext page \\ back\r\nslash', subject="line\u2028separator")])
    for x in [*extractions, example_extraction(), awkward]:
        graph = build_document_graph(x, context)
        text, count = document_ntriples(x, context)
        assert count == len(graph)
        assert sorted(text.split("\n")[:-1]) == sorted(line for line in graph.serialize(format="nt").split("\n") if line)
        assert isomorphic(Graph().parse(data=text, format="nt"), graph)
