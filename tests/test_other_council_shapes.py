"""End to end on papers laid out as other councils lay them out (title-case labels, prose minutes
headings, `Label: value` report covers, decision notices): ingested by the real pipeline, read
back through the REST API."""
from __future__ import annotations

import pytest

from tests.conftest import app_over, build_data_dir

MINUTES = """LICENSING COMMITTEE

MINUTES of a meeting of the Licensing Committee held on Tuesday, 14 May 2024 at 2.00 pm in
Committee Room 2, Civic Offices.

Members present:
Councillor A Quill (Chair)
Councillor B Norrie (Vice-Chair)
Councillors C Dunmore, D Pyke and E Wragg
Mrs F Hollis (Co-opted Member)

Officers in attendance:
Jane Tolley - Licensing Manager
John Ashby, Legal Adviser

1. Apologies for absence

Apologies were received from Councillor G Marsh and Councillor H Lowe.

2. Declarations of interest

Councillor D Pyke declared a personal interest in item 4 as a member of the trade association and left the room.

3. Minutes

RESOLVED: That the minutes of the meeting held on 9 April 2024 be confirmed as a correct record.

4. Street trading policy review

The Committee considered the report of the Licensing Manager.

It was RESOLVED that the revised street trading policy be recommended to Council for adoption.

Reasons for the decision:

The policy is due for review.
"""

FRONT_SHEET = """Planning Committee

Date: Wednesday, 5 June 2024
Time: 6.30 pm
Venue: Council Chamber, Civic Offices

Membership:
Councillor K Byrne (Chair)
Councillor L Seddon (Vice-Chair)
Councillor M Okafor

Agenda

1. Apologies for absence

2. Minutes of the previous meeting (Pages 1 - 6)

3. Land at Mill Lane (Pages 7 - 30)

Report of the Head of Planning
"""

NOTICE = """Decision details

Library Opening Hours 2025/26

Decision Maker: Cabinet Member for Communities

Decision:

That the revised library opening hours be approved.

Date of decision: 20 June 2024

Effective from: 1 July 2024
"""

# A county council's cabinet: the body's name above a heading that names none, officers as `Post (Name)`.
CABINET_MINUTES = """WESTSHIRE COUNTY COUNCIL

CABINET

MINUTES OF THE MEETING HELD ON TUESDAY 12 MARCH 2024 AT 10.00 AM

PRESENT: Councillor R. Thornbury (Chairman), Councillors P. Ames, S. Blackwood and Mrs V. Denholm.

OFFICERS: Chief Executive (M. Fairlie), Monitoring Officer (O. Hart).

45. APOLOGIES FOR ABSENCE

Apologies for absence were received from Councillor J. Ingham.

46. HOME TO SCHOOL TRANSPORT POLICY 2024/25

The Cabinet considered a report by the Director of Children's Services.

RESOLVED – That:
(a) the Home to School Transport Policy 2024/25 be approved; and
(b) the Director be authorised to make minor amendments.
"""

# A schools forum: title-case heading under the body's name, members who are not councillors.
FORUM_MINUTES = """Schools Forum

Minutes of the meeting held on Thursday 25th January 2024, 2pm, Town Hall

Attendance

Members: Mr K Lomax (Headteacher, Chair), Mrs L Mercer (Academy representative), Ms P Nolan (Governor)
Apologies: Mr Q Orwell, Dr R Pearce
In attendance: S Quayle (Head of Finance)

1  Dedicated Schools Grant 2024-25

Members considered the report of the Head of Finance.

Agreed: that the Forum supports the proposed funding formula for 2024-25.
"""

