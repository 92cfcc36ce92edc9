"""Golden tests: minutes items and resolutions (real passages), ModernGov web minutes, agenda items."""
from graph.extract.agenda import parse_agenda
from graph.extract.resolutions import parse_minutes
from graph.records import MeetingRef

REF = MeetingRef("Overview and Scrutiny Committee (Children's Services and Safeguarding)", "2024-06-04")
MINUTES = """7. PETITION - FASD TRAINING

The Committee agrees that this is an important issue and will be asking for further updates from officers about progress in sourcing and delivering FASD training.

RESOLVED: That

- (1) the petition be noted; and
- (2) the Committee to request further updates on the progress made in sourcing and delivering FASD training.

8. CABINET MEMBER REPORTS

Members of the Committee raised the following queries:

- The new CHAT service and when data would be available.
- EHCP's and the current numbers of Plans.

RESOLVED:

OVERVIEW AND SCRUTINY COMMITTEE (CHILDREN'S SERVICES AND SAFEGUARDING) - TUESDAY 4TH JUNE, 2024

That the update be noted.

9. FAMILY HUBS

The Committee received a report on the Front Door.

That the update be noted.

10. PUBLIC QUESTION TIME

There were no public questions.
"""


def test_resolutions_parts_questions_and_lost_marker():
    items, res, passages = parse_minutes(MINUTES, meeting=REF, document="d", pages=None, acronyms={"FASD"})
    assert [i.title for i in items] == ["Petition - FASD Training", "Cabinet Member Reports", "Family Hubs",
                                        "Public Question Time"]
    fasd, cabinet, hubs = res
    assert fasd.marker == "RESOLVED:" and fasd.parts == [
        "(1) the petition be noted",
        "(2) the Committee to request further updates on the progress made in sourcing and delivering FASD training."]
    assert cabinet.text == "That the update be noted."  # the running header did not break it
    assert cabinet.questions == ["The new CHAT service and when data would be available.",
                                 "EHCP's and the current numbers of Plans."]
    assert hubs.marker is None and hubs.text == "That the update be noted."
    assert "Front Door" in hubs.discussion
    assert [p.title for p in passages] == ["10. Public Question Time"]


WEB = """Planning Committee
Wednesday 2nd October, 2024 6.30 pm

1.\tApologies for Absence

Minutes:

Apologies for absence were received from Councillor Smith.

2.\tLocal Plan Review PDF 301 KB

Minutes:

The Committee considered the report of the Head of Planning.

Decision Made:

That (a) the report be noted; and (b) a further report be submitted.
"""


def test_moderngov_minutes_with_decision_made_and_furniture():
    ref = MeetingRef("Planning Committee", "2024-10-02")
    items, res, _ = parse_minutes(WEB, meeting=ref, document="d", pages=None)
    assert [i.title for i in items] == ["Apologies for Absence", "Local Plan Review"]
    [r] = res
    assert r.item_number == "2" and r.marker.startswith("Decision Made")
    assert r.parts == ["(a) the report be noted", "(b) a further report be submitted."]


AGENDA = """AGENDA

1. Apologies for Absence

3. Minutes of the Previous Meeting

(Pages 5 - 12)

2. Declarations of Interest

5. Cabinet Member Reports

(To Follow)

Report of the Chief Legal and Democratic Officer

6. Children's Services Improvement Programme

To receive a verbal update from the Executive Director of Childrens Social Care and Education.

9. Ofsted Inspections Spring/Summer 2024 (Pages 29 - 44) Report of the Executive Director of Children's Social Care and Education. 10. Work Programme Key Decision Forward Plan (Pages 45 - 58)

Report of the Chief Legal and Democratic Officer
"""


def test_agenda_items_run_together_pages_to_follow_verbal():
    items = parse_agenda(AGENDA.replace("3. Minutes", "2. Minutes").replace("2. Declarations", "3. Declarations")
                         .replace("5. Cabinet", "4. Cabinet").replace("6. Children", "5. Children")
                         .replace("9. Ofsted", "6. Ofsted").replace("10. Work", "7. Work"),
                         meeting=REF, document="d", pages=None)
    by_title = {i.title: i for i in items}
    assert by_title["Minutes of the Previous Meeting"].pages == (5, 12)
    assert by_title["Cabinet Member Reports"].to_follow
    assert by_title["Cabinet Member Reports"].report_of == "Chief Legal and Democratic Officer"
    assert by_title["Children's Services Improvement Programme"].verbal
    assert by_title["Ofsted Inspections Spring/Summer 2024"].pages == (29, 44)
    assert by_title["Work Programme Key Decision Forward Plan"].pages == (45, 58)


def test_title_case_item_headings_and_numbered_sentences():
    text = ("1. Apologies for absence\n\nNone.\n\n2. Minutes\n\nRESOLVED: That the minutes be confirmed.\n\n"
            "3. 23/01234/FUL - Land at Mill Lane\n\n1. The officer presented the application.\n\n"
            "RESOLVED: That planning permission be granted.\n")
    items, resolutions, _ = parse_minutes(text, meeting=MeetingRef("C", "2023-11-07"), document="d", pages=None)
    assert [(i.number, i.title) for i in items] == [
        ("1", "Apologies for absence"), ("2", "Minutes"), ("3", "23/01234/FUL - Land at Mill Lane")]
    assert [(r.item_number, r.text) for r in resolutions] == [
        ("2", "That the minutes be confirmed."), ("3", "That planning permission be granted.")]


