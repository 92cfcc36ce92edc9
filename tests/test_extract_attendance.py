"""Golden tests: attendance, apologies and declarations from a real minutes passage."""
from graph.extract.attendance import parse_also_present, parse_apologies, parse_declarations, parse_present
from graph.records import MeetingRef

REF = MeetingRef("C", "2024-06-04")
MINUTES = """PRESENT: Councillor Hardman (in the Chair)

Councillor Danny Burns (Vice-Chair)

Councillors Evans, Hinde (Substitute Member for Councillor Porter), Christopher Page, Parker, Prendergast, Spring and Williams (Substitute

Member for Councillor Harrison)

ALSO PRESENT: Councillor Roscoe, Cabinet Member - Children,

Schools and Families

Sandra Cain, Independent Advisory Member Michelle Ravey, Archdiocese Representative

1. APOLOGIES FOR ABSENCE

Apologies for absence were received from Councillors Harrison Kelly, Porter and Richards, Gemma Armer, Maurice Byrne, Karen Christie and Stuart Harrison.

2. DECLARATIONS OF INTEREST

No declarations of any disclosable pecuniary interests or personal interests were received.
"""


def test_present_chair_first_and_substitutes():
    rows, warnings = parse_present(MINUTES, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert [a.person.full for a in rows][:2] == ["Hardman", "Danny Burns"]
    assert rows[0].role == "Chair" and rows[1].role == "Vice-Chair"
    subs = {a.person.full: a.substitute_for.full for a in rows if a.substitute_for}
    assert subs == {"Hinde": "Porter", "Williams": "Harrison"}
    assert len(rows) == 9


def test_also_present_with_roles():
    rows, warnings = parse_also_present(MINUTES, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert [(a.person.full, a.role) for a in rows] == [
        ("Roscoe", "Cabinet Member - Children, Schools and Families"),
        ("Sandra Cain", "Independent Advisory Member"),
        ("Michelle Ravey", "Archdiocese Representative"),
    ]


def test_apologies_councillors_then_full_names():
    rows, warnings = parse_apologies(MINUTES, meeting=REF, document="d", pages=None)
    assert warnings == []
    names = [a.person.full for a in rows]
    assert names[-4:] == ["Gemma Armer", "Maurice Byrne", "Karen Christie", "Stuart Harrison"]
    assert {"Porter", "Richards"} <= set(names)
    assert all(a.person.is_councillor for a in rows[:-4])


def test_no_apologies_and_lateness_are_not_absence():
    text = "No apologies for absence were received.\nApologies for lateness were received from Councillor Smith."
    assert parse_apologies(text, meeting=REF, document="d", pages=None) == ([], [])


def test_declarations_none_and_one():
    assert parse_declarations(MINUTES, meeting=REF, document="d", pages=None) == ([], [])
    text = ("Councillor Jones declared a personal interest in Minute No. 5 as she is a school governor "
            "and left the room during its consideration.")
    [d], warnings = parse_declarations(text, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert d.person.full == "Jones" and d.item == "5" and d.outcome == "withdrew"
    assert "personal interest" in d.interest


# Other councils print the same lists in other shapes: title case, `In attendance:`, item
# numbers without a full stop, initials, one officer a line.
TITLE_CASE_MINUTES = """Present: Councillor J Okafor (Chair)

Councillors P Stanley, T Brandt, E Moss and L Hart-Lewis

In attendance: Councillor S Mitchell

56 WELCOME AND INTRODUCTION

The Chair welcomed everyone to the meeting. In attendance: a member of the public.

57 APOLOGIES

Apologies were received from Councillor P Greenhalgh and Councillor J Rook.

58 DECLARATIONS OF INTEREST

Councillor T Brandt declared a prejudicial interest in item 61 by virtue of being a school governor and left the room.
"""

MEMBERS_PRESENT = """Members present:
Councillor A Quill (Chair)
Councillor B Norrie (Vice-Chair)
Councillors C Dunmore, D Pyke and E Wragg

Officers in attendance:
Jane Tolley - Head of Planning
John Ashby, Legal Adviser

1. Apologies for Absence

Apologies for absence: Councillors F Lowe and G Marsh
"""


def test_title_case_present_list_ends_at_the_next_list_or_item():
    rows, warnings = parse_present(TITLE_CASE_MINUTES, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert [(a.person.full, a.role) for a in rows] == [
        ("J Okafor", "Chair"), ("P Stanley", None), ("T Brandt", None), ("E Moss", None), ("L Hart-Lewis", None)]
    also, warnings = parse_also_present(TITLE_CASE_MINUTES, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.person.is_councillor) for a in also] == [("S Mitchell", True)]


def test_members_present_and_one_officer_a_line():
    rows, _ = parse_present(MEMBERS_PRESENT, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["A Quill", "B Norrie", "C Dunmore", "D Pyke", "E Wragg"]
    assert [a.role for a in rows[:2]] == ["Chair", "Vice-Chair"]
    also, warnings = parse_also_present(MEMBERS_PRESENT, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert [(a.person.full, a.role) for a in also] == [("Jane Tolley", "Head of Planning"), ("John Ashby", "Legal Adviser")]


def test_apologies_without_for_absence_and_as_a_label():
    rows, _ = parse_apologies(TITLE_CASE_MINUTES, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["P Greenhalgh", "J Rook"]
    rows, _ = parse_apologies(MEMBERS_PRESENT, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["F Lowe", "G Marsh"]
    assert parse_apologies("Apologies: None.", meeting=REF, document="d", pages=None) == ([], [])


def test_declaration_by_a_councillor_named_with_an_initial():
    rows, _ = parse_declarations(TITLE_CASE_MINUTES, meeting=REF, document="d", pages=None)
    assert [(d.person.full, d.item, d.outcome) for d in rows] == [("T Brandt", "61", "withdrew")]
    assert "prejudicial interest" in rows[0].interest


def test_present_list_with_honours_titles_and_a_co_opted_member_on_its_own_line():
    text = ("Present:\tCouncillors Ann Rusk (Chair), Bob Tiller, Carl Wynn OBE and\n"
            "\tCouncillor Mrs S Penrose (Independent)\n\tMrs D Greave (Co-opted Member)\n\n1. Apologies\n")
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert [(a.person.full, a.person.is_councillor, a.role) for a in rows] == [
        ("Ann Rusk", True, "Chair"), ("Bob Tiller", True, None), ("Carl Wynn", True, None),
        ("S Penrose", True, "Independent"), ("D Greave", False, "Co-opted Member")]
    assert rows[2].person.honours == ("OBE",)


BOARD = """Attendance

Members: Mr K Lomax (Headteacher, Chair), Mrs L Mercer (Academy representative), Ms P Nolan
Apologies: Mr Q Orwell, Dr R Pearce
In attendance: S Quayle (Head of Finance), T Ridley (Clerk)

1  Welcome and apologies
"""


def test_a_boards_members_label_lists_people_who_are_not_councillors():
    rows, warnings = parse_present(BOARD, meeting=REF, document="d", pages=None)
    assert warnings == []
    assert [(a.person.full, a.person.honorifics, a.role) for a in rows] == [
        ("K Lomax", ("Mr",), "Chair"), ("L Mercer", ("Mrs",), "Academy representative"), ("P Nolan", ("Ms",), None)]
    listed = "PRESENT: Councillors P. Ames and Mrs V. Denholm\n\n1. APOLOGIES\n"
    rows, _ = parse_present(listed, meeting=REF, document="d", pages=None)
    assert [a.person.honorifics for a in rows] == [("Councillor",), ("Councillor", "Mrs")]


def test_each_list_label_ends_the_list_above_it():
    rows, warnings = parse_apologies(BOARD, meeting=REF, document="d", pages=None)
    assert warnings == [] and [a.person.full for a in rows] == ["Q Orwell", "R Pearce"]
    rows, warnings = parse_also_present(BOARD, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.role) for a in rows] == [
        ("S Quayle", "Head of Finance"), ("T Ridley", "Clerk")]


def test_a_post_with_its_holder_in_brackets():
    text = ("PRESENT: Councillor R. Thornbury (Chairman)\n\nOFFICERS: Chief Executive (M. Fairlie), Director of "
            "Children's Services (N. Gable), Monitoring Officer (O. Hart).\n\n45. APOLOGIES FOR ABSENCE\n")
    rows, warnings = parse_also_present(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.role) for a in rows] == [
        ("M Fairlie", "Chief Executive"), ("N Gable", "Director of Children's Services"), ("O Hart", "Monitoring Officer")]


def test_an_office_first_with_its_holder_in_brackets():
    text = ("Present: The Mayor (Councillor K Lord) (in the Chair), Councillors Abbott and Barnes\n\n"
            "Apologies for absence: Councillors Fenton and Grey\n\n12. Minutes\n")
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.role) for a in rows] == [
        ("K Lord", "Mayor"), ("Abbott", None), ("Barnes", None)]
    rows, _ = parse_apologies(text, meeting=REF, document="d", pages=None)
    assert [a.person.full for a in rows] == ["Fenton", "Grey"]


def test_officers_one_per_line_with_the_role_in_brackets_after_a_dash():
    text = "Officers Present:\nGina Hale – (Licensing Officer)\nIan Jowett – (Legal Services)\n\n1. DECLARATIONS\n"
    rows, warnings = parse_also_present(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.role) for a in rows] == [
        ("Gina Hale", "Licensing Officer"), ("Ian Jowett", "Legal Services")]


def test_the_apologies_sentence_ends_at_its_full_stop_or_a_blank_line():
    text = ("PRESENT: Councillor A Quill (Chair); Councillors B Norrie and D Pyke\n\nPC/23/24 APOLOGIES FOR ABSENCE\n\n"
            "Apologies were received from Councillor J. Ingham and Mr. T. Lowe.\n\nPC/24/24 MINUTES\n\nRESOLVED: That the minutes be approved.\n")
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [a.person.full for a in rows] == ["A Quill", "B Norrie", "D Pyke"]
    rows, warnings = parse_apologies(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [a.person.full for a in rows] == ["J Ingham", "T Lowe"]
    unended = "Apologies were received from Councillor E Wragg\n\nMinute 13 - School Meals\n"
    rows, warnings = parse_apologies(unended, meeting=REF, document="d", pages=None)
    assert warnings == [] and [a.person.full for a in rows] == ["E Wragg"]


def test_county_councillors_and_a_list_one_name_a_line():
    text = "PRESENT: County Councillor J Smith (Chairman)\nCounty Councillors A Brown, B Green\n\n1. APOLOGIES\n"
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.role) for a in rows] == [("J Smith", "Chair"), ("A Brown", None), ("B Green", None)]
    text = "Present:\tCouncillors\tSmith (Chair)\n\t\tJones\n\t\tBrown\n\n1. Apologies\n"
    rows, warnings = parse_present(text, meeting=REF, document="d", pages=None)
    assert warnings == [] and [(a.person.full, a.role) for a in rows] == [("Smith", "Chair"), ("Jones", None), ("Brown", None)]
