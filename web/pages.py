"""HTML pages for people: search, entity pages, inspections, meetings, documents. Jinja, no JavaScript needed.

Document text reaches templates only as data: Jinja autoescapes it, and search snippets (HTML
with <mark>) are re-escaped piece by piece around the <mark> tags before they are trusted.
"""
from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, render_template, request, url_for
from markupsafe import Markup, escape

from web.api import (ask, describe, list_paging, load_meeting, page_link, read_inspection_filters, read_paging,
                     read_search_query, run_search)
from web.errors import ApiError
from web.params import Params
from web.resources import get_data_dir, get_graph, settings

bp = Blueprint("pages", __name__)
_MARK_SPLIT = re.compile(r"(</?mark>)")
DOCUMENT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()'&,+-]*$")


def safe_snippet(snippet: str) -> Markup:
    """Keep only <mark> tags from a snippet; everything else is re-escaped as text."""
    out = []
    for piece in _MARK_SPLIT.split(snippet or ""):
        if piece in {"<mark>", "</mark>"}:
            out.append(piece)
        else:
            out.append(str(escape(html.unescape(piece))))
    return Markup("".join(out))


def link_with(**changes: Any) -> str:
    """The current URL with some query parameters changed (None removes one); page resets unless given."""
    args = request.args.to_dict()
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return request.path + ("?" + urlencode(args) if args else "")


def source_link(document: str | None, page: int | None = None) -> str | None:
    if not document:
        return None
    return url_for("pages.document_page", name=document) + (f"#page-{page}" if page else "")


def iri_kind(iri: str) -> str:
    """The kind segment of ``{base}/id/{kind}/...`` (person, school, meeting...), or '' for other IRIs."""
    marker = settings()["base_iri"] + "/id/"
    return iri[len(marker):].split("/", 1)[0] if iri.startswith(marker) else ""


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"page_link": page_link, "source_link": source_link, "link_with": link_with, "safe_snippet": safe_snippet}


@bp.get("/")
def home() -> str:
    """Search box; results with highlighted snippets, facets, filters, pagination, CSV/Atom links."""
    if not (request.args.get("q") or "").strip():
        return render_template("home.html", result=None, query=None)
    query, _ = read_search_query(request.args)
    result = run_search(query)
    pages = max(1, -(-result.total // result.size))
    csv_link = url_for("api.search", **{**request.args.to_dict(), "format": "csv"})
    atom_link = url_for("api.search", **{**request.args.to_dict(), "format": "atom"})
    return render_template("home.html", result=result, query=query, pages=pages, csv_link=csv_link, atom_link=atom_link)


@bp.get("/inspections")
def inspections_page() -> str:
    from graph import queries

    filters = read_inspection_filters(request.args)
    total, results = ask(queries.inspections_page, get_graph(), **filters)
    return render_template("inspections.html", inspections=results, filters=request.args, total=total,
                           paging=list_paging(total, filters["offset"], filters["limit"]))


@bp.get("/meetings")
def meetings_page() -> str:
    from graph import queries

    params = Params(request.args)
    committee = params.text("committee")
    window = read_paging(params)
    params.check()
    total, results = ask(queries.meetings_page, get_graph(), committee=committee, **window)
    return render_template("meetings.html", meetings=results, committee=committee, total=total,
                           paging=list_paging(total, window["offset"], window["limit"]))


@bp.get("/entity")
def entity_page() -> Response:
    """An entity page by IRI (for IRIs not under this server's /id/)."""
    params = Params(request.args)
    iri = params.iri("id", required=True)
    params.check()
    return render_entity(iri)


@bp.get("/documents/<path:name>")
def document_page(name: str) -> str:
    """A source document: what the manifest says about it and the entity page of the document."""
    from graph.iris import Minter

    if len(name) > 300 or not DOCUMENT_NAME_RE.match(name) or ".." in name:
        raise ApiError(400, "Invalid document name.", [{"param": "name", "message": "not a document file name"}])
    entry = get_data_dir().current_manifest().get("documents", {}).get(name)
    if entry is None:
        raise ApiError(404, "No ingested document has this name.", [{"param": "name", "message": "unknown document"}])
    iri = str(Minter(settings()["base_iri"]).document(name))
    from graph.queries import describe_entity, find_meetings

    entity = describe_entity(get_graph(), iri)
    meetings = find_meetings(get_graph(), document=name)
    return render_template("document.html", name=name, entry=entry, entity=entity, iri=iri, meetings=meetings)


def _same(items: list[dict[str, Any]], key: str, iri: str) -> list[dict[str, Any]]:
    return [i for i in items if (i.get(key) or {}).get("id") == iri]


def render_entity(iri: str) -> Response:
    """The HTML page of an entity, with sections by kind (inspector, school, meeting, councillor, committee)."""
    from graph import queries

    entity = describe(iri)
    store = get_graph()
    kind = iri_kind(iri)
    label = entity.get("label") or iri
    sections: dict[str, Any] = {}
    if kind == "person":
        sections["inspections_led"] = _same(ask(queries.find_inspections, store, inspector=label), "inspector", iri)
        sections["person"] = next((p for p in ask(queries.find_people, store, name=label) if p.get("id") == iri), None)
    elif kind == "school":
        sections["school_inspections"] = _same(ask(queries.find_inspections, store, school=label), "school", iri)
    elif kind == "meeting":
        from graph.iris import meeting_key

        try:
            sections["meeting"] = load_meeting(meeting_key(iri))
        except ApiError:
            sections["meeting"] = None
    elif kind == "committee":
        # By the committee's IRI: by its name, every council's committee of that name was read
        # (139 s for an overview and scrutiny committee at 10,000 documents), then all but one dropped.
        sections["committee_meetings"] = ask(queries.find_meetings, store, committee_id=iri)
    html_page = render_template("entity.html", entity=entity, kind=kind, label=label, sections=sections)
    return Response(html_page, mimetype="text/html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
