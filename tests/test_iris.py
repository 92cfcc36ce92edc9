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
