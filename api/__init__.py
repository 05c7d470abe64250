"""Jejak's front doors, composed: the HTTP API (`api.http`), the public portal (`api.portal`), the auditors'
console (`api.console`), the command line (`api.cli`) and the demo city (`api.demo`). `create_app` builds the one Flask app."""

from __future__ import annotations

from typing import Any

from flask import Flask

MAX_BODY = 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app factory: one set of services (ledger, read models, keys) per process."""
    from api import console, errors, http, observability, portal, reads
    from api.bootstrap import build_services

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, DATABASE_URL=None)
    app.config.update(config or {})
    app.json.sort_keys = False
    app.extensions["jejak"] = app.config.get("SERVICES") or build_services(app.config["DATABASE_URL"])
    errors.init_app(app)
    reads.init_app(app)  # Jejak-Read-From: replica|primary
    for bp in (*http.BLUEPRINTS, portal.bp, console.bp, http.openapi_bp):
        app.register_blueprint(bp)
    if app.config.get("OBSERVABILITY", True):  # request ids, JSON access lines, /metrics, /readyz
        observability.init_app(app)
    app.after_request(http.write_access_log)  # last installed, first run: before metrics see the status
    return app
