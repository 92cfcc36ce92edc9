"""Golden tests: work programme meetings, items, authors; informal meetings with descriptions."""
from graph.extract.work_programme import parse_work_programme

PROGRAMME = """COMMITTEE WORK PROGRAMME 2024/25

Tues\tTuesday, 4 June 2024, 6.30 p.m., Town Hall, Bootle\t\t
No.\tReport/Item\tReport Author/Organiser\t
1.\tCabinet Member Update Report\tLaura Bootland\t
2.\tChanges to the Front Door/Family Hubs\tJacquie Finlay/Alex Jones\t

No.\tReport/Item\tReport Author/Organiser
1.\tEducation Scorecard (Summer Term)\tNadine Carroll/Tracy Mckeating

COMMITTEE INFORMAL MEETINGS / WORKSHOPS 2023/24

10.\tReport/Item\tOrganiser
3.\tComplaints Procedure\tLaura Bootland/Paul Bayliss
\tAn informal meeting with the Complaints Lead for Children's Services took place on 2nd September.\t
4.\tChild Poverty An informal meeting with the Public Health Team has been arranged\tLaura Bootland/Margaret Jones
"""


def test_work_programme_items_and_informal_meetings():
    items, meetings, warnings = parse_work_programme(PROGRAMME, committee="C", document="d", pages=None)
    assert [(m.date.start, m.time, m.venue, m.held) for m in meetings] == [("2024-06-04", "18:30", "Town Hall, Bootle", False)]
    formal = [i for i in items if not i.informal]
    assert [(i.item, i.meeting_date.start if i.meeting_date else None) for i in formal] == [
        ("Cabinet Member Update Report", "2024-06-04"), ("Changes to the Front Door/Family Hubs", "2024-06-04"),
        ("Education Scorecard (Summer Term)", None)]
    assert [a.full for a in formal[1].authors] == ["Jacquie Finlay", "Alex Jones"]
    informal = [i for i in items if i.informal]
    assert [i.item for i in informal] == ["Complaints Procedure", "Child Poverty"]
    assert informal[0].description.startswith("An informal meeting with the Complaints Lead")
    assert informal[1].description.startswith("An informal meeting with the Public Health Team")
    assert warnings == []


def test_flattened_table_is_a_warning():
    text = ("Tuesday, 28 January 2025, 6.30 p.m., Town Hall, Southport No. Report/Item Report Author/Organiser "
            "Cabinet Member Update Report Laura Bootland Children's Services Improvement Programme Risthardh Hare\n")
    items, meetings, warnings = parse_work_programme(text, committee="C", document="d", pages=None)
    assert meetings[0].venue == "Town Hall, Southport"
    assert warnings and "flattened" in warnings[0].message


def test_informal_meeting_dated_by_its_description_with_the_year_nearest_the_meeting():
    from graph.extract.work_programme import date_near

    assert date_near("An informal meeting took place on 19th August, to receive", "2024-09-24").start == "2024-08-19"
    assert date_near("A visit arranged for Wednesday 8th January", "2024-11-20").start == "2025-01-08"
    assert date_near("Prior to the first formal meeting on 4 June 2024, an informal meeting", "2024-09-24") is None
    assert date_near("To visit the depot - to be arranged.", "2024-09-24") is None
