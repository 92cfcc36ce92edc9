"""Search results as CSV and as an Atom 1.0 feed (subscribe to new passages about a topic)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Callable
from urllib.parse import quote
from xml.etree import ElementTree as ET

from search.analysis import day_number
from search.base import SearchHit, SearchResult
from search.snippets import snippet_text

CSV_COLUMNS = ("title", "kind", "committee", "date", "snippet", "document", "page", "link")
ATOM_NS = "http://www.w3.org/2005/Atom"


def results_to_csv(result: SearchResult, link_for: Callable[[SearchHit], str]) -> str:
    """One row per hit; the snippet as plain text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in result.hits:
        writer.writerow([
            _csv_safe(hit.title), hit.kind, _csv_safe(hit.committee or ""), hit.date or "",
            _csv_safe(snippet_text(hit.snippet)), hit.document, "" if hit.page is None else hit.page, link_for(hit),
        ])
    return out.getvalue()


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheets (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def hit_updated(hit: SearchHit) -> str:
    """RFC 3339 timestamp of a hit: its passage date (a month/year by its first day)."""
    n = day_number(hit.date)
    if not n:
        return "1970-01-01T00:00:00Z"
    return dt.date(n // 10000, n // 100 % 100, n % 100).isoformat() + "T00:00:00Z"


def results_to_atom(result: SearchResult, *, feed_url: str, link_for: Callable[[SearchHit], str], title: str) -> str:
    """A valid Atom 1.0 feed, one entry per hit, each dated by its passage date."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", title)
    dates = [hit_updated(h) for h in result.hits]
    sub(feed, "updated", max(dates) if dates else dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    author = sub(feed, "author")
    sub(author, "name", "councilgraph")
    for hit, updated in zip(result.hits, dates):
        link = link_for(hit)
        entry = sub(feed, "entry")
        # Stable per passage even when two hits link to the same page.
        sub(entry, "id", f"urn:councilgraph:passage:{quote(hit.key, safe='')}")
        sub(entry, "title", hit.title or hit.kind)
        sub(entry, "updated", updated)
        sub(entry, "link", rel="alternate", href=link)
        for label in (hit.kind, hit.committee):
            if label:
                sub(entry, "category", term=label)
        # The snippet is HTML (escaped text + <mark>); type="html" carries it escaped once more.
        sub(entry, "summary", hit.snippet, type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")
