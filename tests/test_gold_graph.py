"""Every fact in ../shared/corpus/gold.json comes out of the graph (through the REST API and SPARQL).

Nothing expected is typed in here: each check reads the fact from gold.json and asks the
served graph for it, matching names the way a reader would (case, titles and apostrophes
aside; a surname-only fact matches by surname).
"""
from __future__ import annotations

import re

import pytest
from rapidfuzz import fuzz

from graph.values import parse_date

TITLES = re.compile(r"\b(councillors?|cllr|mrs|mr|ms|miss|dr|hmi)\b\.?", re.I)


def words(name: str) -> list[str]:
    return re.sub(r"[^a-z0-9 ]+", " ", TITLES.sub(" ", name.lower()).replace("'", "")).split()


def same_person(expected: str, actual: str) -> bool:
    """A gold name matches a graph name: full names equal, or a surname-only one equals the surname."""
    e, a = words(expected), words(actual)
    if len(e) == 1:
        return bool(a) and a[-1] == e[0]
    return e == a


def contains_people(expected: list[str], actual: list[str]) -> list[str]:
    """The expected names not found among the actual ones."""
    return [e for e in expected if not any(same_person(e, a) for a in actual)]


def best_school(name: str, candidates: list[str]) -> str | None:
    scored = sorted(((fuzz.token_set_ratio(name.lower(), c.lower()), c) for c in candidates), reverse=True)
    return scored[0][1] if scored and scored[0][0] >= 85 else None


def sparql(client, query: str) -> list[dict]:
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in row.items()} for row in response.get_json()["results"]["bindings"]]


