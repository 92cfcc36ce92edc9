"""Golden tests: meetings and membership from real front-sheet / minutes passages, and a ModernGov page."""
from graph.extract.meetings import parse_front_sheet, parse_minutes_heading, parse_web_heading, title_case
from graph.extract.membership import parse_membership

FRONT_SHEET = """OVERVIEW AND SCRUTINY COMMITTEE (CHILDREN'S SERVICES AND SAFEGUARDING)

DATE: Tuesday 24th September, 2024

TIME: 6.30 pm

VENUE: Birkdale Room - Southport Town Hall, Lord Street, Southport, PR8

1DA

Member Substitute

Councillor Councillor

Councillor Hardman (Chair) Councillor Myers

Councillor Danny Burns (Vice-

Chair) Councillor Corcoran
Councillor Parker Councillor McGinnity

Councillor Parker Councillor McGinnity

Maurice Byrne, Healthwatch Mrs Sandra Cain, Independent

Advisory Member

COMMITTEE OFFICER: Laura Bootland

Senior Democratic Services Officer

Telephone: 0151 934 2078

E-mail: laura.bootland@sefton.gov.uk
"""


def test_front_sheet_meeting_with_wrapped_postcode():
    m, warnings = parse_front_sheet(FRONT_SHEET, document="d.txt", pages=None)
    assert warnings == []
    assert m.committee == "Overview and Scrutiny Committee (Children's Services and Safeguarding)"
    assert m.date.start == "2024-09-24" and m.time == "18:30"
    assert m.venue.endswith("Southport, PR8 1DA")


def test_membership_table_roles_dedup_coopted_and_officer():
    ms, warnings = parse_membership(FRONT_SHEET, committee="C", document="d.txt", pages=None)
    assert warnings == []
    by_role = {}
    for x in ms:
        by_role.setdefault(x.role, []).append(x.person.full)
    assert by_role["chair"] == ["Hardman"] and by_role["vice-chair"] == ["Danny Burns"]
    assert by_role["substitute"] == ["Myers", "Corcoran", "McGinnity"]
    assert by_role["member"].count("Parker") == 1
    assert "Councillor" not in by_role["member"]
    coopted = {x.person.full: x for x in ms if x.role in ("co-opted member", "advisory member")}
    assert coopted["Maurice Byrne"].organisation == "Healthwatch"
    assert coopted["Sandra Cain"].role == "advisory member"
    officer = next(x for x in ms if x.role == "committee officer")
    assert officer.person.full == "Laura Bootland"
    assert officer.post == "Senior Democratic Services Officer"
    assert officer.telephone == "0151 934 2078" and officer.email == "laura.bootland@sefton.gov.uk"


def test_minutes_heading_venue_and_date():
    text = ("OVERVIEW AND SCRUTINY COMMITTEE (CHILDREN'S SERVICES AND SAFEGUARDING)\n\n"
            "MEETING HELD AT THE TOWN HALL, BOOTLE ON TUESDAY 4TH JUNE, 2024\n\nPRESENT: Councillor Hardman\n")
    m, warnings = parse_minutes_heading(text, document="d.txt", pages=None)
    assert warnings == []
    assert m.venue == "Town Hall, Bootle" and m.date.start == "2024-06-04"


def test_moderngov_web_heading():
    text = ("Agenda and minutes\nPlanning Committee\nWednesday 2nd October, 2024 6.30 pm\n"
            "Venue: Town Hall, Southport. View directions\n"
            "Contact: Ruth Example  Senior Democratic Services Officer\n")
    m, warnings = parse_web_heading(text, document="d.txt", pages=None)
    assert warnings == []
    assert m.committee == "Planning Committee" and m.date.start == "2024-10-02" and m.time == "18:30"
    assert m.venue == "Town Hall, Southport"


def test_title_case_keeps_acronyms():
    assert title_case("PETITION - FASD TRAINING", {"FASD"}) == "Petition - FASD Training"
    assert title_case("OVERVIEW AND SCRUTINY COMMITTEE (CS&S) WORK PROGRAMME 2024/25") == \
        "Overview and Scrutiny Committee (CS&S) Work Programme 2024/25"