def test_it_was_resolved_and_a_bracketed_qualifier():
    ref = MeetingRef("C", "2023-11-07")
    text = ("4. BUDGET MONITORING\n\nThe Committee considered the report.\n\nIt was RESOLVED that the report be noted.\n\n"
            "5. CAPITAL PROGRAMME\n\nOn being put to the vote it was\n\nRESOLVED (unanimously):\n\nThat the programme be approved.\n\n"
            "6. DEFERRED ITEMS\n\nIt was not agreed to defer the item.\n")
    items, resolutions, passages = parse_minutes(text, meeting=ref, document="d", pages=None)
    assert [(r.item_number, r.marker, r.text) for r in resolutions] == [
        ("4", "RESOLVED", "that the report be noted."),
        ("5", "RESOLVED (unanimously):", "That the programme be approved.")]
    assert [p.title for p in passages] == ["6. Deferred Items"]


def test_reasons_and_alternatives_are_kept_apart_from_the_decision():
    text = ("32. HOUSING ALLOCATIONS POLICY\n\nThe Cabinet considered the report.\n\nDecision Made: That:\n\n"
            "(1) the revised policy be approved; and\n\n(2) the Cabinet Member be authorised to make minor amendments.\n\n"
            "Reasons for the Decision:\n\nThe policy must be reviewed every three years.\n\n"
            "Alternative Options Considered and Rejected: None.\n\n33. ANY OTHER BUSINESS\n\nNone.\n")
    _, (r,), _ = parse_minutes(text, meeting=MeetingRef("Cabinet", "2024-09-05"), document="d", pages=None)
    assert r.parts == ["(1) the revised policy be approved",
                       "(2) the Cabinet Member be authorised to make minor amendments."]
    assert "Reasons" not in r.text and r.text.endswith("minor amendments.")
    assert (r.reasons, r.alternatives) == ("The policy must be reviewed every three years.", "None.")


def test_a_numbered_list_inside_minutes_with_capital_headings_is_not_an_item():
    from graph.extract.resolutions import find_minute_items

    text = ("1. APOLOGIES FOR ABSENCE\n\nNone.\n\n2. PERFORMANCE REPORT\n\nThe Committee noted:\n\n3. Staffing levels\n\n"
            "4. Budget pressures\n\n3. DECLARATIONS OF INTEREST\n\nNone.\n")
    assert [(i.number, i.title) for i in find_minute_items(text)] == [
        ("1", "Apologies for Absence"), ("2", "Performance Report"), ("3", "Declarations of Interest")]


def test_the_body_itself_resolving():
    ref = MeetingRef("C", "2024-04-03")
    text = ("2. APPLICATION FOR A NEW PREMISES LICENCE\n\nThe Sub-Committee RESOLVED\nThat the application be GRANTED "
            "subject to conditions.\n\n3. STREET TRADING\n\nThe Committee unanimously agreed: that the policy be "
            "adopted.\n\n4. TAXI FARES\n\nThe Committee did not agree the proposed fares.\n")
    items, resolutions, passages = parse_minutes(text, meeting=ref, document="d", pages=None)
    assert [(r.item_number, r.marker, r.text) for r in resolutions] == [
        ("2", "RESOLVED", "That the application be GRANTED subject to conditions."),
        ("3", "Agreed:", "that the policy be adopted.")]
    assert [p.title for p in passages] == ["4. Taxi Fares"]


def test_minute_numbers_as_councils_print_them():
    ref = MeetingRef("C", "2024-07-10")
    text = ("PC/23/24 APOLOGIES FOR ABSENCE\n\nApologies were received.\n\nPC/24/24 MINUTES\n\nRESOLVED: That the "
            "minutes be approved.\n\nPC/25/24 LAND AT MILL LANE (24/0123/FUL)\n\nRESOLVED: That permission be granted.\n")
    items, resolutions, _ = parse_minutes(text, meeting=ref, document="d", pages=None)
    assert [(i.number, i.title) for i in items] == [
        ("23", "Apologies for Absence"), ("24", "Minutes"), ("25", "Land at Mill Lane (24/0123/Ful)")]
    assert [r.item_number for r in resolutions] == ["24", "25"]
    text = ("Minute 12 - Apologies for absence\n\nNone.\n\nMinute 13 - School Meals Policy\n\nRESOLVED: That the "
            "policy be adopted.\n\nC.14 FASD Training\n\nRESOLVED: That the programme be noted.\n\n"
            "CAB 15/24 Budget Monitoring\n\nRESOLVED: That the report be noted.\n")
    items, resolutions, _ = parse_minutes(text, meeting=ref, document="d", pages=None)
    assert [(i.number, i.title) for i in items] == [
        ("12", "Apologies for absence"), ("13", "School Meals Policy"), ("14", "FASD Training"), ("15", "Budget Monitoring")]
    assert [r.item_number for r in resolutions] == ["13", "14", "15"]
    # a planning reference is not a minute number, nor a year range
    items, _, _ = parse_minutes("23/01234/FUL Land at Mill Lane\n\n2024/25 Budget\n", meeting=ref, document="d", pages=None)
    assert items == []