PREFIXES = """PREFIX cg: <https://councilgraph.org/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture()
def inspections(client) -> list[dict]:
    body = client.get("/api/inspections").get_json()
    return body["results"]


def test_every_gold_inspection(gold, inspections):
    by_school = {i["school"]["name"]: i for i in inspections}
    for fact in gold["inspections"]:
        school = best_school(fact["school"], list(by_school))
        assert school, f"no inspection of {fact['school']}"
        got = by_school[school]
        assert (got["start"], got["end"]) == (fact["start"], fact["end"]), fact
        assert same_person(fact["inspector"], got["inspector"]["name"]), (fact, got["inspector"])
        assert got["inspector"]["hmi"] is fact["hmi"], fact
        assert got["grade"] == fact["grade"], fact
        assert got["previous_grade"] == fact["previous_grade"], fact
        assert got["previous_date"] == fact["previous_date"], fact
        if "inspection_type" in fact:
            assert (got["type"] or "").lower() == fact["inspection_type"].lower(), fact


def _answer_question(client, question: str) -> list[str]:
    """Turn a gold question into the API call a user would make, and return school or person names."""
    if m := re.match(r"Which schools did (.+) grade\?", question):
        body = client.get("/api/inspections", query_string={"inspector": m.group(1)}).get_json()
        return [i["school"]["name"] for i in body["results"]]
    if re.match(r"Which inspections were led by an HMI\?", question):
        return [i["school"]["name"] for i in client.get("/api/inspections?hmi=true").get_json()["results"]]
    if m := re.match(r"Which schools were graded (\w+) in (\d{4})\?", question):
        year = m.group(2)
        body = client.get("/api/inspections", query_string={
            "grade": m.group(1), "from": f"{year}-01-01", "to": f"{year}-12-31"}).get_json()
        return [i["school"]["name"] for i in body["results"]]
    if m := re.match(r"Which schools fell from (\w+) to (\w+)\?", question):
        body = client.get("/api/inspections", query_string={"grade": m.group(2)}).get_json()
        return [i["school"]["name"] for i in body["results"] if (i["previous_grade"] or "").lower() == m.group(1).lower()]
    if m := re.match(r"Who sent apologies to the meeting of (.+)\?", question):
        date = parse_date(m.group(1))
        meetings = client.get("/api/meetings", query_string={"date": date.start}).get_json()["results"]
        held = [mt for mt in meetings if client.get(mt["api"]).get_json()["present"]]
        assert len(held) == 1, meetings
        return [p["name"] for p in client.get(held[0]["api"]).get_json()["apologies"]]
    raise AssertionError(f"no API call known for question {question!r}")


def test_gold_questions(gold, client):
    for q in (q for q in gold["questions"] if "ask" in q):
        got = _answer_question(client, q["ask"])
        if q["ask"].startswith("Who"):
            assert not contains_people(q["answer"], got), (q, got)
        else:
            matched = {best_school(name, got) for name in q["answer"]}
            assert None not in matched, (q, got)
            assert len(got) == len(q["answer"]), (q, got)


def test_gold_keywords_find_the_passage(gold, client):
    for q in (q for q in gold["questions"] if "keyword" in q):
        body = client.get("/api/search", query_string={"q": q["keyword"], "size": 5}).get_json()
        assert body["total"] >= 1, q
        dated = [d for d in (parse_date(m) for m in re.findall(r"\d{1,2} \w+ \d{4}", q["must_find"])) if d]
        for date in dated:
            assert any(hit["date"] == date.start for hit in body["results"]), (q, body["results"])
        for hit in body["results"]:
            assert "<mark>" in hit["snippet"] or q["keyword"].lower() in hit["title"].lower()


def _meeting(client, fact) -> dict:
    meetings = client.get("/api/meetings", query_string={"date": fact["date"]}).get_json()["results"]
    matches = [m for m in meetings if fuzz.token_set_ratio(m["committee"]["name"].lower(), fact["committee"].lower()) >= 90]
    assert len(matches) == 1, (fact["date"], meetings)
    return client.get(matches[0]["api"]).get_json()


def _memberships(client, committee_iri: str) -> dict[str, list[str]]:
    rows = sparql(client, PREFIXES + f"""
        SELECT ?name ?role WHERE {{
          ?m a org:Membership ; org:organization <{committee_iri}> ; org:member/foaf:name ?name ;
             org:role ?r . BIND(REPLACE(STR(?r), "^.*/", "") AS ?role)
        }}""")
    roles: dict[str, list[str]] = {}
    for row in rows:
        roles.setdefault(row["role"], []).append(row["name"])
    return roles


def _chair(client, meeting: dict) -> list[str]:
    rows = sparql(client, PREFIXES + f"""
        SELECT ?name WHERE {{
          ?a cg:meeting <{meeting['id']}> ; cg:attendee/foaf:name ?name ; cg:roleLabel ?role .
          FILTER(REGEX(?role, "^(in the )?chair$", "i"))
        }}""")
    return [r["name"] for r in rows]


def test_gold_meetings(gold, client):
    for fact in gold["meetings"]:
        meeting = _meeting(client, fact)
        assert fact["venue_contains"].lower() in (meeting["venue"] or "").lower(), meeting["venue"]
        if "time" in fact:
            assert meeting["time"] == fact["time"]
        names = lambda key: [p["name"] for p in meeting[key]]  # noqa: E731
        if "present" in fact:
            assert not contains_people(fact["present"], names("present"))
            assert not contains_people(fact["also_present"], names("also_present"))
            assert not contains_people(fact["apologies"], names("apologies"))
            subs = [(s["substitute"]["name"], s["for"]["name"]) for s in meeting["substitutes"]]
            for sub in fact["substitutes"]:
                assert any(same_person(sub["substitute"], a) and same_person(sub["for"], b) for a, b in subs), sub
            assert any(same_person(fact["chair"], c) for c in _chair(client, meeting)), fact["chair"]
            assert same_person(fact["chair"], meeting["present"][0]["name"])  # the chair is listed first
        for resolution in fact.get("resolutions", []):
            items = [r for r in meeting["resolutions"] if fuzz.ratio(r["item"].lower(), resolution["item"].lower()) >= 90]
            assert items, resolution
            assert any(resolution["contains"].lower() in (r["text"] + " " + " ".join(r["parts"])).lower() for r in items), resolution
        titles = [a["title"].lower() for a in meeting["agenda_items"]]
        for item in fact.get("agenda_items", []):
            assert any(fuzz.ratio(item.lower(), t) >= 90 for t in titles), item
        if "members" in fact:
            roles = _memberships(client, meeting["committee"]["id"])
            members = roles.get("member", []) + roles.get("chair", []) + roles.get("vice-chair", [])
            assert not contains_people(fact["members"], members)
            assert not contains_people(fact["substitute_members"], roles.get("substitute", []))
            assert any(same_person(fact["chair"], n) for n in roles.get("chair", []))
            assert any(same_person(fact["vice_chair"], n) for n in roles.get("vice-chair", []))
            assert any(same_person(fact["committee_officer"], n) for n in roles.get("committee-officer", []))


def test_gold_reports(gold, client):
    rows = sparql(client, PREFIXES + """
        SELECT ?report ?title ?of ?portfolio ?key ?officer ?date WHERE {
          ?report a foaf:Document ; dcterms:title ?title .
          OPTIONAL { ?report cg:reportOf ?of } OPTIONAL { ?report cg:portfolio ?portfolio }
          OPTIONAL { ?report cg:keyDecision ?key } OPTIONAL { ?report cg:contactOfficer/foaf:name ?officer }
          OPTIONAL { ?report cg:meetingDate ?date }
        }""")
    for fact in gold["reports"]:
        mine = [r for r in rows if fuzz.token_set_ratio(r["title"].lower(), fact["title"].lower()) >= 90]
        assert mine, fact["title"]
        assert any(fact["report_of"].lower() in (r.get("of") or "").lower() for r in mine), fact
        if "portfolio" in fact:
            assert any(fact["portfolio"] == r.get("portfolio") for r in mine), fact
        assert {r.get("key") for r in mine} == {str(fact["key_decision"]).lower()}, fact
        officers = [r.get("officer") or "" for r in mine]
        assert not contains_people(fact["contact_officers"], officers), fact


def test_gold_decisions_outcomes_and_cabinet_reports(gold, client):
    decisions = sparql(client, PREFIXES + """
        SELECT ?text ?body ?date ?subject WHERE {
          ?d a cg:Decision ; schema:text ?text ; cg:decidedBy/rdfs:label ?body .
          OPTIONAL { ?d dcterms:date ?date } OPTIONAL { ?d dcterms:subject ?subject }
        }""")
    for fact in gold["decisions"]:
        assert any(fact["contains"] in d["text"] and d["body"].lower() == fact["decided_by"].lower()
                   and d.get("date") == fact["date"] and fact["subject"] in (d.get("subject") or "")
                   for d in decisions), (fact, decisions)
    outcomes = sparql(client, PREFIXES + """
        SELECT ?school ?grade ?previous WHERE {
          ?o a cg:SchoolOutcome ; cg:school/rdfs:label ?school ; cg:grade/skos:prefLabel ?grade .
          OPTIONAL { ?o cg:previousGrade/skos:prefLabel ?previous }
        }""")
    for fact in gold["school_outcomes_in_narrative"]:
        school = best_school(fact["school"], [o["school"] for o in outcomes])
        assert school, fact
        assert any(o["school"] == school and o["grade"] == fact["grade"] and o.get("previous") == fact["previous_grade"]
                   for o in outcomes), fact
    for fact in gold["cabinet_member_reports"]:
        people = client.get("/api/people", query_string={"name": fact["councillor"]}).get_json()["results"]
        assert len(people) == 1, people
        assert any(fact["portfolio"] in role for role in people[0]["roles"]), people[0]


def test_the_readme_first_search_puts_the_resolution_first(client):
    """Issue 2's check, as the README tour runs it: one word, the decision first."""
    body = client.get("/api/search", query_string={"q": "FASD"}).get_json()
    assert body["total"] >= 1 and body["results"][0]["kind"] == "resolution"
