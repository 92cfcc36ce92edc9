"""The Flask parts of councilgraph; each module registers itself with ``init_app(app)``."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every part of the web app: errors first, so all others share the one error shape."""
    from web import api, cache, errors, linked_data, openapi, pages, resources, sparql

    errors.init_app(app)
    resources.init_app(app)
    api.init_app(app)
    sparql.init_app(app)
    linked_data.init_app(app)
    pages.init_app(app)
    openapi.init_app(app)
    cache.init_app(app)  # last: it wraps the finished app