# An outcomes table in the report itself, with no inspector column, and outcomes told in prose.
OUTCOMES_REPORT = """Report Title: Ofsted Inspection Outcomes - Spring Term 2024

Report of: Director of Education

1. Inspection outcomes

School\tPhase\tDate of inspection\tPrevious judgement\tNew judgement

Ashgrove Primary School\tPrimary\t16-17 January 2024\tRequires Improvement\tGood

Beech Hill Academy\tSecondary\t6 February 2024\tGood\tGood

2. Other inspections

Dunmore Infant School was inspected on 5 March 2024 and was judged to be Good in all areas.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other-councils")
    for name, text in (("licensing-minutes-2024-05-14.txt", MINUTES), ("planning-agenda-2024-06-05.txt", FRONT_SHEET),
                       ("decision-library-hours.txt", NOTICE),
                       ("cabinet-minutes-2024-03-12.txt", CABINET_MINUTES), ("forum-minutes-2024-01-25.txt", FORUM_MINUTES),
                       ("ofsted-outcomes-report.txt", OUTCOMES_REPORT)):
        (folder / name).write_text(text, encoding="utf-8")
    data = build_data_dir(tmp_path_factory.mktemp("other-data"), sorted(folder.glob("*.txt")))
    with app_over(data) as app:
        yield app.test_client()


def _meeting(client, committee: str) -> dict:
    (found,) = client.get("/api/meetings", query_string={"committee": committee}).get_json()["results"]
    return client.get(found["api"]).get_json()


def test_prose_minutes_heading_lists_and_resolutions(client):
    m = _meeting(client, "Licensing Committee")
    assert (m["date"], m["time"], m["venue"]) == ("2024-05-14", "14:00", "Committee Room 2, Civic Offices")
    assert [(p["name"], p["role"]) for p in m["present"]] == [
        ("A Quill", "Chair"), ("B Norrie", "Vice-Chair"), ("C Dunmore", None), ("D Pyke", None), ("E Wragg", None),
        ("F Hollis", "Co-opted Member")]
    assert [(p["name"], p["role"]) for p in m["also_present"]] == [
        ("Jane Tolley", "Licensing Manager"), ("John Ashby", "Legal Adviser")]
    assert [p["name"] for p in m["apologies"]] == ["G Marsh", "H Lowe"]
    assert [(d["person"]["name"], d["item"], d["outcome"]) for d in m["declarations"]] == [("D Pyke", "4", "withdrew")]
    assert [(r["number"], r["text"]) for r in m["resolutions"]] == [
        ("3", "That the minutes of the meeting held on 9 April 2024 be confirmed as a correct record."),
        ("4", "that the revised street trading policy be recommended to Council for adoption.")]


def test_title_case_front_sheet_membership_and_agenda(client):
    m = _meeting(client, "Planning Committee")
    assert (m["date"], m["time"], m["venue"]) == ("2024-06-05", "18:30", "Council Chamber, Civic Offices")
    assert [(i["number"], i["title"]) for i in m["agenda_items"]] == [
        ("1", "Apologies for absence"), ("2", "Minutes of the previous meeting"), ("3", "Land at Mill Lane")]
    (chair,) = client.get("/api/people", query_string={"name": "Byrne"}).get_json()["results"]
    assert chair["name"] == "K Byrne"
    assert {(ms["committee"]["name"], ms["role"]) for ms in chair["memberships"]} == {
        ("Planning Committee", "chair"), ("Planning Committee", "member")}


def test_decision_notice_and_reasons_are_searchable(client):
    hits = client.get("/api/search", query_string={"q": "library opening hours"}).get_json()
    assert hits["total"] >= 1
    hits = client.get("/api/search", query_string={"q": "due for review"}).get_json()
    assert [h["title"] for h in hits["results"]][:1] == ["Street trading policy review"]


def test_the_meeting_page_shows_the_declaration(client):
    (found,) = client.get("/api/meetings", query_string={"committee": "Licensing Committee"}).get_json()["results"]
    page = client.get("/entity", query_string={"id": found["id"]}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Declarations of interest" in html and "D Pyke" in html and "left the meeting for the item" in html


def test_a_heading_that_names_no_body_under_the_bodys_name(client):
    m = _meeting(client, "Cabinet")
    assert (m["date"], m["time"]) == ("2024-03-12", "10:00")
    assert [(p["name"], p["role"]) for p in m["present"]] == [
        ("R Thornbury", "Chair"), ("P Ames", None), ("S Blackwood", None), ("V Denholm", None)]
    assert [(p["name"], p["role"]) for p in m["also_present"]] == [
        ("M Fairlie", "Chief Executive"), ("O Hart", "Monitoring Officer")]
    assert [p["name"] for p in m["apologies"]] == ["J Ingham"]
    (resolution,) = m["resolutions"]
    assert resolution["number"] == "46" and "Transport Policy 2024/25 be approved" in resolution["text"]


def test_a_forums_members_and_its_agreed_decision(client):
    m = _meeting(client, "Schools Forum")
    assert (m["date"], m["time"], m["venue"]) == ("2024-01-25", "14:00", "Town Hall")
    assert [(p["name"], p["role"]) for p in m["present"]] == [
        ("K Lomax", "Chair"), ("L Mercer", "Academy representative"), ("P Nolan", "Governor")]
    assert [p["name"] for p in m["apologies"]] == ["Q Orwell", "R Pearce"]
    assert [(p["name"], p["role"]) for p in m["also_present"]] == [("S Quayle", "Head of Finance")]
    assert [(r["number"], r["text"]) for r in m["resolutions"]] == [
        ("1", "that the Forum supports the proposed funding formula for 2024-25.")]
    hits = client.get("/api/search", query_string={"q": "funding formula"}).get_json()
    assert hits["total"] >= 1


def test_an_outcomes_table_without_inspectors_in_the_report_itself(client):
    found = client.get("/api/inspections", query_string={"school": "Ashgrove Primary School"}).get_json()["results"]
    assert [(i["start"], i["end"], i["grade"], i["previous_grade"], i["inspector"]) for i in found] == [
        ("2024-01-16", "2024-01-17", "Good", "Requires Improvement", None)]
    # no named lead: neither led by an HMI nor by someone who is not one
    for hmi in ("true", "false"):
        led = client.get("/api/inspections", query_string={"school": "Beech Hill Academy", "hmi": hmi}).get_json()
        assert led["results"] == [], hmi
    page = client.get("/inspections", query_string={"school": "Ashgrove Primary School"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Ashgrove Primary School" in page.get_data(as_text=True)
    assert "{" not in page.get_data(as_text=True).split("Ashgrove Primary School", 1)[1].split("</tr>", 1)[0]
    hits = client.get("/api/search", query_string={"q": "Dunmore Infant"}).get_json()
    assert hits["total"] >= 1
