"""End to end on Ofsted report cards (inspections from November 2025): a scrutiny report's table and
a briefing note's cards, one area a line, ingested by the real pipeline into a real store, read
back through SPARQL, the REST API (checked against /openapi.json), search and the HTML pages."""
from __future__ import annotations

import pytest

from tests.conftest import app_over, build_data_dir
from tests.test_server_api import check_against_openapi

REPORT = """Report Title: School Inspection Outcomes - Spring Term 2026

Report of: Assistant Director of Education

1. Introduction

1.1 Since November 2025 inspections give a report card: a grade for each evaluation area and no overall grade.

2. Outcomes

School\tDate of\tLead Inspector\tInclusion\tCurriculum and\tAchievement\tAttendance and\tPersonal development\tEarly years\tLeadership and\tSafeguarding
\tinspection\t\t\tteaching\t\tbehaviour\tand well-being\t\tgovernance\t
Thornfield Primary School\t14-15 January 2026\tMorag Ellwood HMI\tExpected standard\tStrong standard\tExpected standard\tStrong standard\tStrong standard\tNeeds attention\tExpected standard\tMet
Page 7
Harrowgate High School\t3 February 2026\tDeclan Furness\tNeeds attention\tExpected standard\tUrgent improvement\tNeeds attention\tExpected standard\tN/A\tNeeds attention\tNot met

3. Recommendations

3.1 That the Committee notes the outcomes.
"""

BRIEFING = """Education briefing note for members

Wrenfield Nursery School - inspected 10 March 2026

Inclusion: Exceptional
Curriculum and teaching: Strong standard
Achievement: Strong standard
Attendance and behaviour: Strong standard
Personal development and well-being: Exceptional
Early years: Exceptional
Leadership and governance: Strong standard
Safeguarding: Met

Members will be updated on further inspections at the next meeting of the committee.
"""

AREAS = ["Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour",
         "Personal development and well-being", "Early years", "Leadership and governance"]


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-cards")
    (folder / "scrutiny-inspection-outcomes-2026.txt").write_text(REPORT, encoding="utf-8")
    (folder / "education-briefing-2026-03.txt").write_text(BRIEFING, encoding="utf-8")
    return sorted(folder.glob("*.txt"))


@pytest.fixture(scope="module")
def app(tmp_path_factory, documents):
    data = build_data_dir(tmp_path_factory.mktemp("report-card-data"), documents)
    with app_over(data) as app:
        yield app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def openapi(client):
    return client.get("/openapi.json").get_json()


def _inspection(client, openapi, school: str) -> dict:
    response = client.get("/api/inspections", query_string={"school": school})
    (found,) = check_against_openapi(openapi, response, "/api/inspections")["results"]
    return found


def test_a_report_card_row_in_the_api(client, openapi):
    thornfield = _inspection(client, openapi, "Thornfield Primary School")
    assert (thornfield["start"], thornfield["end"], thornfield["grade"], thornfield["safeguarding"]) == (
        "2026-01-14", "2026-01-15", None, "Met")
    assert thornfield["inspector"]["name"] == "Morag Ellwood" and thornfield["inspector"]["hmi"]
    assert thornfield["area_grades"] == [
        {"area": "Inclusion", "grade": "Expected standard"}, {"area": "Curriculum and teaching", "grade": "Strong standard"},
        {"area": "Achievement", "grade": "Expected standard"}, {"area": "Attendance and behaviour", "grade": "Strong standard"},
        {"area": "Personal development and well-being", "grade": "Strong standard"},
        {"area": "Early years", "grade": "Needs attention"}, {"area": "Leadership and governance", "grade": "Expected standard"}]
    harrowgate = _inspection(client, openapi, "Harrowgate High School")
    assert harrowgate["safeguarding"] == "Not met" and harrowgate["grade"] is None
    assert [a["area"] for a in harrowgate["area_grades"]] == [a for a in AREAS if a != "Early years"]
    assert harrowgate["page"] == 8 and thornfield["page"] in (None, 7)  # the row after the page's footer


def test_schools_graded_by_an_inspector_include_report_cards(client, openapi):
    response = client.get("/api/inspections", query_string={"inspector": "Declan Furness"})
    (found,) = check_against_openapi(openapi, response, "/api/inspections")["results"]
    assert found["school"]["name"] == "Harrowgate High School" and found["grade"] is None
    assert {"area": "Achievement", "grade": "Urgent improvement"} in found["area_grades"]
    led = client.get("/api/inspections", query_string={"hmi": "true"}).get_json()["results"]
    assert [i["school"]["name"] for i in led] == ["Thornfield Primary School"]


def test_a_report_card_printed_one_area_a_line(client, openapi):
    wrenfield = _inspection(client, openapi, "Wrenfield Nursery School")
    assert (wrenfield["start"], wrenfield["grade"], wrenfield["inspector"], wrenfield["safeguarding"]) == (
        "2026-03-10", None, None, "Met")
    assert [a["area"] for a in wrenfield["area_grades"]] == AREAS
    assert wrenfield["document"] == "education-briefing-2026-03.txt"


def test_area_judgements_in_the_graph_carry_the_inspections_provenance(client):
    query = """PREFIX cg: <https://councilgraph.org/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?area ?grade ?page ?ipage ?file WHERE {
  ?i a cg:Inspection ; cg:school/rdfs:label "Harrowgate High School" ; cg:page ?ipage ; cg:areaJudgement ?j .
  ?j a cg:AreaJudgement ; cg:evaluationArea ?a ; cg:grade ?g ; cg:page ?page ; prov:wasDerivedFrom/cg:fileName ?file .
  ?a skos:inScheme cg:EvaluationAreaScheme ; skos:prefLabel ?area . ?g skos:inScheme cg:GradeScheme ; skos:prefLabel ?grade .
  FILTER NOT EXISTS { ?i cg:grade ?overall }
}"""
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = [{k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]]
    assert {(r["area"], r["grade"]) for r in rows} == {
        ("Inclusion", "Needs attention"), ("Curriculum and teaching", "Expected standard"),
        ("Achievement", "Urgent improvement"), ("Attendance and behaviour", "Needs attention"),
        ("Personal development and well-being", "Expected standard"), ("Leadership and governance", "Needs attention")}
    assert {(r["page"], r["file"]) for r in rows} == {(rows[0]["ipage"], "scrutiny-inspection-outcomes-2026.txt")}


def test_built_graphs_conform_to_the_shapes(documents):
    from graph.build import BuildContext, build_document_graph
    from graph.extract import extract_document
    from graph.iris import Minter
    from graph.read import read_document
    from graph.resolve import PeopleIndex
    from graph.validate import validate_graph

    extractions = [extract_document(read_document(p)) for p in documents]
    assert sum(len(x.inspections) for x in extractions) == 3
    assert not [w for x in extractions for w in x.warnings]
    context = BuildContext(Minter("http://example.org"), PeopleIndex.from_extractions(extractions), "2026-03-20T09:00:00+00:00")
    for x in extractions:
        conforms, text = validate_graph(build_document_graph(x, context))
        assert conforms, text


def test_report_cards_are_searchable_and_shown(client):
    hits = client.get("/api/search", query_string={"q": "urgent improvement"}).get_json()
    assert "Inspection of Harrowgate High School" in [h["title"] for h in hits["results"]]
    page = client.get("/inspections", query_string={"school": "Harrowgate High School"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    (row,) = [r.split("</tr>", 1)[0] for r in page.get_data(as_text=True).split('<tr class="inspection">')[1:]]
    assert "Harrowgate High School" in row
    assert "Urgent improvement" in row and "Achievement" in row and "Not met" in row
