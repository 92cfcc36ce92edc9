"""IRI minting: readable, stable, same entity same IRI, distinct ones apart."""
from __future__ import annotations

from graph.iris import Minter, committee_key, meeting_key, person_key, school_key, slugify
from graph.records import PersonName

M = Minter("http://x.test/")


def test_person_titles_and_honours_do_not_change_the_iri():
    plain = PersonName("Pat Speed", "Pat Speed", "Pat", "Speed")
    titled = PersonName("Councillor Pat Speed HMI", "Pat Speed", "Pat", "Speed", ("Councillor",), ("HMI",))
    assert str(M.person(plain, council=None)) == str(M.person(titled, council="A Council")) == "http://x.test/id/person/pat-speed"
    assert person_key("Mrs Sandra CAIN") == "sandra cain"


def test_school_variants_meet_and_places_stay_apart():
    assert str(M.school("St Patrick's Catholic Primary School")) == "http://x.test/id/school/st-patricks-catholic-primary-school"
    variants = ["St Thomas C of E Primary", "St Thomas CE Primary School", "St Thomas Church of England Primary School",
                "Saint Thomas CE Primary"]
    assert len({school_key(v) for v in variants}) == 1
    assert school_key("St Mary's RC Primary") == school_key("St Mary's Roman Catholic Primary School") == school_key(
        "St Mary's Catholic Primary School")
    assert M.school("St Jude's CE Primary School, Northtown") != M.school("St Jude's Primary, Southvale")


def test_committee_long_and_short_names_meet():
    names = ["Overview and Scrutiny Committee (Children's Services and Safeguarding)",
             "Overview and Scrutiny Committee (CS&S)",
             "Overview and Scrutiny (Childrens Services and Safeguarding)"]
    assert len({committee_key(n) for n in names}) == 1
    assert committee_key("Overview and Scrutiny Committee (Regeneration and Skills)") != committee_key(names[0])


def test_meeting_iri_and_key():
    iri = M.meeting("Planning Committee", "2024-06-04", council=None)
    assert str(iri) == "http://x.test/id/meeting/planning/2024-06-04"
    assert meeting_key(iri) == "planning/2024-06-04"


def test_slugs_are_ascii():
    assert slugify("Ŝt Ánne’s & Co") == "st-annes-and-co"
    assert str(M.document("a-pack 2024.txt")) == "http://x.test/id/document/a-pack-2024"


def test_two_councils_bodies_and_bare_surnames_are_kept_apart():
    from graph.records import PersonName

    north, south = M.for_council("North Borough Council"), M.for_council("South Council")
    assert north.committee("Cabinet") != south.committee("Cabinet")
    assert north.meeting("Cabinet", "2024-06-04") != south.meeting("Cabinet", "2024-06-04")
    assert str(north.committee("Cabinet")).endswith("/id/committee/north-cabinet")
    smith = PersonName(text="Councillor Smith", full="Smith", family="Smith", honorifics=("Councillor",), surname_only=True)
    assert north.person(smith, council=None) != south.person(smith, council=None)
    jo = PersonName(text="Jo Smith", full="Jo Smith", given="Jo", family="Smith")
    assert north.person(jo, council=None) == south.person(jo, council=None)  # a full name is one person
    assert north.committee("Ofsted") == south.committee("Ofsted")  # not a council's own body
    assert M.committee("Cabinet") == M.for_council(None).committee("Cabinet")
