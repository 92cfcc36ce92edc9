"""Queries in the REST API's shapes, over a real store built from hand-made records and the corpus."""
from __future__ import annotations

import json

import pytest

from graph import queries as Q
from tests.test_build import BASE, corpus_extractions, load, two_documents


@pytest.fixture(scope="module")
def store():
    return load(two_documents())[0]


def test_inspections_by_inspector_as_typed(store):
    for typed in ("Vera Lamb", "vera lamb", "VERA LAMB HMI", "Ms Vera Lamb"):
        found = Q.find_inspections(store, inspector=typed)
        assert [i["school"]["name"] for i in found] == ["Hill High School", "St Thomas CE Primary School"], typed
    first = Q.find_inspections(store, inspector="Vera Lamb")[1]
    assert first["start"] == "2024-06-06" and first["end"] == "2024-06-07"
    assert first["grade"] == "Outstanding" and first["previous_grade"] == "Good" and first["previous_date"] == "2020"
    assert first["document"] == "minutes-2024.txt" and first["page"] == 7
    json.dumps(first)


def test_inspection_filters(store):
    assert [i["school"]["name"] for i in Q.find_inspections(store, hmi=True)] == ["Hill High School"]
    everything = Q.find_inspections(store)
    not_hmi = Q.find_inspections(store, hmi=False)
    assert not_hmi == [i for i in everything if not i["inspector"]["hmi"]] and len(not_hmi) < len(everything)
    assert len(Q.find_inspections(store, grade="good")) == 2
    assert [i["type"] for i in Q.find_inspections(store, type="monitoring visit")] == ["Monitoring visit"]
    assert len(Q.find_inspections(store, date_from="2024-05-02", date_to="2024-06")) == 2
    assert Q.find_inspections(store, school="St Thomas C of E Primary")[0]["grade"] == "Outstanding"
    with pytest.raises(ValueError):
        Q.find_inspections(store, date_from="last tuesday")


def test_meetings_and_detail(store):
    meetings = Q.find_meetings(store, committee="Overview and Scrutiny (CS&S)")
    assert [m["date"] for m in meetings] == ["2024-06-04"]
    assert Q.find_meetings(store, document="minutes-2024.txt") == meetings
    assert Q.find_meetings(store, document="update-2022.txt") == []
    detail = Q.meeting_detail(store, meetings[0]["key"])
    assert detail["time"] == "18:30" and detail["venue"] == "Town Hall"
    assert [p["name"] for p in detail["present"]] == ["Bram Rook", "Lark"]
    assert [p["name"] for p in detail["also_present"]] == ["Alice Quill"]
    assert [p["name"] for p in detail["apologies"]] == ["Owen Wren"]
    assert [(s["substitute"]["name"], s["for"]["name"]) for s in detail["substitutes"]] == [("Lark", "Wren")]
    assert detail["agenda_items"][0]["number"] == "5"
    assert detail["resolutions"][0]["parts"] == ["(1) the petition be noted", "(2) training be sourced"]
    assert [d["name"] for d in detail["documents"]] == ["minutes-2024.txt"]
    assert Q.meeting_detail(store, "nothing/2024-01-01") is None
    assert Q.meeting_detail(store, "bad key") is None


def test_meeting_detail_by_iri_is_the_detail_found_by_date(store):
    from graph.iris import Minter

    key = Q.find_meetings(store, committee="Overview and Scrutiny (CS&S)")[0]["key"]
    by_iri = Q.meeting_detail(store, key, base_iri=BASE)
    assert by_iri["id"] == str(Minter(BASE).iri("meeting", *key.split("/")))  # the IRI it looks up first
    assert by_iri == Q.meeting_detail(store, key)
    # Data minted under another base than the one asked with is still found, by the date.
    assert Q.meeting_detail(store, key, base_iri="http://elsewhere.example") == Q.meeting_detail(store, key)
    assert Q.meeting_detail(store, "nothing/2024-01-01", base_iri=BASE) is None


def test_people(store):
    quill = Q.find_people(store, name="Councillor Quill")
    assert [p["name"] for p in quill] == ["Alice Quill"]
    assert "councillor" in quill[0]["roles"] and quill[0]["memberships"][0]["role"] == "Cabinet Member - Education"
    rook = Q.find_people(store, name="bram rook")[0]
    assert rook["attended"] == 1 and rook["apologies"] == 0
    wrens = {p["name"]: p["roles"] for p in Q.find_people(store, name="Wren")}
    assert set(wrens) == {"Owen Wren", "Wren"}
    assert [p["name"] for p in Q.find_people(store, role="inspector")] == ["Frith Murphy", "Frith Murray", "Vera Lamb"]


