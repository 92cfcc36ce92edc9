"""Every fact in the corpus's gold.json comes out of read_document + extract_document, at record level.

Names are compared loosely (case, titles, surname-only mentions); every expected value
comes from gold.json, none is typed here.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/corpus")
GOLD = CORPUS / "gold.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="sample corpus not present")

_TITLES = re.compile(r"\b(?:councillors?|cllr|mrs|mr|ms|miss|dr|hmi)\b\.?", re.I)


def norm_name(text: str) -> str:
    return re.sub(r"\s+", " ", _TITLES.sub(" ", text)).strip().lower()


def same_person(expected: str, person) -> bool:
    """Loose match: full names equal, or a surname-only side matching the other's surname."""
    want = norm_name(expected)
    got = norm_name(person.full)
    if want == got:
        return True
    want_parts, got_parts = want.split(), got.split()
    if len(want_parts) == 1 or getattr(person, "surname_only", False) or len(got_parts) == 1:
        return want_parts[-1] == got_parts[-1]
    return False


def norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().lower()


@lru_cache(maxsize=None)
def extraction(name: str):
    from graph.extract import extract_document
    from graph.read import read_document

    return extract_document(read_document(CORPUS / name))


def all_extractions():
    return [extraction(p.name) for p in sorted(CORPUS.glob("*.txt"))]


def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def meetings_gold():
    return gold()["meetings"]


def _meeting(fact):
    for ex in all_extractions():
        for m in ex.meetings:
            if m.date.start == fact["date"] and norm_text(m.committee) == norm_text(fact["committee"]):
                return ex, m
    return None, None


@pytest.mark.parametrize("fact", meetings_gold(), ids=lambda f: f["date"])
def test_meeting_found_with_time_and_venue(fact):
    ex, m = _meeting(fact)
    assert m is not None, f"no meeting {fact['committee']} on {fact['date']}"
    if "time" in fact:
        assert m.time == fact["time"]
    held = [x for x in ex.meetings if x.date.start == fact["date"] and x.venue]
    assert any(fact["venue_contains"].lower() in x.venue.lower() for x in held)


def _refs(fact):
    ex, m = _meeting(fact)
    assert m is not None
    return ex, (m.committee, m.date.start)


def _attendance(fact, status):
    ex, ref = _refs(fact)
    return [a for a in ex.attendance if (a.meeting.committee, a.meeting.date) == ref and a.status == status]


def _memberships(fact):
    ex, ref = _refs(fact)
    return [ms for ms in ex.memberships if ms.meeting and (ms.meeting.committee, ms.meeting.date) == ref]


@pytest.mark.parametrize("fact", meetings_gold(), ids=lambda f: f["date"])
def test_meeting_chair(fact):
    chair = norm_name(fact["chair"])
    roles = [(a.person, (a.role or "").lower()) for a in _attendance(fact, "present")]
    roles += [(ms.person, ms.role) for ms in _memberships(fact)]
    assert any(r == "chair" and same_person(chair, p) for p, r in roles)
    if "vice_chair" in fact:
        assert any(r == "vice-chair" and same_person(fact["vice_chair"], p) for p, r in roles)


@pytest.mark.parametrize("fact", meetings_gold(), ids=lambda f: f["date"])
def test_meeting_membership(fact):
    members = _memberships(fact)
    if "committee_officer" in fact:
        assert any(ms.role == "committee officer" and same_person(fact["committee_officer"], ms.person) for ms in members)
    for name in fact.get("members", []):
        assert any(ms.role == "member" and same_person(name, ms.person) for ms in members), name
    for name in fact.get("substitute_members", []):
        assert any(ms.role == "substitute" and same_person(name, ms.person) for ms in members), name


@pytest.mark.parametrize("fact", meetings_gold(), ids=lambda f: f["date"])
def test_meeting_attendance(fact):
    present = _attendance(fact, "present")
    for name in fact.get("present", []):
        assert any(same_person(name, a.person) for a in present), name
    for sub in fact.get("substitutes", []):
        assert any(same_person(sub["substitute"], a.person) and a.substitute_for
                   and same_person(sub["for"], a.substitute_for) for a in present), sub
    also = _attendance(fact, "also_present")
    for name in fact.get("also_present", []):
        assert any(same_person(name, a.person) for a in also), name
    apologies = _attendance(fact, "apologies")
    for name in fact.get("apologies", []):
        assert any(same_person(name, a.person) for a in apologies), name


