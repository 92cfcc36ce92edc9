"""Which council published a document: from officers' e-mail domains, else from `X Council` phrases."""
from __future__ import annotations

import re
from collections import Counter

_EMAIL_DOMAIN = re.compile(r"[\w.+-]+@([a-z0-9-]+)\.gov\.uk\b", re.I)
_COUNCIL_PHRASE = re.compile(
    r"\b((?:[A-Z][a-z]+)(?:\s+(?:and\s+)?[A-Z][a-z]+){0,2})\s+"
    r"((?:Metropolitan\s+)?(?:Borough|City|County|District)\s+)?Council\b"
)
# words that start a sentence or name a body rather than a place
_NOT_PLACES = {"The", "This", "That", "Our", "Full", "County", "City", "Borough", "District", "Parish", "Town",
               "Metropolitan", "Local", "Cabinet", "Children", "Schools", "Young", "People", "Youth"}


def council_from_emails(text: str) -> str | None:
    """`Xxx Council` from the most common `@xxx.gov.uk` e-mail domain, or None."""
    domains = Counter(m.group(1).lower() for m in _EMAIL_DOMAIN.finditer(text))
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
