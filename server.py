"""The councilgraph web application: ``create_app(config=None)`` (flaskr-style app factory).

Run it with ``councilgraph serve`` (waitress) or ``flask --app server run`` for development.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from councilgraph.settings import SETTINGS_BY_NAME, load_settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` mixes setting overrides (``data_dir``, ``base_iri``...) and Flask keys (``TESTING``)."""
    config = dict(config or {})
    overrides = {k: v for k, v in config.items() if k in SETTINGS_BY_NAME}
    flask_keys = {k: v for k, v in config.items() if k not in SETTINGS_BY_NAME}

    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    settings = load_settings(overrides)
    settings["base_iri"] = str(settings["base_iri"]).rstrip("/")
    app.config["COUNCILGRAPH"] = settings
    # Werkzeug refuses larger bodies with 413, which web.errors turns into the one error shape.
    app.config["MAX_CONTENT_LENGTH"] = settings["max_request_bytes"]
    app.config["MAX_FORM_MEMORY_SIZE"] = settings["max_request_bytes"]
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False
    app.config.update(flask_keys)

    import web

    web.init_app(app)
    return app
