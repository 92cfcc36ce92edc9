"""One error shape for every endpoint: ``{"ok": false, "status", "error", "errors"}``.

HTML routes asked for by a browser get the same content as an HTML page. Error bodies
never carry stack traces, exception reprs or file paths: only messages written for users.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Routes that always answer errors in JSON, whatever the Accept header says.
JSON_PREFIXES = ("/api/", "/sparql", "/openapi.json", "/healthz")


class ApiError(Exception):
    """A request the app refuses; ``message`` and ``errors`` are shown to the user as they are."""

    def __init__(self, status: int, message: str, errors: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []


def error_body(status: int, message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The one JSON error shape."""
    return {"ok": False, "status": status, "error": message, "errors": errors or []}


def wants_html() -> bool:
    """True when the client is a browser on an HTML route (Accept prefers text/html over JSON)."""
    if request.path.startswith(JSON_PREFIXES):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


def error_response(status: int, message: str, errors: list[dict[str, str]] | None = None) -> Response:
    """Render an error as JSON (API, scripts) or HTML (browsers on pages)."""
    body = error_body(status, message, errors)
    if wants_html():
        html = render_template("error.html", error=body)
        return Response(html, status=status, mimetype="text/html")
    response = jsonify(body)
    response.status_code = status
    return response


def _handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.errors)


def _handle_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    # Werkzeug's descriptions are fixed English sentences (no request data), safe to show.
    message = exc.description or exc.name
    response = error_response(status, message)
    valid_methods = getattr(exc, "valid_methods", None)
    if status == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _handle_unexpected(exc: Exception) -> Response:
    # Log the traceback for operators; the client only learns that something failed.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "Internal error: the request could not be completed.")


def init_app(app: Flask) -> None:
    """Register the error handlers and the request-size guard."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)

    @app.before_request
    def _refuse_large_bodies() -> None:
        # Werkzeug only enforces MAX_CONTENT_LENGTH when the body is read; refuse early for every route.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            raise ApiError(413, f"Request body too large: at most {limit} bytes are accepted (setting max_request_bytes).")
