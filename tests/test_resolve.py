"""People resolution across documents: general rules on hand-made mentions."""
from __future__ import annotations

from graph.records import DocumentInfo, Extraction, Inspection, DateValue, Membership
from graph.resolve import PeopleIndex
from tests.test_build import cllr, person, src, two_documents


def index(*members) -> PeopleIndex:
    x = Extraction(DocumentInfo("d.txt", "0", "A Council", None, "minutes", 1),
                   memberships=[Membership("Board", p, role, src("d.txt"), organisation=org) for p, role, org in members])
    return PeopleIndex.from_extractions([x])


def test_surname_resolves_to_the_one_councillor():
    people = index((cllr("Chris Page"), "member", None))
    result = people.resolve(cllr("Page"), council="A Council", councillor=True)
    assert result.resolved and result.name.full == "Chris Page"


def test_two_councillors_with_the_surname_stay_unresolved_with_candidates():
    people = index((cllr("Chris Page"), "member", None), (cllr("Dana Page"), "member", None))
    result = people.resolve(cllr("Page"), council="A Council", councillor=True)
    assert not result.resolved and result.candidates == ("Chris Page", "Dana Page")


def test_never_resolves_to_a_non_councillor():
    people = index((person("Stu Harris"), "co-opted member", "Diocese"))
    result = people.resolve(cllr("Harris"), council="A Council", councillor=True)
    assert not result.resolved and result.candidates == ()


def test_never_resolves_to_an_inspector():
    x = Extraction(DocumentInfo("d.txt", "0", "A Council", None, "report", 1), inspections=[
        Inspection("A School", DateValue("1 May 2024", "2024-05-01", "2024-05-01"), person("Pat Speed", honours=("HMI",)),
                   "Good", src("d.txt"))])
    result = PeopleIndex.from_extractions([x]).resolve(cllr("Speed"), council="A Council", councillor=True)
    assert not result.resolved


def test_other_council_is_not_a_candidate():
    people = index((cllr("Chris Page"), "member", None))
    assert not people.resolve(cllr("Page"), council="Another Council", councillor=True).resolved


def test_near_identical_names_listed_as_possible_duplicates():
    people = PeopleIndex.from_extractions(two_documents())
    pairs = people.possible_duplicates()
    assert ("Frith Murphy", "Frith Murray") in [(a, b) for a, b, _ in pairs]
    assert all(score >= 80 for _, _, score in pairs)


def test_a_document_without_a_council_takes_the_council_of_the_committees_it_names():
    from graph.records import CabinetMemberUpdate, DocumentInfo, EXAMPLE_MEETING, EXAMPLE_PERSON, Extraction
    from graph.resolve import infer_councils

    pack = Extraction(DocumentInfo("pack.txt", "x", "Exampleshire Council", None, "agenda_pack", None),
                      meetings=[EXAMPLE_MEETING])
    update = Extraction(DocumentInfo("update.txt", "y", None, None, "cabinet_member_update", None),
                        cabinet_updates=[CabinetMemberUpdate(EXAMPLE_PERSON, "Planning", None, EXAMPLE_MEETING.source,
                                                             committee=EXAMPLE_MEETING.committee.upper())])
    stray = Extraction(DocumentInfo("stray.txt", "z", None, None, "document", None))
    assert infer_councils([pack, update, stray]) == {"update.txt": "Exampleshire Council"}
    assert update.document.council == "Exampleshire Council" and stray.document.council is None


def test_no_council_is_inferred_from_a_committee_two_councils_share():
    from graph.records import DocumentInfo, EXAMPLE_MEETING, Extraction
    from graph.resolve import infer_councils

    a = Extraction(DocumentInfo("a.txt", "1", "North Council", None, "minutes", None), meetings=[EXAMPLE_MEETING])
    b = Extraction(DocumentInfo("b.txt", "2", "South Council", None, "minutes", None), meetings=[EXAMPLE_MEETING])
    c = Extraction(DocumentInfo("c.txt", "3", None, None, "minutes", None), meetings=[EXAMPLE_MEETING])
    assert infer_councils([a, b, c]) == {}


def test_the_store_gives_the_councillors_a_batch_may_need_and_only_those():
    """Councillors ingested earlier resolve later surname mentions; those sharing no surname with the
    batch are not read from the store (reading every councillor grew with the archive)."""
    from graph.build import BuildContext, build_document_graph, document_graph_iri
    from graph.iris import Minter
    from graph.store import GraphStore

    earlier = Extraction(DocumentInfo("earlier.txt", "0", "A Council", None, "minutes", 1),
                         memberships=[Membership("Board", p, "member", src("earlier.txt")) for p in
                                      (cllr("Chris Page"), cllr("Dana Lowe"), cllr("Eli O'Neill"))])
    store = GraphStore.memory()
    context = BuildContext(Minter("http://x.test"), PeopleIndex.from_extractions([earlier]), "2024-01-01T00:00:00+00:00")
    store.replace_graph(document_graph_iri(context, "earlier.txt"), build_document_graph(earlier, context))
    later = Extraction(DocumentInfo("later.txt", "1", "A Council", None, "minutes", 1),
                       memberships=[Membership("Board", p, "member", src("later.txt")) for p in
                                    (cllr("Page"), cllr("O'Neill"))])
    people = PeopleIndex.from_extractions([later], store)
    assert people.resolve(cllr("Page"), council="A Council", councillor=True).name.full == "Chris Page"
    assert people.resolve(cllr("O'Neill"), council="A Council", councillor=True).name.full == "Eli O'Neill"
    assert people.councillors() == ["Chris Page", "Eli O'Neill"]  # not Dana Lowe
    assert PeopleIndex.from_extractions([later], GraphStore.memory()).councillors() == []
