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
