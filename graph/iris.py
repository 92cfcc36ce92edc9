"""Stable, readable IRIs: ``{base}/id/{kind}/{slug}``.

A slug is built from a *normalised key* of the name, never from the order things were
seen, so the same entity read from two documents (or re-ingested) gets the same IRI.
The key functions here are also what the graph stores as ``cg:nameKey`` and what
queries look names up by, so a name typed by a person meets the name in the graph.
"""
from __future__ import annotations

import hashlib
import functools
import re
import unicodedata

from rdflib import URIRef

from graph.records import MeetingRef, PersonName

# Titles and honours never change who someone is; they are dropped from lookup keys.
_TITLE_WORDS = {
    "councillor", "cllr", "cc", "county", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor",
    "sir", "dame", "lord", "lady", "rev", "revd", "reverend", "canon", "father", "fr", "hmi", "senior",
    "obe", "mbe", "cbe", "jp", "dl", "his", "her", "worship", "the", "mayor",
}
_STOP_INITIAL_WORDS = {"and", "of", "the", "for", "&", "in", "on"}


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII form of ``text``: accents stripped, look-alike letters folded by NFKD.

    Cached: the same names are keyed again and again while a document is built.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """``St Patrick's Catholic`` -> ``st-patricks-catholic``: ASCII, lower case, hyphens."""
    text = fold(text).replace("&", " and ")
    text = re.sub(r"['\u2019`]", "", text)
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unnamed"


def _words(text: str) -> list[str]:
    text = fold(text).replace("&", " and ")
    text = re.sub(r"['\u2019`]", "", text)
    return re.findall(r"[a-z0-9]+", text)


@functools.lru_cache(maxsize=65536)
def person_key(text: str) -> str:
    """Lookup key of a person's name as typed: ``Councillor Pat SPEED HMI`` -> ``pat speed``."""
    words = _words(text)
    kept = [w for w in words if w not in _TITLE_WORDS]
    return " ".join(kept or words)