def test_prose_minutes_heading_names_the_body_date_time_and_venue():
    text = ("PLANNING COMMITTEE\n\nMINUTES of a meeting of the Planning Committee held on Tuesday, 7 November\n"
            "2023 at 6.30 pm in Committee Room 1, Civic Centre.\n\nMembers present:\nCouncillor A Quill (Chair)\n")
    meeting, warnings = parse_minutes_heading(text, document="d", pages=None)
    assert warnings == []
    assert (meeting.committee, meeting.date.start, meeting.time, meeting.venue) == (
        "Planning Committee", "2023-11-07", "18:30", "Committee Room 1, Civic Centre")
    held_at, _ = parse_minutes_heading("Minutes of the proceedings of the Licensing Sub-Committee held at the "
                                       "Town Hall on 3rd March 2022\n", document="d", pages=None)
    assert (held_at.committee, held_at.date.start, held_at.venue) == ("Licensing Sub-Committee", "2022-03-03", "Town Hall")


def test_an_agendas_minutes_of_the_meeting_held_on_is_not_a_heading():
    text = "3. MINUTES\n\nTo approve the minutes of the meeting held on 3 October 2023.\n"
    assert parse_minutes_heading(text, document="d", pages=None) == (None, [])
    from graph.extract.segments import split_segments

    assert [s.kind for s in split_segments("Minutes of the meeting held on 3 October 2023\n\nText.\n")] == ["text"]
    assert "minutes" in [s.kind for s in split_segments("Agenda\n\nMinutes of a meeting of the Cabinet held on "
                                                       "4 May 2023\n\nPresent: Councillor A Quill\n")]


TITLE_CASE_FRONT_SHEET = """Cabinet

Date: Thursday, 9 November 2023
Time: 10.00 am
Venue: Council Chamber, Town Hall,
Market Street

Agenda

1. Apologies for Absence

2. Budget Update (Pages 13 - 40)

Report of the Executive Director of Corporate Resources

Date: 5 October 2023 (the meeting this report was deferred from)
"""


def test_title_case_front_sheet_labels_and_the_body_named_above_them():
    from graph.extract.agenda import parse_agenda
    from graph.extract.segments import split_segments
    from graph.records import MeetingRef

    assert [s.kind for s in split_segments(TITLE_CASE_FRONT_SHEET)] == ["front_sheet"]
    m, warnings = parse_front_sheet(TITLE_CASE_FRONT_SHEET, document="d", pages=None)
    assert warnings == []
    # the later `Date:` is past the labels and does not move the meeting
    assert (m.committee, m.date.start, m.time, m.venue) == (
        "Cabinet", "2023-11-09", "10:00", "Council Chamber, Town Hall, Market Street")
    items = parse_agenda(TITLE_CASE_FRONT_SHEET, meeting=MeetingRef("Cabinet", "2023-11-09"), document="d", pages=None)
    assert [(i.number, i.title, i.pages, i.report_of) for i in items] == [
        ("1", "Apologies for Absence", None, None),
        ("2", "Budget Update", (13, 40), "Executive Director of Corporate Resources")]


def test_a_lone_title_case_date_label_is_not_a_front_sheet():
    from graph.extract.segments import split_segments

    letter = "Dear Councillor,\n\nDate: 5 October 2023\n\nI write about the consultation.\n"
    assert [s.kind for s in split_segments(letter)] == ["text"]


def test_page_heading_with_at_before_the_time():
    text = "Notice of Meeting\n\nLicensing Committee\n\nTuesday 7 November 2023 at 6.30 pm\n\nAgenda\n"
    m, warnings = parse_web_heading(text, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time) == ("Licensing Committee", "2023-11-07", "18:30")


