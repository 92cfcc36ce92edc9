"""CSV and Atom exports of real search results."""
from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest

from search import SearchQuery, open_index
from search.common import group_passages
from search.export import ATOM_NS, CSV_COLUMNS, results_to_atom, results_to_csv
from tests.test_search_fixtures import cabinet_passages, minutes_passages


@pytest.fixture
def result(tmp_path):
    ix = open_index(tmp_path, "whoosh")
    ix.replace_documents(group_passages(minutes_passages() + cabinet_passages()))
    return ix.search(SearchQuery("school OR declarations", sort="-date"))


def link(hit) -> str:
    return f"http://example.org/passage/{hit.key}"


def test_csv_has_the_columns_and_plain_text_snippets(result):
    rows = list(csv.DictReader(io.StringIO(results_to_csv(result, link))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(result.hits) == 6
    declarations = next(r for r in rows if r["title"] == "Declarations of interest")
    assert "<mark>" not in declarations["snippet"] and "<script>alert('x')</script>" in declarations["snippet"]
    assert declarations["page"] == "1" and declarations["link"].endswith("#4")
    undated = next(r for r in rows if r["title"] == "Inspections Summary")
    assert undated["date"] == ""


def test_atom_is_a_feed_with_one_dated_entry_per_hit(result):
    xml = results_to_atom(result, feed_url="http://example.org/search?q=school", link_for=link, title="school")
    feed = ET.fromstring(xml.encode("utf-8"))
    ns = {"a": ATOM_NS}
    assert feed.tag == f"{{{ATOM_NS}}}feed"
    for required in ("id", "title", "updated", "author/a:name"):
        assert feed.find(f"a:{required}", ns) is not None
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(result.hits)
    assert len({e.find("a:id", ns).text for e in entries}) == len(entries)
    assert [e.find("a:updated", ns).text[:10] for e in entries][:4] == ["2024-09-24"] * 3 + ["2022-06-15"]
    assert feed.find("a:updated", ns).text.startswith("2024-09-24")
    summary = next(e for e in entries if e.find("a:title", ns).text == "Declarations of interest").find("a:summary", ns)
    assert summary.get("type") == "html" and "<mark>declarations</mark>" in summary.text
    assert "&lt;script&gt;" in summary.text  # still escaped inside the HTML payload


def test_csv_cells_cannot_start_a_formula(tmp_path):
    from search.base import IndexedPassage

    ix = open_index(tmp_path, "whoosh")
    ix.replace_documents({"d": [IndexedPassage("d#1", "d", "minutes", "=HYPERLINK(\"x\")", "=cmd budget")]})
    row = next(csv.DictReader(io.StringIO(results_to_csv(ix.search(SearchQuery("budget")), link))))
    assert row["title"].startswith("'=") and row["snippet"].startswith("'=")
