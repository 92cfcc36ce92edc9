"""Which council published a document: from officers' e-mail domains, else from `X Council` phrases."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

# An e-mail address `local@domain.gov.uk`: the local part is a run of _LOCAL_CHAR, then _AT_DOMAIN.
_LOCAL_CHAR = re.compile(r"[\w.+-]")
_AT_DOMAIN = re.compile(r"@([a-z0-9-]+)\.gov\.uk\b", re.I)
_COUNCIL_PHRASE = re.compile(
    r"\b((?:[A-Z][a-z]+)(?:\s+(?:and\s+)?[A-Z][a-z]+){0,2})\s+"
    r"((?:Metropolitan\s+)?(?:Borough|City|County|District)\s+)?Council\b"
)
# words that start a sentence or name a body rather than a place
_NOT_PLACES = {"The", "This", "That", "Our", "Full", "County", "City", "Borough", "District", "Parish", "Town",
               "Metropolitan", "Local", "Cabinet", "Children", "Schools", "Young", "People", "Youth"}


def gov_uk_domains(text: str) -> Iterator[str]:
    """The `xxx` of every `local@xxx.gov.uk` address, in order (as ``[\\w.+-]+@([a-z0-9-]+)\\.gov\\.uk\\b`` finds them)."""
    # From each "@" rather than a regex that starts with the local part: that one tries every
    # position of every word (quadratic in the word's length) to find the few addresses.
    end = 0
    at = text.find("@")
    while at != -1:
        # a local part needs one character after the previous address
        if at > end and _LOCAL_CHAR.match(text, at - 1):
            m = _AT_DOMAIN.match(text, at)
            if m:
                yield m.group(1)
                end = m.end()
        at = text.find("@", at + 1)


def council_from_emails(text: str) -> str | None:
    """`Xxx Council` from the most common `@xxx.gov.uk` e-mail domain, or None."""
    domains = Counter(d.lower() for d in gov_uk_domains(text))
    if not domains:
        return None
    domain, _ = domains.most_common(1)[0]
    words = [w for w in re.split(r"[-_]", domain) if w]
    if not words:
        return None
    return " ".join(w.capitalize() for w in words) + " Council"


def council_from_phrases(text: str) -> str | None:
    """The most common `X Council` / `X Borough Council` phrase naming a place, or None."""
    found: Counter[str] = Counter()
    for m in _COUNCIL_PHRASE.finditer(text):
        place_words = m.group(1).split()
        while place_words and place_words[0] in _NOT_PLACES:
            place_words.pop(0)
        if not place_words:
            continue
        kind = (m.group(2) or "").strip()
        found[" ".join(place_words + ([kind] if kind else []) + ["Council"])] += 1
    if not found:
        return None
    return found.most_common(1)[0][0]


def council_name(text: str) -> str | None:
    """The publishing council's name, or None when the text does not say."""
    return council_from_emails(text) or council_from_phrases(text)
