"""Document text with markup never renders as markup: a hostile document goes through the real pipeline."""
from __future__ import annotations

import re

import pytest

from tests.conftest import build_data_dir

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_MINUTES = f"""Sefton Council

MINUTES OF THE MEETING OF THE PLANNING COMMITTEE {SCRIPT}
HELD ON TUESDAY 7TH NOVEMBER, 2023 AT 6.30 PM IN THE TOWN HALL {IMG}

PRESENT: Councillor Mallory {SCRIPT} (in the Chair)
Councillors Quill and Zebedee {IMG}

1. APOLOGIES FOR ABSENCE
Apologies for absence were received from Councillor Onerror {IMG}.

2. HOSTILE REPORT {SCRIPT}
The Committee considered the report of the Head of Planning on parking {IMG} and drainage {SCRIPT}.

RESOLVED: That the report on parking {SCRIPT} be noted {IMG}.
"""
RAW_MARKUP = re.compile(r"<script>alert|<img src=x|onerror=alert\(1\)>", re.I)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    from server import create_app

    docs = tmp_path_factory.mktemp("hostile-docs")
    (docs / "hostile-minutes-2023-11-07.txt").write_text(HOSTILE_MINUTES, encoding="utf-8")
    data = build_data_dir(tmp_path_factory.mktemp("hostile-data"), [docs / "hostile-minutes-2023-11-07.txt"])
    app = create_app({"data_dir": str(data), "TESTING": True})
    yield app
    app.extensions["councilgraph_sparql"].close()


def all_entity_paths(client, base: str) -> list[str]:
    query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{base}/id/\")) }}"
    rows = client.get("/sparql", query_string={"query": query}).get_json()["results"]["bindings"]
    return [r["s"]["value"][len(base):] for r in rows]


def test_no_page_renders_document_markup(hostile_app):
    client = hostile_app.test_client()
    base = hostile_app.config["COUNCILGRAPH"]["base_iri"]
    browser = {"Accept": "text/html"}
    urls = ["/?q=parking", "/?q=alert", "/?q=script", "/?q=onerror", "/inspections", "/meetings",
            "/documents/hostile-minutes-2023-11-07.txt"]
    entity_paths = all_entity_paths(client, base)
    assert len(entity_paths) >= 2  # at least the document and its council
    urls += entity_paths
    escaped_seen = 0
    for url in urls:
        response = client.get(url, headers=browser)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not RAW_MARKUP.search(html), f"raw markup on {url}"
        escaped_seen += html.count("&lt;script&gt;") + html.count("&lt;img")
    assert escaped_seen > 0  # the hostile text did reach the pages, as text


def test_snippets_are_escaped_with_only_marks(hostile_app):
    client = hostile_app.test_client()
    body = client.get("/api/search?q=parking").get_json()
    assert body["total"] >= 1
    for hit in body["results"]:
        assert not RAW_MARKUP.search(hit["snippet"])
        assert set(re.findall(r"</?(\w+)", hit["snippet"])) <= {"mark"}
    page = client.get("/?q=parking", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<mark>" in page and not RAW_MARKUP.search(page)
