"""Council-like passages for the search tests, built in code (no corpus lookups)."""
from __future__ import annotations

from search.base import EntityRef, IndexedPassage

BASE = "http://example.org/id"
CABINET = EntityRef(f"{BASE}/committee/cabinet", "Cabinet", "committee")
SCRUTINY = EntityRef(f"{BASE}/committee/childrens-scrutiny", "Children's Services Scrutiny Committee", "committee")
INSPECTOR = EntityRef(f"{BASE}/person/jane-inspector", "Jane Inspector HMI", "person")
CLLR = EntityRef(f"{BASE}/person/cllr-smith", "Councillor Smith", "person")
SCHOOL = EntityRef(f"{BASE}/school/hillside-primary", "Hillside Primary School", "school")


def minutes_passages() -> list[IndexedPassage]:
    """A scrutiny committee's minutes: resolutions, agenda items, an inspection row."""
    doc = "scrutiny-minutes-2024-09.txt"
    common = dict(document=doc, committee=SCRUTINY.label, council="Example Borough Council", date="2024-09-24")
    return [
        IndexedPassage(f"{doc}#1", kind="resolution", title="Free School Meals Auto-enrolment",
                       text="RESOLVED: That the report on free school meals auto-enrolment be noted and the "
                            "Committee receive an update on take-up in six months.",
                       page=3, entities=[SCRUTINY, CLLR], **common),
        IndexedPassage(f"{doc}#2", kind="agenda_item", title="Foetal Alcohol Spectrum Disorder",
                       text="The Committee considered the report on FASD training for social workers and foster "
                            "carers. Members asked how many staff had completed the training.",
                       page=5, entities=[SCRUTINY], **common),
        IndexedPassage(f"{doc}#3", kind="inspection", title="Hillside Primary School",
                       text="Hillside Primary School was inspected on 12 June 2024 by Jane Inspector HMI. "
                            "Overall effectiveness: Good. Areas for development: attendance of pupils.",
                       page=9, entities=[SCHOOL, INSPECTOR], **common),
        IndexedPassage(f"{doc}#4", kind="minutes", title="Declarations of interest",
                       text="No declarations of interest were received. <script>alert('x')</script> "
                            "<img src=x onerror=alert(1)> appeared in the scanned text.",
                       page=1, entities=[SCRUTINY], **common),
        IndexedPassage(f"{doc}#5", kind="agenda_item", title="Complaints Procedure",
                       text="A petition was presented about the corporate complaints procedure and the time "
                            "taken to respond to residents.",
                       page=7, entities=[SCRUTINY, CLLR], **common),
    ]


def cabinet_passages() -> list[IndexedPassage]:
    """A cabinet member update dated by month, and a report section without a date."""
    doc = "cabinet-update-2022-06.txt"
    return [
        IndexedPassage(f"{doc}#1", document=doc, kind="update", title="Child Poverty Strategy",
                       text="The child poverty strategy was refreshed; holiday activities and food programme "
                            "places were offered to every pupil eligible for free school meals.",
                       page=2, committee=CABINET.label, council="Example Borough Council", date="2022-06",
                       entities=[CABINET]),
        IndexedPassage(f"{doc}#2", document=doc, kind="report", title="Inspections Summary",
                       text="Ofsted inspections this term: three schools judged good, one requires improvement.",
                       page=4, committee=CABINET.label, council="Example Borough Council", date=None,
                       entities=[CABINET, SCHOOL]),
        IndexedPassage(f"{doc}#3", document=doc, kind="resolution", title="School Meals Prices",
                       text="RESOLVED: That the price of a school meal remain unchanged for the coming year.",
                       page=6, committee=CABINET.label, council="Other Council", date="2022-06-15",
                       entities=[CABINET]),
    ]


def bulk_passages(n: int, document: str = "work-programme.txt") -> list[IndexedPassage]:
    """`n` near-identical work programme rows (equal scores: paging must still be stable)."""
    return [
        IndexedPassage(f"{document}#{i:03d}", document=document, kind="work_programme", title="Work Programme",
                       text=f"Item {i}: budget monitoring report to the committee.", page=1 + i // 10,
                       committee="Audit Committee", council="Example Borough Council",
                       date=f"2023-{1 + i % 12:02d}-01", entities=[])
        for i in range(n)
    ]