def test_membership_as_labelled_lists():
    text = ("Membership: Councillors A Quill (Chair), B Norrie (Vice-Chair), C Dunmore,\nD Pyke and E Wragg\n\n"
            "Substitutes: Councillors F Lowe and G Marsh\n\nAgenda\n\n1. Apologies for absence\n")
    rows, warnings = parse_membership(text, committee="Licensing Committee", document="d", pages=None)
    assert warnings == []
    assert [(m.person.full, m.role) for m in rows] == [
        ("A Quill", "chair"), ("A Quill", "member"), ("B Norrie", "vice-chair"), ("B Norrie", "member"),
        ("C Dunmore", "member"), ("D Pyke", "member"), ("E Wragg", "member"),
        ("F Lowe", "substitute"), ("G Marsh", "substitute")]
    one_a_line = "Membership:\nCouncillor Ian Okoro (Chair)\nCouncillor Paula Lind\n\nContact: Democratic Services\n"
    rows, _ = parse_membership(one_a_line, committee="Cabinet", document="d", pages=None)
    assert [(m.person.full, m.role) for m in rows] == [
        ("Ian Okoro", "chair"), ("Ian Okoro", "member"), ("Paula Lind", "member")]


def test_minutes_heading_with_the_date_first_and_a_venue_in_capitals():
    m, warnings = parse_minutes_heading("LICENSING COMMITTEE\n\nMEETING HELD ON WEDNESDAY 2ND OCTOBER 2024 AT THE "
                                        "TOWN HALL, MARKET STREET\n\nPRESENT: Councillor A Quill\n",
                                        document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.venue) == (
        "Licensing Committee", "2024-10-02", "Town Hall, Market Street")
    m, _ = parse_minutes_heading("MINUTES OF THE MEETING OF THE CABINET HELD ON THURSDAY 5 SEPTEMBER 2024 AT "
                                 "10.00 AM IN THE COMMITTEE ROOM, TOWN HALL\n", document="d", pages=None)
    assert (m.committee, m.date.start, m.time, m.venue) == ("Cabinet", "2024-09-05", "10:00", "Committee Room, Town Hall")
    none, warnings = parse_minutes_heading("LICENSING COMMITTEE\n\nMEETING HELD ON 45TH SMARCH 2024 AT THE TOWN HALL\n",
                                           document="d", pages=None)
    assert none is None and [w.message for w in warnings] == ["unreadable date in the minutes heading"]


def test_a_date_line_after_a_sentence_is_not_a_page_heading():
    text = "Future meetings\nThe next meeting will be held on:\nTuesday 7 November 2023 at 6.30 pm\n"
    assert parse_web_heading(text, document="d", pages=None) == (None, [])


def test_minutes_of_the_meeting_held_on_under_the_line_naming_the_body():
    from graph.extract.segments import split_segments

    capitals = ("WESTSHIRE COUNTY COUNCIL\n\nCABINET\n\nMINUTES OF THE MEETING HELD ON TUESDAY 12 MARCH 2024 AT "
                "10.00 AM\n\nPRESENT: Councillor R. Thornbury (Chairman)\n")
    m, warnings = parse_minutes_heading(capitals, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time) == ("Cabinet", "2024-03-12", "10:00")
    title = ("Schools Forum\n\nMinutes of the meeting held on Thursday 25th January\n2024, 2pm, Town Hall\n\n"
             "Attendance\n\nMembers: Mr K Lomax (Chair)\n")
    m, warnings = parse_minutes_heading(title, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time, m.venue) == (
        "Schools Forum", "2024-01-25", "14:00", "Town Hall")
    assert title[m.source.start:m.source.end].startswith("Schools Forum")
    assert [s.kind for s in split_segments("Front matter\n\n" + title)] == ["text", "minutes"]


def test_an_agenda_item_for_the_minutes_names_no_body_above_its_minutes_line():
    from graph.extract.segments import split_segments

    agenda = ("AGENDA\n\n3. Minutes of the Previous Meeting\n\n(Pages 5 - 12)\n\n"
              "Minutes of the meeting held on 4th June 2024.\n\n4. Public Question Time\n")
    assert parse_minutes_heading(agenda, document="d", pages=None) == (None, [])
    assert "minutes" not in [s.kind for s in split_segments(agenda)]
    unnumbered = "Minutes of the Previous Meeting\nMinutes of the meeting held on 4 June 2024\n"
    assert "minutes" not in [s.kind for s in split_segments(unnumbered)]


