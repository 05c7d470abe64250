"""Jejak's HTTP API, CLI and public portal: composes `ledger` and `projections`."""

from __future__ import annotations

from typing import Any

from flask import Flask

MAX_BODY = 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app factory: one set of services (ledger, read models, keys) per process."""
    from api import audit, employees, errors, events, integrity, openapi, public, units
    from api.bootstrap import build_services

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, DATABASE_URL=None)
    app.config.update(config or {})
    app.json.sort_keys = False
    app.extensions["jejak"] = app.config.get("SERVICES") or build_services(app.config["DATABASE_URL"])
    errors.init_app(app)
    for module in (events, employees, units, audit, integrity, public, openapi):
        app.register_blueprint(module.bp)
    return app
