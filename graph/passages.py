"""Records -> search passages, each pointing at the graph entities it is about.

The IRIs come from the same minting and resolution as :mod:`graph.build`, so a search
hit links to exactly the nodes the graph holds.
"""
from __future__ import annotations

from graph.build import BuildContext, resolve_person
from graph.records import Extraction, MeetingRef, PersonName, Provenance
from search.base import EntityRef, IndexedPassage


class _Passages:
    def __init__(self, extraction: Extraction, context: BuildContext) -> None:
        self.x = extraction
        self.context = context
        self.minter = context.minter.for_council(extraction.document.council)
        self.council = extraction.document.council
        self.doc = extraction.document.name
        self.out: list[IndexedPassage] = []

    def meeting_refs(self, ref: MeetingRef | None) -> list[EntityRef]:
        if ref is None:
            return []
        return [
            EntityRef(str(self.minter.meeting_for(ref, council=self.council)), f"{ref.committee}, {ref.date}", "meeting"),
            EntityRef(str(self.minter.committee(ref.committee, council=self.council)), ref.committee, "committee"),
        ]

    def person_ref(self, name: PersonName, councillor: bool) -> EntityRef:
        ref = resolve_person(self.context, name, council=self.council, councillor=councillor)
        return EntityRef(str(ref.iri), ref.label, "person")

    def school_ref(self, name: str) -> EntityRef:
        return EntityRef(str(self.minter.school(name)), name, "school")

    def add(self, kind: str, title: str, text: str, source: Provenance, *, committee: str | None = None,
            date: str | None = None, entities: list[EntityRef] | None = None) -> None:
        if not (text or "").strip():
            return
        unique: dict[str, EntityRef] = {}
        for ref in entities or []:
            unique.setdefault(ref.id, ref)
        self.out.append(IndexedPassage(
            key=f"{self.doc}#{len(self.out) + 1:04d}", document=self.doc, kind=kind, title=title, text=text,
            page=source.page, committee=committee, council=self.council, date=date, entities=list(unique.values()),
        ))

    def build(self) -> list[IndexedPassage]:
        x = self.x
        for r in x.resolutions:
            # The decision text usually holds its numbered parts already; repeat them only if it does not.
            parts = "" if all(p in r.text for p in r.parts) else "\n".join(r.parts)
            body = "\n".join(t for t in (r.discussion, r.text, parts, r.reasons) if t)
            refs = [EntityRef(str(self.minter.resolution(r.meeting, r.item_number, r.item_title)), r.item_title, "resolution")]
            refs += self.meeting_refs(r.meeting)
            if r.item_number:
                refs.append(EntityRef(str(self.minter.agenda_item(r.meeting, r.item_number)), r.item_title, "agenda_item"))
            self.add("resolution", r.item_title, body or r.text, r.source, committee=r.meeting.committee,
                     date=r.meeting.date, entities=refs)
        # An item that was resolved is searched through its resolution, whose passage carries the item's
        # title and IRI; a second, shorter passage of the bare title would outrank the decision itself.
        resolved = {(r.meeting, r.item_number) for r in x.resolutions if r.item_number}
        for a in x.agenda_items:
            if (a.meeting, a.number) in resolved:
                continue
            refs = [EntityRef(str(self.minter.agenda_item(a.meeting, a.number)), a.title, "agenda_item")]
            refs += self.meeting_refs(a.meeting)
            text = a.title + (f"\nReport of {a.report_of}" if a.report_of else "")
            self.add("agenda_item", f"{a.number}. {a.title}", text, a.source, committee=a.meeting.committee,
                     date=a.meeting.date, entities=refs)
        for rep in x.reports:
            date = rep.meeting.date if rep.meeting else (rep.meeting_date.start if rep.meeting_date else None)
            report_ref = EntityRef(str(self.minter.report(rep.title, date, self.doc)), rep.title, "report")
            refs = [report_ref] + self.meeting_refs(rep.meeting) + [
                self.person_ref(o.name, o.name.is_councillor) for o in rep.contact_officers]
            committee = rep.meeting.committee if rep.meeting else rep.report_to
            head = "\n".join(t for t in (rep.summary, "\n".join(rep.recommendations)) if t)
            self.add("report", rep.title, head or rep.title, rep.source, committee=committee, date=date, entities=refs)
            for section in rep.sections:
                self.add("report", f"{rep.title}: {section.title}", section.text, section.source, committee=committee,
                         date=date, entities=[report_ref] + self.meeting_refs(rep.meeting))
        for i in x.inspections:
            refs = [EntityRef(str(self.minter.inspection(i.school, i.start.start)), f"Inspection of {i.school}", "inspection"),
                    self.school_ref(i.school)] + ([self.person_ref(i.inspector, False)] if i.inspector else [])
            # A report card has no overall grade: its areas' grades say how the school was judged.
            judged = i.grade or "report card"
            lines = [f"{i.school}: {judged}" + (f" (previously {i.previous_grade})" if i.previous_grade else ""),
                     f"Inspected {i.start.text}" + (f" by {i.inspector.text}" if i.inspector else "")
                     ] + [f"{area}: {grade}" for area, grade in i.area_grades.items()] + (
                         [f"Safeguarding: {i.safeguarding}"] if i.safeguarding else []) + i.development_areas + i.support
            self.add("inspection", f"Inspection of {i.school}", "\n".join(lines), i.source, date=i.start.start, entities=refs)
        for u in x.cabinet_updates:
            person = self.person_ref(u.councillor, True)
            date = u.period.start if u.period else None
            for section in u.sections or []:
                self.add("update", f"{u.portfolio}: {section.title}", section.text, section.source, committee=u.committee,
                         date=date, entities=[person])
        for o in x.school_outcomes:
            self.add("outcome", o.school, o.sentence, o.source, entities=[self.school_ref(o.school)])
        for d in x.decisions:
            date = d.date.start if d.date else None
            refs = [EntityRef(str(self.minter.decision(d.decided_by, date, d.text)), d.subject or d.decided_by, "decision"),
                    EntityRef(str(self.minter.committee(d.decided_by, council=self.council)), d.decided_by, "committee")]
            self.add("decision", d.subject or f"{d.decided_by} decision", d.text, d.source, committee=d.decided_by,
                     date=date, entities=refs)
        for w in x.work_programme:
            date = w.meeting_date.start if w.meeting_date else None
            refs = [EntityRef(str(self.minter.work_programme_item(w.committee, date, w.item)), w.item, "work_programme_item"),
                    EntityRef(str(self.minter.committee(w.committee, council=self.council)), w.committee, "committee")]
            if w.meeting_date and w.meeting_date.precision == "day":
                refs += self.meeting_refs(MeetingRef(w.committee, w.meeting_date.start))[:1]
            refs += [self.person_ref(a, a.is_councillor) for a in w.authors]
            text = "\n".join(t for t in (w.item, w.description, w.venue) if t)
            self.add("work_programme", w.item, text, w.source, committee=w.committee, date=date, entities=refs)
        for p in x.passages:
            self.add(p.kind, p.title, p.text, p.source, committee=p.meeting.committee if p.meeting else None,
                     date=p.meeting.date if p.meeting else None, entities=self.meeting_refs(p.meeting))
        return self.out


def passages_for(extraction: Extraction, context: BuildContext) -> list[IndexedPassage]:
    """Every searchable passage of a document, with the entities it is about; keys ``{document}#{n:04d}``.

    The first entity is the record the passage came from (the resolution, report, inspection...), so
    a search hit's ``id`` is that record; the meeting, committee, people and schools follow.
    """
    return _Passages(extraction, context).build()