def test_describe_entity(store):
    entity = Q.describe_entity(store, f"{BASE}/id/school/st-thomas-ce-primary-school")
    assert "https://schema.org/School" in entity["types"]
    assert {s["document"] for s in entity["sources"]} == {"update-2022.txt", "minutes-2024.txt"}
    assert any(link["predicate"].endswith("#school") for link in entity["incoming"])
    assert Q.describe_entity(store, f"{BASE}/id/school/nowhere") is None


def test_an_entitys_sources_are_each_document_stating_it_with_its_pages(corpus):
    """Each document graph with a triple about the entity, with the entity's page there (none:
    None), as a plain reading of the quads gives them."""
    entities = [i["id"] for i in Q.find_inspections(corpus)] + [i["school"]["id"] for i in Q.find_inspections(corpus)]
    entities += [m["id"] for m in Q.find_meetings(corpus)]
    for iri in entities[::3]:
        expected = set()
        for row in Q._rows(corpus, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"):
            name = Q._rows(corpus, f"SELECT ?n WHERE {{ <{row['g']}> cg:fileName ?n }}")[0]["n"]
            pages = [r["page"] for r in Q._rows(corpus, f"SELECT ?page WHERE {{ GRAPH <{row['g']}> {{ <{iri}> cg:page ?page }} }}")]
            expected |= {(name, page) for page in pages or [None]}
        got = {(s["document"], s["page"]) for s in Q.describe_entity(corpus, iri)["sources"]}
        assert got == expected and got, iri


def test_decisions_and_stats(store):
    found = Q.decisions(store, body="cabinet", date_from="2022")
    assert [d["subject"] for d in found] == ["Closure"] and found[0]["date"] == "2022-05-26"
    assert Q.decisions(store, date_to="2021") == []
    stats = Q.stats(store)
    assert stats["documents"] == 2 and stats["entities"]["inspections"] == 4 and stats["triples"] > 100


# --- the sample corpus: the gold questions --------------------------------------------------------
@pytest.fixture(scope="module")
def corpus():
    return load(list(corpus_extractions()))[0]


def gold():
    from tests.test_build import CORPUS

    return json.loads((CORPUS / "gold.json").read_text())


def test_corpus_inspector_questions(corpus):
    for question in gold()["questions"]:
        ask = question.get("ask", "")
        if ask.startswith("Which schools did "):
            name = ask[len("Which schools did "):-len(" grade?")]
            found = Q.find_inspections(corpus, inspector=name)
            assert len(found) == len(question["answer"]), ask
        if "led by an HMI" in ask:
            assert len(Q.find_inspections(corpus, hmi=True)) == len(question["answer"])


def test_corpus_apologies_question(corpus):
    meeting = next(m for m in Q.find_meetings(corpus, date="2024-06-04"))
    apologies = {p["name"] for p in Q.meeting_detail(corpus, meeting["key"])["apologies"]}
    expected = next(q["answer"] for q in gold()["questions"] if q.get("ask", "").startswith("Who sent apologies"))
    assert set(expected) <= apologies


class _SparqlOnly:
    """The same store seen only through its SPARQL interface, as a remote store is."""

    def __init__(self, store):
        self.query = store.query


@pytest.mark.parametrize("facts, kind", [(Q._INSPECTION_FACTS, "cg:Inspection"), (Q._DECISION_FACTS, "cg:Decision")])
def test_fact_paths_read_in_one_query_match_their_sparql(corpus, facts, kind):
    """facts_of reads the paths in one LATERAL query per batch on an embedded store and asks one
    standard SPARQL query per fact elsewhere: on the corpus both give the same facts, and the
    facts are there."""
    described = Q._described(corpus, "?s", [f"GRAPH ?g {{ ?s a {kind} }}"])
    assert described
    read = Q.facts_of(corpus, described, facts)
    asked = Q.facts_of(_SparqlOnly(corpus), described, facts)
    assert read == asked
    assert all(by_fact.get("document") for by_fact in read.values())


def test_fact_paths_read_by_one_query_give_every_value_and_only_the_records_graph():
    """Facts with several values (two of them on one record: rows multiply), a path through a
    node kept by `Having` and one whose `Having` fails, a path stopped by a literal, and the same
    record stated differently in a second graph: the embedded store's one query per batch and
    the per-fact SPARQL read the same values, those of the record's own graph."""
    from graph.store import GraphStore

    ex = "http://example.org/"
    facts = {
        "label": (Q.RDFS.label,),
        "school": (Q.CG.school,),
        "schoolName": (Q.CG.school, Q.RDFS.label),
        "leadName": (Q.PROV.qualifiedAssociation, Q.Having(Q.PROV.hadRole, Q.CG.LeadInspector), Q.PROV.agent, Q.FOAF.name),
        "lead": (Q.PROV.qualifiedAssociation, Q.Having(Q.PROV.hadRole, Q.CG.LeadInspector)),
        "throughLiteral": (Q.CG.page, Q.RDFS.label),
    }
    lit = '"{}"'.format
    store = GraphStore.memory()
    store.replace_graph(ex + "g1", "\n".join(f"{s} {p} {o} ." for s, p, o in [
        (f"<{ex}r1>", f"<{Q.RDFS.label}>", lit("first")), (f"<{ex}r1>", f"<{Q.RDFS.label}>", lit("second")),
        (f"<{ex}r1>", f"<{Q.CG.school}>", f"<{ex}s1>"), (f"<{ex}r1>", f"<{Q.CG.school}>", f"<{ex}s2>"),
        (f"<{ex}s1>", f"<{Q.RDFS.label}>", lit("School One")), (f"<{ex}s2>", f"<{Q.RDFS.label}>", lit("School Two")),
        (f"<{ex}s2>", f"<{Q.RDFS.label}>", lit("The Second School")),
        (f"<{ex}r1>", f"<{Q.PROV.qualifiedAssociation}>", f"<{ex}a1>"),
        (f"<{ex}r1>", f"<{Q.PROV.qualifiedAssociation}>", f"<{ex}a2>"),
        (f"<{ex}a1>", f"<{Q.PROV.hadRole}>", f"<{Q.CG.LeadInspector}>"), (f"<{ex}a1>", f"<{Q.PROV.agent}>", f"<{ex}p1>"),
        (f"<{ex}a2>", f"<{Q.PROV.agent}>", f"<{ex}p2>"),
        (f"<{ex}p1>", f"<{Q.FOAF.name}>", lit("Lead Person")), (f"<{ex}p2>", f"<{Q.FOAF.name}>", lit("Other Person")),
        (f"<{ex}r1>", f"<{Q.CG.page}>", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (f"<{ex}r2>", f"<{Q.RDFS.label}>", lit("no other facts")),
    ]) + "\n")
    store.replace_graph(ex + "g2", f"<{ex}r1> <{Q.RDFS.label}> \"from another document\" .\n"
                                   f"<{ex}s1> <{Q.RDFS.label}> \"School One, elsewhere\" .\n")
    described = [(ex + "r1", ex + "g1"), (ex + "r2", ex + "g1")]
    expected = {
        ex + "r1": {"label": ["first", "second"], "school": [ex + "s1", ex + "s2"],
                    "schoolName": ["School One", "School Two", "The Second School"], "leadName": ["Lead Person"],
                    "lead": [ex + "a1"]},
        ex + "r2": {"label": ["no other facts"]},
    }
    assert Q.facts_of(store, described, facts) == expected
    assert Q.facts_of(_SparqlOnly(store), described, facts) == expected
    assert Q.facts_of(store, described, facts, batch=1) == expected


def test_meetings_are_listed_by_date_then_committee_and_paged_in_that_order(corpus):
    meetings = Q.find_meetings(corpus)
    assert len(meetings) > 3
    by_facts = sorted(meetings, key=lambda m: (m["date"], m["committee"]["id"].rsplit("/", 1)[-1], m["id"]))
    assert meetings == by_facts
    total, page = Q.meetings_page(corpus, offset=1, limit=2)
    assert total == len(meetings) and page == meetings[1:3]
    year = meetings[-1]["date"][:4]
    assert Q.find_meetings(corpus, date=year) == [m for m in meetings if m["date"].startswith(year)]
    assert Q.find_meetings(corpus, date_from=year) == [m for m in meetings if m["date"] >= year]
    assert Q.find_meetings(corpus, date_to=year) == [m for m in meetings if m["date"][:4] <= year]


def test_a_read_only_snapshot_lists_meetings_as_a_writable_store_does(corpus, tmp_path):
    from graph.store import GraphStore

    written = load(list(corpus_extractions()), GraphStore.open(tmp_path / "store"))[0]
    written.ensure_merged()
    written.close()
    snapshot = GraphStore.open(tmp_path / "store", read_only=True)
    try:
        dates = sorted({m["date"] for m in Q.find_meetings(corpus)})
        year, month = dates[0][:4], dates[-1][:7]
        for filters in ({}, {"date": year}, {"date": month}, {"date": dates[-1]}, {"date_from": dates[1]},
                        {"date_to": year}, {"date_from": year, "date_to": month}, {"date_from": "2999"}):
            for window in ({}, {"offset": 1, "limit": 2}):
                assert Q.meetings_page(snapshot, **filters, **window) == Q.meetings_page(corpus, **filters, **window), filters
        starts = sorted({i["start"] for i in Q.find_inspections(corpus)})
        everything = Q.find_inspections(corpus)
        grade, kind = everything[0]["grade"], next(i["type"] for i in everything if i["type"])
        for filters in ({}, {"date_from": starts[1]}, {"date_to": starts[-2][:7]}, {"grade": "good"},
                        {"date_from": starts[0][:4], "date_to": starts[-1][:4], "hmi": False}, {"hmi": True},
                        {"grade": grade, "hmi": False}, {"type": kind.upper()}, {"type": kind, "date_from": starts[1]},
                        {"type": "no such type"}, {"grade": grade, "type": kind, "hmi": True},
                        {"date_from": starts[-1], "date_to": starts[0], "grade": grade},
                        *_name_filters(everything)):
            for window in ({}, {"offset": 1, "limit": 2}):
                assert Q.inspections_page(snapshot, **filters, **window) == Q.inspections_page(corpus, **filters, **window), filters
        for filters in ({}, {"offset": 2, "limit": 3}, {"role": "inspector"}, {"role": "councillor", "limit": 2},
                        {"role": "CHAIR", "offset": 1}, {"role": "no such role"}):
            assert Q.people_page(snapshot, **filters) == Q.people_page(corpus, **filters), filters
        # Kept for the snapshot's life; a writable store computes it each time.
        kept = snapshot.derived("order of cg:Meeting", lambda: pytest.fail("the order was not kept"))
        assert kept[1] == [m["id"] for m in Q.find_meetings(snapshot)]
        snapshot.derived("facets of cg:Inspection", lambda: pytest.fail("the facets were not kept"))
        assert corpus.derived("x", list) is not corpus.derived("x", list)
    finally:
        snapshot.close()


def _name_filters(inspections: list[dict]) -> list[dict]:
    """Filters by inspector and school as people type them: whole names, a surname alone, a
    title, other case, a name nobody has, with other filters."""
    led = next(i for i in inspections if i["inspector"]["name"] and " " in i["inspector"]["name"])
    lead, school = led["inspector"]["name"], led["school"]["name"]
    return [{"inspector": lead}, {"inspector": f"Mrs {lead.upper()} HMI"}, {"inspector": lead.split()[-1]},
            {"inspector": lead, "hmi": not led["inspector"]["hmi"]}, {"inspector": lead, "date_from": led["start"]},
            {"inspector": "Nobody Atall"}, {"school": school}, {"school": school.lower(), "grade": led["grade"]},
            {"school": "No Such School"}, {"inspector": lead, "school": school}]


def test_inspections_are_listed_oldest_first_and_paged_in_that_order(corpus):
    everything = Q.find_inspections(corpus)
    assert len(everything) > 5
    assert [i["start"] for i in everything] == sorted(i["start"] for i in everything)
    pages = [Q.inspections_page(corpus, offset=o, limit=3) for o in range(0, len(everything), 3)]
    assert all(total == len(everything) for total, _ in pages)
    assert [i for _, page in pages for i in page] == everything
    middle = everything[len(everything) // 2]["start"]
    assert Q.find_inspections(corpus, date_from=middle) == [i for i in everything if i["start"] >= middle]
    assert Q.find_inspections(corpus, date_to=middle[:7]) == [i for i in everything if i["start"][:7] <= middle[:7]]
    not_hmi = [i for i in everything if not i["inspector"]["hmi"]]
    assert Q.find_inspections(corpus, hmi=False) == not_hmi and len(not_hmi) < len(everything)
    assert Q.inspections_page(corpus, hmi=False, offset=1, limit=2)[1] == not_hmi[1:3]


@pytest.mark.parametrize("role", ["councillor", "inspector", "contact officer", "Chair", "member", "cabinet"])
def test_a_role_filter_lists_the_people_whose_listed_roles_hold_it(corpus, role):
    everyone = Q.find_people(corpus)
    having = [p for p in everyone if any(role.lower() in r.lower() for r in p["roles"])]
    total, page = Q.people_page(corpus, role=role, offset=1, limit=3)
    assert total == len(having) and page == having[1:4]
    assert Q.find_people(corpus, role=role) == having



def _snapshot_of(extractions, path):
    from graph.store import GraphStore

    written = load(extractions, GraphStore.open(path))[0]
    written.ensure_merged()
    written.close()
    return GraphStore.open(path, read_only=True)


def _one_inspection_told_twice():
    """Two documents telling of one inspection (same school, same dates) with different facts."""
    from graph import records as R
    from tests.test_build import person, src

    def told(doc: str, grade: str, lead: str, honours: tuple = ()):
        return R.Extraction(
            document=R.DocumentInfo(doc, doc[0] * 64, "Borough Council", "Report", "report", 3),
            inspections=[R.Inspection("Oak Lane Primary School", R.DateValue("3 March 2024", "2024-03-03", "2024-03-03"),
                                      person(lead, honours=honours), grade, src(doc, 2), previous_grade="Good"),
                         R.Inspection(f"School of {doc}", R.DateValue("4 March 2024", "2024-03-04", "2024-03-04"),
                                      person(lead), "Good", src(doc, 3))],
        )
    return [told("b-report.txt", "Outstanding", "Ann Holt", ("HMI",)), told("a-report.txt", "Requires improvement", "Ben Dale")]


@pytest.mark.parametrize("extractions", [_one_inspection_told_twice, corpus_extractions], ids=["told twice", "corpus"])
def test_kept_inspection_rows_answer_as_the_store_does(extractions, tmp_path):
    snapshot = _snapshot_of(list(extractions()), tmp_path / "store")
    try:
        everything = Q.find_inspections(snapshot)
        assert everything
        people = sorted({i["inspector"]["name"] for i in everything if i["inspector"]["name"]})
        cases = [{}, {"hmi": True}, {"hmi": False}, {"grade": everything[0]["grade"]}, {"offset": 1, "limit": 2},
                 {"inspector": people[0]}, {"inspector": people[-1], "limit": 1}, {"school": everything[-1]["school"]["name"]},
                 {"date_from": everything[-1]["start"]}]
        from_store = [Q.inspections_page(snapshot, **case) for case in cases]
        assert snapshot.kept("facts of every cg:Inspection") is None
        Q.keep_inspection_rows(snapshot)
        rows = snapshot.kept("facts of every cg:Inspection")
        assert isinstance(rows, Q.InspectionRows) and len(rows.iris) == len(everything)
        for case, expected in zip(cases, from_store):
            assert Q.inspections_page(snapshot, **case) == expected, case
        assert rows.results(["http://test.example/id/inspection/no-such-school/2024-01-01"]) == []
    finally:
        snapshot.close()


def test_an_inspection_told_twice_is_read_from_one_document():
    store = load(_one_inspection_told_twice())[0]
    (told,) = [i for i in Q.find_inspections(store) if i["school"]["name"] == "Oak Lane Primary School"]
    # One document's record, whole: the grade and the lead from the same graph, not a mix.
    assert (told["grade"].lower(), told["inspector"]["name"], told["inspector"]["hmi"]) in {
        ("outstanding", "Ann Holt", True), ("requires improvement", "Ben Dale", False)}


def test_a_name_filter_waits_for_no_facet(tmp_path):
    """Before the facets are kept (the warm-up still working), an inspector or school filter asks
    the store, as cheap as it is, instead of working out every inspection's facets first."""
    snapshot = _snapshot_of(list(corpus_extractions()), tmp_path / "store")
    try:
        led = next(i for i in Q.find_inspections(load(list(corpus_extractions()))[0]) if i["inspector"]["name"])
        asked = Q.inspections_page(snapshot, inspector=led["inspector"]["name"])
        assert Q.inspections_page(snapshot, school=led["school"]["name"])[0] >= 1
        assert snapshot.kept("facets of cg:Inspection") is None and asked[0] >= 1
        Q.inspections_page(snapshot, grade=led["grade"])  # a grade filter works the facets out
        assert snapshot.kept("facets of cg:Inspection") is not None
        assert Q.inspections_page(snapshot, inspector=led["inspector"]["name"]) == asked
    finally:
        snapshot.close()


def test_a_committees_meetings_by_its_iri_are_its_own(corpus):
    meetings = Q.find_meetings(corpus)
    committees = sorted({m["committee"]["id"] for m in meetings})
    assert committees
    for committee in committees:
        own = [m for m in meetings if m["committee"]["id"] == committee]
        assert Q.find_meetings(corpus, committee_id=committee) == own
        assert Q.meetings_page(corpus, committee_id=committee, limit=1) == (len(own), own[:1])
    assert Q.find_meetings(corpus, committee_id="http://test.example/id/committee/none") == []
