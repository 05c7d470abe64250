"""Jejak's HTTP API, CLI and public portal: composes `ledger` and `projections`."""

from __future__ import annotations

from typing import Any

from flask import Flask

MAX_BODY = 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app factory: one set of services (ledger, read models, keys) per process."""
    from api import audit, employees, errors, events, openapi, units
    from api.bootstrap import build_services

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, JSON_SORT_KEYS=False, DATABASE_URL=None)
    app.config.update(config or {})
    app.json.sort_keys = False
    services = app.config.get("SERVICES") or build_services(app.config["DATABASE_URL"])
    app.extensions["jejak"] = services
    errors.init_app(app)
    for module in (events, employees, units, audit, openapi):
        app.register_blueprint(module.bp)
    for name in ("integrity", "public"):  # blueprints other issues add, when present
        try:
            module = __import__(f"api.{name}", fromlist=["bp"])
        except ModuleNotFoundError as exc:
            if exc.name != f"api.{name}":
                raise
            continue
        app.register_blueprint(module.bp)
    return app
