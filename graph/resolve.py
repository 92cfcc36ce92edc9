"""Entity resolution for people: what is known about people across a run's documents (and the store).

General rules, never names from any corpus:

- titles, honours and ``HMI`` never change who someone is (keys are title-free);
- a surname-only *councillor* mention resolves to the one councillor of the same council
  with that surname whose full name is known; with two or more it stays unresolved,
  flagged, with the candidates; with none it stays a surname-only councillor;
- it never resolves to someone known only as a non-councillor (a diocese representative
  who shares the surname), nor to an inspector;
- people whose given names differ are never merged; near-identical full names are kept
  apart and reported by :meth:`PeopleIndex.possible_duplicates`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from rapidfuzz import fuzz

from graph.iris import council_key, person_key
from graph.records import Extraction, PersonName

if TYPE_CHECKING:
    from graph.store import GraphStore

# Membership roles that only councillors hold on a council committee (co-opted and
# advisory members, who represent other organisations, are not councillors).
_COUNCILLOR_ROLES = {"member", "substitute", "chair", "vice-chair", "vice chair", "cabinet member"}
_DUPLICATE_THRESHOLD = 80.0


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one mention."""

    name: PersonName  # canonical name (the full name when a surname-only mention resolved)
    resolved: bool  # False for a surname-only mention that matched zero or several councillors
    candidates: tuple[str, ...] = ()  # full names it may refer to, when ambiguous


@dataclass
class _Known:
    full: str
    given: str | None
    family: str | None
    councils: set[str] = field(default_factory=set)  # council keys ("" when unknown)
    councillor: bool = False


def _family_key(name: PersonName) -> str:
    family = name.family or (name.full.split()[-1] if name.full.split() else name.full)
    return person_key(family)


def _council(council: str | None) -> str:
    return council_key(council) if council else ""


class PeopleIndex:
    """Everything known about people: full names, councils, and whether each is a councillor."""

    def __init__(self) -> None:
        self._people: dict[str, _Known] = {}  # person_key(full) -> what is known
        self._by_family: dict[str, list[_Known]] = {}  # person_key(family) -> councillors and others

    # --- building ------------------------------------------------------------------
    def add(self, name: PersonName, *, council: str | None, councillor: bool) -> None:
        """Record a full-name mention (surname-only mentions add nothing: they are what we resolve)."""
        if name.surname_only or not name.full.strip() or name.uncertain:
            return
        key = person_key(name.full)
        if " " not in key:  # a single word is a surname, whatever the extractor said
            return
        known = self._people.get(key)
        if known is None:
            known = self._people[key] = _Known(name.full, name.given, name.family)
            if name.family:
                self._by_family.setdefault(person_key(name.family), []).append(known)
        known.councils.add(_council(council))
        known.councillor = known.councillor or councillor or name.is_councillor

    @classmethod
    def from_extractions(cls, extractions: list[Extraction], store: "GraphStore | None" = None) -> "PeopleIndex":
        """Index the people of a run's extractions, plus the councillors already in the store that
        these extractions may need: those sharing a surname with a name in them, or a full name
        with one printed ambiguously (see :meth:`knows`)."""
        index = cls()
        families: set[str] = set()
        full_names: set[str] = set()
        for extraction in extractions:
            council = extraction.document.council
            for name, councillor in _mentions(extraction):
                index.add(name, council=council, councillor=councillor)
            for name in person_names(extraction):
                families.add(_family_key(name))
                if name.uncertain and not name.surname_only:
                    full_names.add(person_key(name.full))
        if store is not None:
            index._add_from_store(store, families - {""}, full_names - {""})
        return index

    def _add_from_store(self, store: "GraphStore", families: set[str], full_names: set[str]) -> None:
        """Councillors already in the store whose family name key is in ``families`` or whose name key
        is in ``full_names``, with their councils (the names surname mentions resolve to).

        Looked up by key, not by reading every councillor: at 1,000 scaled documents reading them
        all took 0.2 s per batch of 200 documents, growing with the store (at 100,000 documents it
        would have been hours of an ingest). Separate DISTINCT queries, never OPTIONAL after
        OPTIONAL: a councillor named in many documents has each fact once per document graph, and
        side by side those would multiply.
        """
        from graph.vocab import sparql_prefixes, sparql_values

        def rows(body: str) -> list[tuple[str, ...]]:
            return store.select(sparql_prefixes() + body)

        councillor = 'cg:honorific ?h . FILTER(LCASE(STR(?h)) IN ("councillor", "cllr"))'
        wanted: set[str] = set()
        for predicate, keys in (("cg:familyNameKey", families), ("cg:nameKey", full_names)):
            for values in sparql_values("k", sorted(keys)):
                wanted.update(p for (p,) in rows(f"SELECT DISTINCT ?p WHERE {{ {values} ?p {predicate} ?k ; {councillor} }}"))
        if not wanted:
            return
        names: dict[str, dict[str, str]] = {}
        councils: dict[str, set[str]] = {}
        ordered = sorted(wanted)
        for chunk in (ordered[i:i + 500] for i in range(0, len(ordered), 500)):
            people = " ".join(f"<{p}>" for p in chunk)
            unresolved = {p for (p,) in rows(f"SELECT DISTINCT ?p WHERE {{ VALUES ?p {{ {people} }} ?p cg:unresolved true }}")}
            for prop in ("name", "givenName", "familyName"):
                # Sorted, so a person printed two ways in two documents takes the same one every run.
                for p, value in sorted(rows(f"SELECT DISTINCT ?p ?v WHERE {{ VALUES ?p {{ {people} }} "
                                            f"?p a foaf:Person ; foaf:{prop} ?v }}")):
                    if p not in unresolved:
                        names.setdefault(p, {})[prop] = value
            for p, council in rows(f"SELECT DISTINCT ?p ?c WHERE {{ VALUES ?p {{ {people} }} "
                                   f"?p cg:council ?co . ?co rdfs:label ?c }}"):
                councils.setdefault(p, set()).add(council)
        for p, parts in names.items():
            if "name" not in parts:
                continue
            name = PersonName(text=parts["name"], full=parts["name"], given=parts.get("givenName"),
                              family=parts.get("familyName"), honorifics=("Councillor",))
            for council in councils.get(p) or {None}:
                self.add(name, council=council, councillor=True)

    # --- answering -------------------------------------------------------------------
    def resolve(self, name: PersonName, *, council: str | None, councillor: bool) -> Resolution:
        """Canonical name for a mention; a surname-only councillor mention is looked up by surname."""
        if not name.surname_only and " " in person_key(name.full):
            return Resolution(name, True)
        if not (councillor or name.is_councillor):
            # A bare surname of someone not known to be a councillor: nothing to resolve against.
            return Resolution(name, False)
        family = _family_key(name)
        wanted = _council(council)
        candidates = sorted(
            (k for k in self._by_family.get(family, ())
             if k.councillor and k.family and person_key(k.family) == family
             and (not wanted or wanted in k.councils or k.councils == {""})),
            key=lambda k: k.full,
        )
        if len(candidates) == 1:
            known = candidates[0]
            return Resolution(
                PersonName(text=name.text, full=known.full, given=known.given, family=known.family,
                           honorifics=name.honorifics, honours=name.honours),
                True,
            )
        return Resolution(name, False, tuple(k.full for k in candidates))

    def knows(self, full_name: str) -> bool:
        """True when some document printed this full name where it could only be one person's name."""
        return person_key(full_name) in self._people

    def possible_duplicates(self) -> list[tuple[str, str, float]]:
        """Pairs of near-identical full names kept apart (same given name, similar family name)."""
        people = sorted(self._people.values(), key=lambda k: k.full)
        pairs: list[tuple[str, str, float]] = []
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                score = fuzz.ratio(person_key(a.full), person_key(b.full))
                if score >= _DUPLICATE_THRESHOLD:
                    pairs.append((a.full, b.full, round(score, 1)))
        return pairs

    def councillors(self) -> list[str]:
        return sorted(k.full for k in self._people.values() if k.councillor)