def test_a_minutes_title_naming_the_body_dated_on_the_lines_below():
    from graph.extract.segments import split_segments

    held = ("MINUTES OF THE LICENSING SUB-COMMITTEE\n\nHELD AT 6.30 P.M. ON WEDNESDAY, 3 APRIL 2024\n\n"
            "COMMITTEE ROOM ONE - TOWN HALL, HIGH STREET\n\nMembers Present:\nCouncillor Amy Bell (Chair)\n")
    m, warnings = parse_minutes_heading(held, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time, m.venue) == (
        "Licensing Sub-Committee", "2024-04-03", "18:30", "Committee Room One - Town Hall, High Street")
    labelled = "Minutes of the Council\n\nMeeting date: Wednesday 17 July 2024\nTime: 7.00 pm\n\nPresent: Councillor A\n"
    m, warnings = parse_minutes_heading(labelled, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time) == ("Council", "2024-07-17", "19:00")
    assert [s.kind for s in split_segments("Front\n\n" + labelled)] == ["text", "minutes"]
    # an agenda's item for the last meeting's minutes, dated below, names no body
    agenda = "AGENDA\n\nMinutes of the Previous Meeting\n\n12 March 2024\n"
    assert "minutes" not in [s.kind for s in split_segments(agenda)]
    assert parse_minutes_heading(agenda, document="d", pages=None) == (None, [])
    undated = "Minutes of the Cabinet\n\nThe minutes are attached.\n"
    assert "minutes" not in [s.kind for s in split_segments(undated)]


NOTICE_OF_MEETING = """Public Document Pack

NOTICE OF MEETING

CABINET

THURSDAY, 12 SEPTEMBER 2024 AT 10.00 AM

COUNCIL CHAMBER, COUNTY HALL, NORTHGATE

Membership

Councillors: R Thornbury (Chair), P Ames (Vice-Chair), S Blackwood

AGENDA

1.	Apologies for Absence

2.	School Admission Arrangements 2025/26 (Pages 9 - 40)
"""


def test_a_notice_of_meeting_with_no_labels_is_a_front_sheet():
    from graph.extract.segments import split_segments

    assert [s.kind for s in split_segments(NOTICE_OF_MEETING)] == ["text", "front_sheet"]
    m, warnings = parse_front_sheet(NOTICE_OF_MEETING, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time, m.venue) == (
        "Cabinet", "2024-09-12", "10:00", "Council Chamber, County Hall, Northgate")
    rows, _ = parse_membership(NOTICE_OF_MEETING, committee="Cabinet", document="d", pages=None)
    assert [(r.person.full, r.role) for r in rows] == [
        ("R Thornbury", "chair"), ("R Thornbury", "member"), ("P Ames", "vice-chair"), ("P Ames", "member"),
        ("S Blackwood", "member")]


def test_a_summons_sentence_announces_the_meeting():
    from graph.extract.segments import split_segments

    text = ("To: All Members of the Council\n\nYou are hereby summoned to attend a meeting of the Planning Committee "
            "to be held in the Council Chamber, Civic Centre on Wednesday, 18 September 2024 at 7.00 pm for the\n"
            "purpose of transacting the business set out below.\n\nAGENDA\n\n1. Apologies for absence\n")
    assert [s.kind for s in split_segments(text)] == ["text", "front_sheet"]
    m, warnings = parse_front_sheet(text, document="d", pages=None)
    assert warnings == [] and (m.committee, m.date.start, m.time, m.venue) == (
        "Planning Committee", "2024-09-18", "19:00", "Council Chamber, Civic Centre")


def test_a_date_heading_in_prose_or_without_an_agenda_below_starts_no_front_sheet():
    from graph.extract.segments import split_segments

    prose = "Future meetings\nThe next meeting will be held on:\nTuesday 7 November 2023 at 6.30 pm\n\nAGENDA\n"
    assert "front_sheet" not in [s.kind for s in split_segments(prose)]
    no_agenda = "CABINET\n\nTHURSDAY, 12 SEPTEMBER 2024 AT 10.00 AM\n\nThe Cabinet met.\n"
    assert "front_sheet" not in [s.kind for s in split_segments(no_agenda)]


def test_lines_with_finds_each_line_holding_a_word_once():
    from graph.extract.segments import lines_with

    text = "AGENDA\nno\nMinutes and MINUTES\nlast minutes"
    assert lines_with(text, ("AGENDA", "inutes", "INUTES")) == [0, 10, 30]
    assert lines_with("", ("x",)) == [] and lines_with("x", ("x",)) == [0]
