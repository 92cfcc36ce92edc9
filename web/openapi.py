"""``/openapi.json``: an OpenAPI 3.1 description of every route, tested against real responses."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
REF = {"id": {"type": "string"}, "name": {"type": ["string", "null"]}}


def _obj(properties: dict[str, Any], required: list[str] | None = None, extra: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": extra}
    if required:
        schema["required"] = required
    return schema


def _list_of(item_ref: str) -> dict[str, Any]:
    return _obj({"total": {"type": "integer", "minimum": 0},
                 "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item_ref}"}}},
                ["total", "results"])


SCHEMAS: dict[str, Any] = {
    "Error": _obj({
        "ok": {"const": False},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": _obj({"param": {"type": "string"}, "message": {"type": "string"}})},
    }, ["ok", "status", "error", "errors"], extra=False),
    "Health": _obj({"ok": {"const": True}, "ready": {"type": "boolean"}, "documents": {"type": "integer"}, "triples": {"type": "integer"},
                    "passages": {"type": "integer"}}, ["ok", "ready", "documents", "triples", "passages"]),
    "EntityRef": _obj({"id": {"type": "string"}, "label": {"type": ["string", "null"]}, "type": {"type": ["string", "null"]}}, ["id"]),
    "SearchHit": _obj({
        "id": NULLABLE_STRING, "key": {"type": "string"}, "kind": {"type": "string"}, "title": {"type": "string"},
        "snippet": {"type": "string"}, "date": NULLABLE_STRING, "committee": NULLABLE_STRING, "council": NULLABLE_STRING,
        "document": {"type": "string"}, "page": NULLABLE_INT, "score": {"type": "number"},
        "entities": {"type": "array", "items": {"$ref": "#/components/schemas/EntityRef"}},
    }, ["id", "kind", "title", "snippet", "date", "committee", "document", "page", "entities"]),
    "SearchResponse": _obj({
        "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 1}, "fallback": {"type": "boolean"}, "message": NULLABLE_STRING,
        "suggestion": NULLABLE_STRING,
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "facets": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}},
    }, ["query", "total", "page", "size", "results", "facets"]),
    "Inspection": _obj({
        "id": {"type": "string"}, "label": {"type": "string"},
        "school": _obj(REF, ["id", "name"]),
        "inspector": {"oneOf": [_obj({**REF, "hmi": {"type": "boolean"}}, ["id", "name", "hmi"]), {"type": "null"}]},
        "start": {"type": "string"}, "end": NULLABLE_STRING, "type": NULLABLE_STRING, "grade": NULLABLE_STRING,
        "previous_grade": NULLABLE_STRING, "previous_date": NULLABLE_STRING, "document": NULLABLE_STRING, "page": NULLABLE_INT,
        # A report card (from November 2025): no overall grade (null), a grade for each evaluation area.
        "area_grades": {"type": "array", "items": _obj({"area": {"type": "string"}, "grade": {"type": "string"}},
                                                       ["area", "grade"], extra=False)},
        "safeguarding": {"type": ["string", "null"], "enum": ["Met", "Not met", None]},
    }, ["id", "school", "inspector", "start", "end", "type", "grade", "previous_grade", "previous_date", "document", "page",
        "area_grades", "safeguarding"]),
    "Meeting": _obj({
        "id": {"type": "string"}, "key": {"type": "string"}, "api": {"type": "string"}, "label": {"type": "string"},
        "committee": _obj(REF, ["id", "name"]), "date": {"type": "string"}, "time": NULLABLE_STRING, "venue": NULLABLE_STRING,
    }, ["id", "api", "committee", "date", "time", "venue"]),
    "MeetingDetail": {"allOf": [{"$ref": "#/components/schemas/Meeting"}, _obj({
        "present": {"type": "array"}, "also_present": {"type": "array"}, "apologies": {"type": "array"},
        "substitutes": {"type": "array", "items": _obj({"substitute": {}, "for": {}}, ["substitute", "for"])},
        "agenda_items": {"type": "array", "items": _obj({"number": NULLABLE_STRING, "title": {"type": "string"}}, ["number", "title"])},
        "resolutions": {"type": "array", "items": _obj({"item": {}, "text": {"type": "string"}, "parts": {"type": "array"}}, ["item", "text", "parts"])},
        "declarations": {"type": "array", "items": _obj({"person": {}, "item": NULLABLE_STRING, "interest": NULLABLE_STRING,
                                                         "outcome": NULLABLE_STRING}, ["person", "item", "interest", "outcome"])},
        "reports": {"type": "array"}, "documents": {"type": "array"},
    }, ["present", "also_present", "apologies", "substitutes", "declarations", "agenda_items", "resolutions", "reports",
        "documents"])]},
    "Person": _obj({"id": {"type": "string"}, "name": {"type": ["string", "null"]}}, ["id"]),
    "Link": _obj({"id": {"type": "string"}, "label": {"type": ["string", "null"]}}, ["id"]),
    "Entity": _obj({
        "id": {"type": "string"}, "types": {"type": "array", "items": {"type": "string"}}, "label": NULLABLE_STRING,
        "labels": {"type": "array"}, "properties": {}, "outgoing": {"type": "array"}, "incoming": {"type": "array"},
        "sources": {"type": "array", "items": _obj({"document": {"type": ["string", "null"]}, "page": NULLABLE_INT})},
    }, ["id", "types", "label", "properties", "outgoing", "incoming", "sources"]),
    "Path": _obj({"from": {"type": "string"}, "to": {"type": "string"}, "length": {"type": "integer"},
                  "results": {"type": "array"}}, ["from", "to", "results"]),
    "Neighbours": _obj({"id": {"type": "string"}, "nodes": {"type": "array", "items": {"type": "object"}},
                        "edges": {"type": "array", "items": {"type": "object"}},
                        "truncated": {"type": "boolean", "description": "present (true) when the levels stopped at 5,000 entities"}},
                       ["id", "nodes", "edges"]),
}


def _param(name: str, description: str, schema: dict[str, Any] | None = None, required: bool = False,
           where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema or {"type": "string"}}


DATE = {"type": "string", "description": "ISO date: YYYY-MM-DD, YYYY-MM or YYYY"}
IRI = {"type": "string", "format": "iri"}
PAGING = [_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 10000}),
          _param("size", "Items per page (setting list_page_size; at most list_max_size)", {"type": "integer", "minimum": 1})]


def _json(ref: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


ERRORS = {str(code): _json("Error", text) for code, text in
          ((400, "Invalid parameters"), (404, "Unknown entity or route"), (503, "Data not available"))}


def _get(summary: str, params: list[dict[str, Any]], ok: dict[str, Any], op_id: str) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "summary": summary, "parameters": params, "responses": {"200": ok, **ERRORS}}}


def build_document(max_size: int = 100) -> dict[str, Any]:
    """The OpenAPI document; ``max_size`` is the search_max_size setting."""
    search_params = [
        _param("q", "Query: words, \"phrases\", AND/OR/NOT, prefix*", required=True),
        _param("kind", "Passage kind (resolution, report, inspection, ...)"),
        _param("committee", "Committee name"), _param("council", "Council name"),
        _param("entity", "Only passages about this entity IRI", IRI),
        _param("from", "Earliest date", DATE), _param("to", "Latest date", DATE),
        _param("sort", "Order", {"type": "string", "enum": ["relevance", "date", "-date"]}),
        _param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 10000}),
        _param("size", "Hits per page (setting search_max_size)", {"type": "integer", "minimum": 1, "maximum": max_size}),
        _param("format", "json (default), csv or atom", {"type": "string", "enum": ["json", "csv", "atom"]}),
    ]
    search_ok = _json("SearchResponse")
    search_ok["content"]["text/csv"] = {"schema": {"type": "string"}}
    search_ok["content"]["application/atom+xml"] = {"schema": {"type": "string"}}
    sparql_ok = {"description": "Query results", "content": {m: {"schema": {}} for m in (
        "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
        "text/turtle", "application/ld+json", "application/n-triples")}}
    sparql_errors = {**ERRORS, "406": _json("Error", "No acceptable media type"), "413": _json("Error", "Body too large"),
                     "415": _json("Error", "Unsupported body type"), "503": _json("Error", "Stopped by sparql_timeout")}
    paths: dict[str, Any] = {
        "/healthz": _get("Liveness and counts", [], _json("Health"), "healthz"),
        "/api/search": _get("Full-text search of passages", search_params, search_ok, "search"),
        "/api/inspections": _get("Ofsted inspections", [
            _param("inspector", "Inspector name, as typed (any case, with or without HMI)"),
            _param("school", "School name"), _param("grade", "Grade (Good, Outstanding, ...)"),
            _param("type", "Inspection type"), _param("hmi", "Led by an HMI", {"type": "string", "enum": ["true", "false"]}),
            _param("from", "Earliest start", DATE), _param("to", "Latest start", DATE),
            *PAGING,
        ], _json("InspectionList"), "inspections"),
        "/api/meetings": _get("Meetings, oldest first, then by committee key (the meeting key's first part)", [
            _param("committee", "Committee name"), _param("date", "Meeting day", DATE),
            _param("from", "Earliest date", DATE), _param("to", "Latest date", DATE),
            _param("document", "Source document file name"), *PAGING,
        ], _json("MeetingList"), "meetings"),
        "/api/meetings/{key}": _get("One meeting with attendance, agenda and resolutions",
                                    [_param("key", "`{committee-slug}/{date}` (the `api` link of a meeting)", required=True, where="path")],
                                    _json("MeetingDetail"), "meeting"),
        "/api/people": _get("People with roles, memberships and attendance", [
            _param("name", "Name as typed (any case, with or without title)"), _param("role", "Role (member, chair, ...)"),
            *PAGING,
        ], _json("PersonList"), "people"),
        "/api/entity": _get("Any entity by IRI", [_param("id", "Entity IRI", IRI, required=True)], _json("Entity"), "entity"),
        "/api/graph/path": _get("Shortest path between two entities", [
            _param("from", "Entity IRI", IRI, required=True), _param("to", "Entity IRI", IRI, required=True),
        ], _json("Path"), "graph_path"),
        "/api/graph/neighbours": _get("Entities near an entity", [
            _param("id", "Entity IRI", IRI, required=True),
            _param("depth", "Links to follow", {"type": "integer", "minimum": 1, "maximum": 3}),
        ], _json("Neighbours"), "graph_neighbours"),
        "/sparql": {
            "get": {"operationId": "sparql_get", "summary": "SPARQL 1.1 query (read-only)",
                    "parameters": [_param("query", "SPARQL query", required=True),
                                   _param("format", "json, xml, csv, tsv, turtle, json-ld, nt")],
                    "responses": {"200": sparql_ok, **sparql_errors}},
            "post": {"operationId": "sparql_post", "summary": "SPARQL 1.1 query by POST",
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": _obj({"query": {"type": "string"}}, ["query"])},
                         "application/sparql-query": {"schema": {"type": "string"}}}},
                     "responses": {"200": sparql_ok, **sparql_errors}},
        },
        "/id/{rest}": _get("Linked data for an entity IRI (HTML, Turtle or JSON-LD by Accept)",
                           [_param("rest", "The IRI's path after /id/", required=True, where="path")],
                           {"description": "The entity", "content": {m: {"schema": {}} for m in ("text/turtle", "application/ld+json", "text/html")}},
                           "linked_data"),
        "/ontology": _get("The councilgraph ontology", [], {"description": "ontology.ttl", "content": {"text/turtle": {"schema": {"type": "string"}}}}, "ontology"),
    }
    schemas = dict(SCHEMAS)
    for name, item in (("InspectionList", "Inspection"), ("MeetingList", "Meeting"), ("PersonList", "Person")):
        schemas[name] = _list_of(item)
        schemas[name]["properties"].update(
            page={"type": "integer", "minimum": 1}, size={"type": "integer", "minimum": 1}, next=NULLABLE_STRING)
        schemas[name]["required"] += ["page", "size", "next"]
    return {
        "openapi": "3.1.0",
        "info": {"title": "councilgraph", "version": "0.1.0",
                 "description": "Council committee papers as a knowledge graph: REST API, SPARQL endpoint and linked data. "
                                "Every error has the shape {ok: false, status, error, errors}."},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def init_app(app: Flask) -> None:
    document = build_document(app.config["COUNCILGRAPH"]["search_max_size"])

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(document)