@pytest.mark.parametrize("fact", meetings_gold(), ids=lambda f: f["date"])
def test_meeting_agenda_and_resolutions(fact):
    ex, ref = _refs(fact)
    items = [norm_text(a.title) for a in ex.agenda_items if (a.meeting.committee, a.meeting.date) == ref]
    for title in fact.get("agenda_items", []):
        assert norm_text(title) in items, title
    resolutions = [r for r in ex.resolutions if (r.meeting.committee, r.meeting.date) == ref]
    for res in fact.get("resolutions", []):
        assert any(norm_text(r.item_title) == norm_text(res["item"]) and norm_text(res["contains"]) in norm_text(r.text)
                   for r in resolutions), res


@pytest.mark.parametrize("fact", gold()["reports"] if GOLD.exists() else [], ids=lambda f: f["title"][:30])
def test_report_cover_and_contacts(fact):
    reports = [r for ex in all_extractions() for r in ex.reports if norm_text(r.title) == norm_text(fact["title"])]
    assert reports, fact["title"]
    r = reports[0]
    assert r.meeting_date is not None and r.meeting_date.start == fact["meeting_date"]
    assert norm_text(r.report_of or "") == norm_text(fact["report_of"])
    if "portfolio" in fact:
        assert norm_text(r.portfolio or "") == norm_text(fact["portfolio"])
    assert r.key_decision is fact["key_decision"]
    for name in fact["contact_officers"]:
        assert any(same_person(name, c.name) for c in r.contact_officers), name


@pytest.mark.parametrize("fact", gold()["decisions"] if GOLD.exists() else [], ids=lambda f: f["decided_by"])
def test_prose_decisions(fact):
    decisions = [d for ex in all_extractions() for d in ex.decisions]
    assert any(norm_text(fact["decided_by"]) in norm_text(d.decided_by) and d.date and d.date.start == fact["date"]
               and norm_text(fact["contains"]) in norm_text(d.text)
               and (d.subject or "") and norm_text(fact["subject"]) in norm_text(d.subject or "")
               for d in decisions), fact


@pytest.mark.parametrize("fact", gold()["cabinet_member_reports"] if GOLD.exists() else [], ids=lambda f: f["councillor"])
def test_cabinet_member_update(fact):
    ex = extraction(fact["document"])
    assert any(same_person(fact["councillor"], u.councillor) and norm_text(u.portfolio) == norm_text(fact["portfolio"])
               and u.period is not None and norm_text(u.period.text) == norm_text(fact["period"])
               for u in ex.cabinet_updates), fact


@pytest.mark.parametrize("fact", gold()["school_outcomes_in_narrative"] if GOLD.exists() else [],
                         ids=lambda f: f["school"])
def test_school_outcomes_in_narrative(fact):
    from rapidfuzz import fuzz

    ex = extraction(fact["reported_in"])
    assert any(fuzz.token_set_ratio(norm_text(fact["school"]), norm_text(o.school)) >= 85 and o.grade == fact["grade"]
               and o.previous_grade == fact["previous_grade"] for o in ex.school_outcomes), fact


@pytest.mark.parametrize("fact", gold()["inspections"] if GOLD.exists() else [], ids=lambda f: f["school"])
def test_inspections_come_through_the_orchestrator(fact):
    from rapidfuzz import fuzz

    inspections = [i for ex in all_extractions() for i in ex.inspections]
    matches = [i for i in inspections if i.start.start == fact["start"]
               and fuzz.token_set_ratio(norm_text(i.school), norm_text(fact["school"])) >= 85]
    assert matches, fact["school"]
    i = matches[0]
    assert i.grade == fact["grade"]
    assert same_person(fact["inspector"], i.inspector)
    assert i.hmi is fact["hmi"]
