"""The JSON REST API under /api/ (plus /healthz). Every list has ``results``; every item an ``id`` (its IRI)."""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, get_args
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, request, url_for

from graph.records import GradeName
from web.errors import ApiError
from web.params import Params
from web.resources import get_data_dir, get_graph, get_index, is_ready, search_slots, settings

bp = Blueprint("api", __name__)

SEARCH_KINDS_MAX = 60
SORTS = ("relevance", "date", "-date")
GRADES = get_args(GradeName)
MEETING_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")
MAX_PAGE = 10_000
MAX_DEPTH = 3


def ask(question: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a graph.queries function; its ValueErrors (bad filter values) become 400s."""
    try:
        return question(*args, **kwargs)
    except ValueError as exc:
        raise ApiError(400, f"Invalid parameters: {exc}") from None


def entity_exists(store: Any, iri: str) -> bool:
    """True when the IRI is the subject or object of any triple (the IRI was validated: no '>' or spaces)."""
    result = store.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
    return bool(result.askAnswer)


def page_link(iri: str | None) -> str | None:
    """The URL this server serves an entity IRI at (its /id/ path), or None for IRIs of other sites."""
    if not iri:
        return None
    base = settings()["base_iri"] + "/id/"
    if iri.startswith(base):
        return url_for("linked_data.entity", rest=iri[len(base):])
    return url_for("pages.entity_page", id=iri)


# --- health -------------------------------------------------------------------------------
@bp.get("/healthz")
def healthz() -> Response:
    """Liveness plus counts: documents, triples, passages (from the manifest, so it stays cheap),
    and ``ready``: whether the data is open and the lists warm (a readiness probe; the server
    answers before that too, only slower)."""
    data_dir = get_data_dir()
    generation = data_dir.generation()
    return jsonify({"ok": True, "ready": is_ready(generation), **_manifest_counts(str(data_dir.root), generation)})


@functools.lru_cache(maxsize=8)
def _manifest_counts(root: str, generation: str) -> dict[str, Any]:
    """Counts of one manifest generation; the manifest sums each document's triples and passages."""
    from councilgraph.data import DataDir

    manifest = DataDir({**settings(), "data_dir": root}).current_manifest()
    return {"generation": manifest.get("generation"), **manifest.totals}


# --- search -------------------------------------------------------------------------------
def read_search_query(args: Any) -> tuple[Any, str]:
    """Validate search parameters into a SearchQuery (shared by the API and the HTML page)."""
    from search.base import SearchQuery

    config = settings()
    params = Params(args)
    q = params.text("q", max_chars=config["max_query_chars"], required=True)
    query = SearchQuery(
        q=q or "",
        kind=params.text("kind", max_chars=SEARCH_KINDS_MAX),
        committee=params.text("committee"),
        council=params.text("council"),
        entity=params.iri("entity"),
        date_from=params.date("from"),
        date_to=params.date("to", end=True),
        sort=params.choice("sort", SORTS, "relevance") or "relevance",
        page=params.integer("page", default=1, minimum=1, maximum=MAX_PAGE),
        size=params.integer("size", default=10, minimum=1, maximum=config["search_max_size"]),
    )
    fmt = params.choice("format", ("json", "csv", "atom"), "json") or "json"
    params.check_range(query.date_from, query.date_to)
    params.check()
    return query, fmt


def run_search(query: Any) -> Any:
    from search.base import SearchError

    try:
        index = get_index()
        with search_slots():
            return index.search(query)
    except SearchError as exc:
        raise ApiError(400, f"Invalid search: {exc}", [{"param": "q", "message": str(exc)}]) from None


def hit_link(hit: Any) -> str:
    """Absolute URL a search hit links to: the first entity it is about, else its source document."""
    if hit.entities:
        return hit.entities[0].id
    return request.host_url.rstrip("/") + url_for("pages.document_page", name=hit.document) + (f"#page-{hit.page}" if hit.page else "")


def hit_json(hit: Any) -> dict[str, Any]:
    return {
        "id": hit.entities[0].id if hit.entities else None,
        "key": hit.key,
        "kind": hit.kind,
        "title": hit.title,
        "snippet": hit.snippet,
        "date": hit.date,
        "committee": hit.committee,
        "council": hit.council,
        "document": hit.document,
        "page": hit.page,
        "score": hit.score,
        "entities": [{"id": e.id, "label": e.label, "type": e.type} for e in hit.entities],
    }


@bp.get("/api/search")
def search() -> Response:
    """Full-text search over passages; JSON, CSV or Atom."""
    query, fmt = read_search_query(request.args)
    result = run_search(query)
    if fmt == "csv":
        from search.export import results_to_csv

        body = results_to_csv(result, hit_link)
        return Response(body, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="search.csv"'})
    if fmt == "atom":
        from search.export import results_to_atom

        body = results_to_atom(result, feed_url=request.url, link_for=hit_link, title=f"councilgraph: {query.q}")
        return Response(body, mimetype="application/atom+xml")
    return jsonify({
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "size": result.size,
        "fallback": result.fallback,
        "message": result.message,
        "suggestion": result.suggestion,
        "results": [hit_json(h) for h in result.hits],
        "facets": result.facets,
    })


# --- graph questions -------------------------------------------------------------------------
def read_paging(params: Params) -> dict[str, int]:
    """``offset`` and ``limit`` of a list from its ``page`` and ``size`` parameters."""
    config = settings()
    page = params.integer("page", default=1, minimum=1, maximum=MAX_PAGE)
    size = params.integer("size", default=config["list_page_size"], minimum=1, maximum=config["list_max_size"])
    return {"offset": (page - 1) * size, "limit": size}


def read_inspection_filters(args: Any) -> dict[str, Any]:
    """The filters of /api/inspections and /inspections, with ``offset`` and ``limit`` from ``page`` and ``size``."""
    params = Params(args)
    grade = params.text("grade", max_chars=40)
    hmi_text = params.choice("hmi", ("true", "false"))
    filters = {
        "inspector": params.text("inspector"),
        "school": params.text("school"),
        "grade": grade,
        "type": params.text("type", max_chars=100),
        "hmi": None if hmi_text is None else hmi_text == "true",
        "date_from": params.date("from"),
        "date_to": params.date("to", end=True),
        **read_paging(params),
    }
    params.check_range(filters["date_from"], filters["date_to"])
    params.check()
    return filters


def list_paging(total: int, offset: int, limit: int) -> dict[str, Any]:
    """`page`, `size` and the URL of the next page (None on the last) for a paged list."""
    page = offset // limit + 1
    args = request.args.to_dict()
    following = None
    if offset + limit < total:
        args.update(page=str(page + 1), size=str(limit))
        following = request.base_url + "?" + urlencode(args)
    return {"page": page, "size": limit, "next": following}


def paged_list(total: int, results: list[dict[str, Any]], filters: dict[str, Any],
               label: Callable[[dict[str, Any]], str]) -> Response:
    """A list answer: ``total``, ``page``, ``size``, ``next`` and the page's ``results``, each labelled."""
    for item in results:
        item.setdefault("label", label(item))
    return jsonify({"total": total, **list_paging(total, filters["offset"], filters["limit"]), "results": results})


@bp.get("/api/inspections")
def inspections() -> Response:
    """Ofsted inspections filtered by inspector, school, grade, type, HMI and dates."""
    from graph.queries import inspections_page

    filters = read_inspection_filters(request.args)
    total, results = ask(inspections_page, get_graph(), **filters)
    return paged_list(total, results, filters, lambda i: f"{i['school']['name']}, {i['start']}")


def meeting_json(item: dict[str, Any]) -> dict[str, Any]:
    from graph.iris import meeting_key

    key = item.get("key") or meeting_key(item["id"])
    item["key"] = key
    item["api"] = url_for("api.meeting", key=key)
    item.setdefault("label", f"{item['committee']['name']}, {item['date']}")
    return item


@bp.get("/api/meetings")
def meetings() -> Response:
    """Meetings filtered by committee (name), date, date range and source document."""
    from graph.queries import meetings_page

    params = Params(request.args)
    filters = {
        "committee": params.text("committee"),
        "date": params.date("date"),
        "date_from": params.date("from"),
        "date_to": params.date("to", end=True),
        "document": params.text("document"),
        **read_paging(params),
    }
    params.check_range(filters["date_from"], filters["date_to"])
    params.check()
    total, found = ask(meetings_page, get_graph(), **filters)
    return paged_list(total, [meeting_json(m) for m in found], filters, lambda m: m["label"])


def load_meeting(key: str) -> dict[str, Any]:
    """A meeting's details by REST key, or a 404 (400 for keys that cannot be meeting keys)."""
    from graph.queries import meeting_detail

    if len(key) > 300 or not MEETING_KEY_RE.match(key):
        raise ApiError(400, "Invalid meeting key: expected `{committee-slug}/{YYYY-MM-DD}` in lower case.",
                       [{"param": "key", "message": "not a meeting key"}])
    detail = ask(meeting_detail, get_graph(), key, base_iri=settings()["base_iri"])
    if detail is None:
        raise ApiError(404, "No meeting with this key.", [{"param": "key", "message": "unknown meeting"}])
    return meeting_json(detail)


@bp.get("/api/meetings/<path:key>")
def meeting(key: str) -> Response:
    """One meeting: attendance, apologies, substitutes, agenda, resolutions, reports, documents."""
    return jsonify(load_meeting(key))


@bp.get("/api/people")
def people() -> Response:
    """People by name and role, with memberships and attendance counts."""
    from graph.queries import people_page

    params = Params(request.args)
    filters = {"name": params.text("name"), "role": params.text("role", max_chars=100), **read_paging(params)}
    params.check()
    total, results = ask(people_page, get_graph(), **filters)
    return paged_list(total, results, filters, lambda p: p.get("name", ""))


def describe(iri: str) -> dict[str, Any]:
    from graph.queries import describe_entity

    entity = ask(describe_entity, get_graph(), iri)
    if entity is None:
        raise ApiError(404, "Unknown entity: no triples about this IRI.", [{"param": "id", "message": "unknown entity"}])
    return entity


@bp.get("/api/entity")
def entity() -> Response:
    """Any entity by IRI: types, labels, properties, links in and out, sources."""
    params = Params(request.args)
    iri = params.iri("id", required=True)
    params.check()
    return jsonify(describe(iri))


@bp.get("/api/graph/path")
def graph_path() -> Response:
    """Shortest path between two entities, links followed either way (graph.network.shortest_path)."""
    from graph.network import shortest_path

    params = Params(request.args)
    start, end = params.iri("from", required=True), params.iri("to", required=True)
    params.check()
    store = get_graph()
    for name, iri in (("from", start), ("to", end)):
        if not entity_exists(store, iri):
            raise ApiError(404, f"Unknown entity in `{name}`.", [{"param": name, "message": "unknown entity"}])
    path = ask(shortest_path, store, start, end)
    if path is None:
        raise ApiError(404, "No path links these two entities.", [{"param": "to", "message": "not connected"}])
    return jsonify({"from": start, "to": end, "length": max(len(path) - 1, 0), "results": path})


@bp.get("/api/graph/neighbours")
def graph_neighbours() -> Response:
    """Entities within `depth` links of an entity."""
    from graph.network import neighbours

    params = Params(request.args)
    iri = params.iri("id", required=True)
    depth = params.integer("depth", default=1, minimum=1, maximum=MAX_DEPTH)
    params.check()
    store = get_graph()
    if not entity_exists(store, iri):
        raise ApiError(404, "Unknown entity: no triples about this IRI.", [{"param": "id", "message": "unknown entity"}])
    return jsonify(ask(neighbours, store, iri, depth))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
