"""Hostile requests on every route: a 4xx in the one error shape, never a 5xx, no traces or paths.

The route list comes from ``app.url_map`` so a new route is covered the day it is added.
"""
from __future__ import annotations

import json
import re

import pytest

from server import create_app

HOSTILE_VALUES = [
    "not-a-date", "2024-13-45", "-1", "0", "99999999999999", "1e309", "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd",
    "http://example.invalid/id/nothing", "javascript:alert(1)", "<script>alert(1)</script>", "x" * 20_000,
    "\u0000", "' OR 1=1 --", "} } DROP ALL", "\ud7ff\ufffd", "",
]
PATH_VALUES = ["../../etc/passwd", "..", "x" * 5000, "%00", "a/../../b", "<script>", "unknown/2024-01-01", "C:\\windows"]
JSON_ACCEPT = {"Accept": "application/json"}
BROWSER_ACCEPT = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LEAK_PATTERNS = re.compile(r"Traceback|File \"|/work/|/tmp/|/home/|site-packages|\.py\b|Exception\(|Error\(")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A fresh app on an empty data dir: parameters are checked before any data is needed."""
    app = create_app({"data_dir": str(tmp_path_factory.mktemp("empty-data")), "TESTING": True, "sparql_timeout": 5.0})
    yield app
    app.extensions["councilgraph_sparql"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def assert_error_shape(response, *, html: bool = False) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.request.url[:200]} -> {response.status_code}: {text[:300]}"
    assert not LEAK_PATTERNS.search(text), text[:500]
    if response.status_code < 400:
        return
    if html:
        assert response.mimetype == "text/html" and f"Error {response.status_code}" in text
        return
    body = response.get_json()
    assert body is not None, f"{response.request.url[:200]} gave a non-JSON error: {text[:200]}"
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == response.status_code
    assert isinstance(body["error"], str) and body["error"]
    assert all(isinstance(e, dict) and set(e) <= {"param", "message"} for e in body["errors"])


def routes(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static" and "GET" in r.methods]


def params_of(app, rule) -> list[str]:
    """Query parameter names of a route, from the OpenAPI document (plus a few every route might be sent)."""
    doc = app.test_client().get("/openapi.json").get_json()
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
    op = doc["paths"].get(template, {}).get("get", {})
    names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
    return names + ["q", "page", "size", "from", "to", "id"]


def urls_for(app, rule) -> list[str]:
    if not rule.arguments:
        return [rule.rule]
    urls = []
    for value in PATH_VALUES:
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{arg}>", lambda _m, v=value: v, url)
        urls.append(url)
    return urls


def test_every_route_is_covered_by_openapi_or_is_a_page(app):
    doc = app.test_client().get("/openapi.json").get_json()
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in doc["paths"]}
    api_rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", r.rule) for r in routes(app) if r.rule.startswith(("/api/", "/sparql", "/id/", "/healthz"))}
    assert api_rules <= documented


def test_every_route_with_hostile_parameters(app, client):
    checked = 0
    for rule in routes(app):
        names = params_of(app, rule)
        for url in urls_for(app, rule):
            for value in HOSTILE_VALUES:
                for accept, html in ((JSON_ACCEPT, False), (BROWSER_ACCEPT, not rule.rule.startswith(("/api/", "/sparql", "/healthz", "/openapi")))):
                    response = client.get(url, query_string={n: value for n in names}, headers=accept)
                    if response.status_code >= 400 and response.mimetype == "application/json":
                        html_case = False
                    else:
                        html_case = html
                    assert_error_shape(response, html=html_case)
                    checked += 1
    assert checked > 500


@pytest.mark.parametrize("url,status", [
    ("/api/search?q=school&from=2024-02-30", 400),
    ("/api/search?q=school&from=yesterday", 400),
    ("/api/search?q=school&page=-1", 400),
    ("/api/search?q=school&page=0", 400),
    ("/api/search?q=school&size=100000", 400),
    ("/api/search?q=school&size=abc", 400),
    ("/api/search?q=school&sort=random", 400),
    ("/api/search?q=school&format=pdf", 400),
    ("/api/search?q=school&from=2024-05-01&to=2024-01-01", 400),
    ("/api/search", 400),
    ("/api/search?q=" + "x" * 20_000, 400),
    ("/api/search?q=school&entity=not-an-iri", 400),
    ("/api/inspections?from=2024-99", 400),
    ("/api/inspections?hmi=maybe", 400),
    ("/api/meetings?date=31/12/2024", 400),
    ("/api/meetings/..%2F..%2Fetc%2Fpasswd", 400),
    ("/api/meetings/Some%20Committee/2024-01-01", 400),
    ("/api/meetings/no-such-committee/2024-01-01", 404),
    ("/api/entity", 400),
    ("/api/entity?id=../../etc/passwd", 400),
    ("/api/entity?id=http://example.org/id/nothing", 404),
    ("/api/entity?id=http://example.org/%3E%20%3Fs", 400),
    ("/api/entity?id=http://example.org/a>b", 400),
    ("/api/graph/neighbours?id=http://example.org/x&depth=99", 400),
    ("/api/graph/neighbours?id=http://example.org/x", 404),
    ("/api/graph/path?from=http://example.org/a", 400),
    ("/api/graph/path?from=http://example.org/a&to=http://example.org/b", 404),
    ("/id/person/nobody-at-all", 404),
    ("/id/../../etc/passwd", 400),
    ("/id/person/%2E%2E/%2E%2E/secret", 400),
    ("/no/such/route", 404),
])
def test_specific_refusals(client, url, status):
    response = client.get(url, headers=JSON_ACCEPT)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert_error_shape(response)


def test_several_problems_are_reported_together(client):
    body = client.get("/api/search?q=x&page=-3&size=9999&from=nope").get_json()
    assert {e["param"] for e in body["errors"]} == {"page", "size", "from"}


def test_browsers_get_an_html_error_page_with_the_same_content(client):
    response = client.get("/?q=school&from=nope", headers=BROWSER_ACCEPT)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "from" in response.get_data(as_text=True)
    api = client.get("/api/search?q=school&from=nope", headers=BROWSER_ACCEPT)
    assert api.mimetype == "application/json"  # /api/ answers JSON whatever the Accept


def test_wrong_method_is_405_in_the_shape(client):
    response = client.delete("/api/search?q=x")
    assert response.status_code == 405
    assert_error_shape(response)


def test_request_body_over_the_limit_is_413_on_any_route(app, client):
    limit = app.config["COUNCILGRAPH"]["max_request_bytes"]
    for url in ("/api/search?q=x", "/sparql", "/"):
        response = client.post(url, data=b"x" * (limit + 1), content_type="application/octet-stream", headers=JSON_ACCEPT)
        assert response.status_code == 413
        assert_error_shape(response)
        assert "max_request_bytes" in response.get_json()["error"]


def test_internal_errors_do_not_leak(tmp_path):
    app = create_app({"data_dir": str(tmp_path), "TESTING": False})

    @app.get("/api/boom")
    def boom():  # a route that fails the way a bug would
        raise RuntimeError(f"secret detail in {tmp_path}/x.py")

    response = app.test_client().get("/api/boom")
    body = response.get_json()
    assert response.status_code == 500 and body["ok"] is False
    assert "secret" not in json.dumps(body) and str(tmp_path) not in json.dumps(body)
    app.extensions["councilgraph_sparql"].close()