def _mentions(extraction: Extraction) -> Iterable[tuple[PersonName, bool]]:
    """Every person mention in an extraction with whether the context shows a councillor."""
    for m in extraction.memberships:
        yield m.person, (m.role.lower() in _COUNCILLOR_ROLES and not m.organisation) or m.person.is_councillor
    for a in extraction.attendance:
        yield a.person, a.person.is_councillor or bool(a.role and "cabinet member" in a.role.lower())
        if a.substitute_for is not None:
            yield a.substitute_for, True  # only committee members have substitutes
    for d in extraction.declarations:
        yield d.person, d.person.is_councillor
    for r in extraction.reports:
        for officer in r.contact_officers:
            yield officer.name, False
    for u in extraction.cabinet_updates:
        yield u.councillor, True
    for i in extraction.inspections:
        if i.inspector is not None:
            yield i.inspector, False
    for w in extraction.work_programme:
        for author in w.authors:
            yield author, author.is_councillor


def person_names(record: Any) -> Iterator[PersonName]:
    """Every PersonName anywhere in a record (an Extraction, its records, their fields)."""
    if isinstance(record, PersonName):
        yield record
    elif isinstance(record, (list, tuple)):
        for item in record:
            yield from person_names(item)
    elif is_dataclass(record) and not isinstance(record, type):
        for f in fields(record):
            value = getattr(record, f.name)
            if isinstance(value, (PersonName, list, tuple)) or is_dataclass(value):
                yield from person_names(value)


def committees_mentioned(extraction: Extraction) -> set[str]:
    """Committee keys a document names: its meetings, memberships, reports' audiences, updates' committees."""
    from graph.iris import committee_key

    names = [m.committee for m in extraction.meetings] + [m.committee for m in extraction.memberships]
    names += [r.report_to for r in extraction.reports if r.report_to]
    names += [u.committee for u in extraction.cabinet_updates if u.committee]
    return {committee_key(n) for n in names if n and n.strip()}


def infer_councils(extractions: list[Extraction], known: dict[str, set[str]] | None = None) -> dict[str, str]:
    """Give a council to documents that do not name one, from the committees they share with documents that do.

    ``known`` maps committee keys to councils already in the store. A document gets a council
    only when every committee it names that is known belongs to that one council; the rest stay
    None. Returns document name -> council for the documents it filled in.
    """
    by_committee: dict[str, set[str]] = {k: set(v) for k, v in (known or {}).items()}
    for extraction in extractions:
        if extraction.document.council:
            for key in committees_mentioned(extraction):
                by_committee.setdefault(key, set()).add(extraction.document.council)
    filled: dict[str, str] = {}
    for extraction in extractions:
        if extraction.document.council:
            continue
        councils = set().union(*(by_committee.get(k, set()) for k in committees_mentioned(extraction)))
        if len(councils) == 1:
            extraction.document.council = filled[extraction.document.name] = councils.pop()
    return filled