@functools.lru_cache(maxsize=65536)
def school_key(name: str) -> str:
    """Normalised school name: CE = C of E = Church of England, Catholic = RC, Primary = Primary School.

    A place after the name (``, Formby``) is kept, so two schools with the same saint stay apart.
    """
    text = " " + " ".join(_words(name)) + " "
    for pattern, repl in (
        (r" church of england ", " ce "), (r" c of e ", " ce "), (r" c e ", " ce "),
        (r" roman catholic ", " catholic "), (r" r c ", " catholic "), (r" rc ", " catholic "),
        (r" saint ", " st "), (r" infants ", " infant "),
    ):
        while re.search(pattern, text):
            text = re.sub(pattern, repl, text)
    # A phase word not followed by "school" is a cut or short form of "... School".
    text = re.sub(r" (primary|junior|infant|high|secondary|grammar|middle) (?!school )", r" \1 school ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def committee_key(name: str) -> str:
    """Normalised committee name: a parenthesised phrase and its acronym meet as initials.

    ``Overview and Scrutiny Committee (Children's Services and Safeguarding)``,
    ``Overview and Scrutiny Committee (CS&S)`` and ``Overview and Scrutiny (Childrens
    Services and Safeguarding)`` all give ``overview and scrutiny css``. Apostrophes and
    the word "Committee" are ignored.
    """
    def initials(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        tokens = re.findall(r"[A-Za-z0-9]+", inner.replace("'", "").replace("\u2019", ""))
        if len(tokens) > 1 and not all(t.isupper() and len(t) <= 3 for t in tokens):
            letters = "".join(t[0] for t in tokens if t.lower() not in _STOP_INITIAL_WORDS)
        else:  # already an acronym such as CS&S or SEND
            letters = "".join(tokens)
        return f" {letters.lower()} "

    text = re.sub(r"\(([^)]*)\)", initials, name)
    words = [w for w in _words(text) if w not in {"committee", "the"}]
    return " ".join(words)


@functools.lru_cache(maxsize=65536)
def council_key(name: str) -> str:
    """``Sefton Metropolitan Borough Council`` and ``Sefton Council`` -> ``sefton``."""
    drop = {"council", "metropolitan", "borough", "county", "city", "district", "of", "the", "mbc", "and"}
    words = [w for w in _words(name) if w not in drop]
    return " ".join(words) or " ".join(_words(name))


_EXTERNAL_BODY_WORDS = {"ofsted", "inspectorate", "department", "commissioner", "secretary", "government",
                        "ministry", "agency", "parliament", "dfe"}


def is_council_body(name: str) -> bool:
    """A council's own body (committee, cabinet, board, full council), not Ofsted or a government office."""
    return not (set(committee_key(name).split()) & _EXTERNAL_BODY_WORDS)


def short_hash(text: str) -> str:
    """Eight hex characters identifying a text, for records that have no natural name."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:8]


def meeting_key(iri: str) -> str:
    """``{base}/id/meeting/{committee-slug}/{date}`` -> ``{committee-slug}/{date}`` (the REST key)."""
    marker = "/id/meeting/"
    if marker not in iri:
        raise ValueError(f"not a meeting IRI: {iri}")
    return iri.split(marker, 1)[1].strip("/")


class Minter:
    """Mints every entity IRI under ``{base}/id/``."""

    def __init__(self, base: str, council: str | None = None):
        self.base = base.rstrip("/")
        self.scope = slugify(council_key(council)) if council else None

    def for_council(self, council: str | None) -> "Minter":
        """The minter for one council's documents: its bodies and meetings carry the council in their slug.

        Two councils' ``Cabinet`` (or ``Planning Committee``) are different bodies; a document that
        names no council mints unscoped IRIs, as nothing says whose body it is.
        """
        return Minter(self.base, council)

    def _body_slug(self, name: str) -> str:
        slug = slugify(committee_key(name))
        if self.scope and is_council_body(name) and not slug.startswith(self.scope + "-"):
            return f"{self.scope}-{slug}"
        return slug

    def iri(self, kind: str, *parts: str) -> URIRef:
        """``{base}/id/{kind}/{part}/{part}...``; parts are slugified unless already slugs."""
        return URIRef(f"{self.base}/id/{kind}/" + "/".join(p if re.fullmatch(r"[a-z0-9-]+", p) else slugify(p) for p in parts))

    # --- agents and bodies -------------------------------------------------------
    def person(self, name: PersonName, *, council: str | None) -> URIRef:
        """A person by full name; an unresolved surname-only councillor gets ``councillor-{surname}``.

        A full name does not carry the council, so a person keeps one IRI whether or not a
        document names its council; a bare surname does (``sefton-councillor-page``).
        """
        if name.surname_only:  # known only as "Councillor X": one council's councillor, not everyone's
            scope = slugify(council_key(council)) if council else self.scope
            prefix = f"{scope}-councillor-" if scope else "councillor-"
            return self.iri("person", prefix + slugify(person_key(name.full)))
        return self.iri("person", slugify(person_key(name.full)))

    def person_by_key(self, key: str) -> URIRef:
        return self.iri("person", slugify(key))

    def school(self, name: str) -> URIRef:
        return self.iri("school", slugify(school_key(name)))

    def committee(self, name: str, *, council: str | None = None) -> URIRef:
        """A committee by its normalised key, within the minter's council (see :meth:`for_council`)."""
        return self.iri("committee", self._body_slug(name))

    def council(self, name: str) -> URIRef:
        return self.iri("council", slugify(council_key(name)))

    def role(self, role: str) -> URIRef:
        return self.iri("role", slugify(role))

    # --- meetings and their records ----------------------------------------------
    def meeting(self, committee: str, date: str, *, council: str | None = None) -> URIRef:
        return self.iri("meeting", self._body_slug(committee), date)

    def meeting_for(self, ref: MeetingRef, *, council: str | None = None) -> URIRef:
        return self.meeting(ref.committee, ref.date)

    def _meeting_parts(self, ref: MeetingRef) -> tuple[str, str]:
        return self._body_slug(ref.committee), ref.date

    def agenda_item(self, ref: MeetingRef, number: str) -> URIRef:
        return self.iri("agenda-item", *self._meeting_parts(ref), slugify(number))

    def resolution(self, ref: MeetingRef, item_number: str | None, item_title: str) -> URIRef:
        return self.iri("resolution", *self._meeting_parts(ref), slugify(item_number or item_title))

    def attendance(self, ref: MeetingRef, person: URIRef) -> URIRef:
        return self.iri("attendance", *self._meeting_parts(ref), str(person).rsplit("/", 1)[1])

    def substitution(self, ref: MeetingRef, person: URIRef) -> URIRef:
        return self.iri("substitution", *self._meeting_parts(ref), str(person).rsplit("/", 1)[1])

    def declaration(self, ref: MeetingRef, person: URIRef, interest: str) -> URIRef:
        return self.iri("declaration", *self._meeting_parts(ref), str(person).rsplit("/", 1)[1], short_hash(interest))

    def membership(self, committee: str, person: URIRef, role: str) -> URIRef:
        return self.iri("membership", self._body_slug(committee), str(person).rsplit("/", 1)[1], slugify(role))

    # --- documents and their records ---------------------------------------------
    def document(self, name: str) -> URIRef:
        """The source document; the same IRI names the document's graph in the store."""
        return self.iri("document", slugify(re.sub(r"\.(txt|md|pdf|html?)$", "", name, flags=re.I)))

    def report(self, title: str, date: str | None, document: str) -> URIRef:
        return self.iri("report", slugify(title), date or slugify(document))

    def cabinet_update(self, person: URIRef, period: str | None, document: str) -> URIRef:
        return self.iri("cabinet-member-update", str(person).rsplit("/", 1)[1], period or slugify(document))

    def inspection(self, school: str, start: str) -> URIRef:
        return self.iri("inspection", slugify(school_key(school)), start)

    def school_outcome(self, school: str, document: str) -> URIRef:
        return self.iri("outcome", slugify(school_key(school)), self.document(document).rsplit("/", 1)[1])

    def decision(self, body: str, date: str | None, text: str) -> URIRef:
        return self.iri("decision", self._body_slug(body), date or "undated", short_hash(text))

    def work_programme_item(self, committee: str, date: str | None, item: str) -> URIRef:
        return self.iri("work-programme-item", self._body_slug(committee), date or "undated", slugify(item)[:80])
