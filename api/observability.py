"""What operators watch: a JSON access line and metrics per request, `/metrics`, and `/readyz`.

`init_app` installs two hooks: before a request, its id (the client's `X-Request-Id` when sane,
else a new one) and start time; after it, the `X-Request-Id` header, the request's count and
latency under its route template, and one `jejak.access` log line. Route templates, never paths:
a path carries NIPs and tickets, and a template keeps the metrics' label sets few.
"""

from __future__ import annotations

import logging
import re
import time
import os
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from api.jsonlog import redact
from api.metrics import Metrics, lags
from ledger.settings import Settings, load

access = logging.getLogger("jejak.access")
bp = Blueprint("observability", __name__)
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "<unmatched>"


def request_id(offered: str | None) -> str:
    """The client's (or proxy's) id when it is short, plain and carries no NIP, ticket or token; else a new one."""
    if offered and SANE_ID.fullmatch(offered) and redact(offered) == offered:
        return offered
    return os.urandom(16).hex()  # 32 hex digits as uuid4().hex gave, without building a UUID per request


def _begin() -> None:
    g.request_id = request_id(request.headers.get("X-Request-Id"))
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    rid = g.get("request_id") or request_id(None)
    response.headers["X-Request-Id"] = rid
    rule = request.url_rule
    route = rule.rule if rule is not None else UNMATCHED
    current_app.extensions["jejak_metrics"].observe(request.method, route, response.status_code, seconds)
    if access.isEnabledFor(logging.INFO):
        principal = g.get("principal")
        # made directly: Logger.info would walk the stack to find a caller the line does not show
        access.handle(access.makeRecord(access.name, logging.INFO, __file__, 0, "request", (), None, extra={
            "fields": {"request_id": rid, "method": request.method, "route": route, "status": response.status_code,
                       "ms": round(seconds * 1000, 2), "principal": getattr(principal, "name", None),
                       "role": getattr(principal, "role", None)}}))
    return response


def init_app(app: Flask, settings: Settings | None = None) -> None:
    """Install the hooks, `/metrics` and `/readyz`; trust `JEJAK_TRUSTED_PROXIES` proxies' X-Forwarded-For."""
    settings = settings or app.config.get("SETTINGS") or load()
    app.config.setdefault("READY_MAX_LAG", settings["JEJAK_READY_MAX_LAG"])
    if settings["JEJAK_TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings["JEJAK_TRUSTED_PROXIES"])  # type: ignore[method-assign]
    app.extensions["jejak_metrics"] = Metrics(app.extensions["jejak"])
    app.before_request(_begin)
    app.after_request(_finish)
    app.register_blueprint(bp)
    app.config.setdefault("OPENAPI_PATHS", {}).update(OPENAPI_PATHS)


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition of every worker's request metrics and the ledger's gauges."""
    body = current_app.extensions["jejak_metrics"].scrape()
    return Response(body, mimetype="text/plain", headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})


@bp.get("/readyz")
def readyz() -> Any:
    """Readiness: the database answers and no read model lags more than `JEJAK_READY_MAX_LAG` events."""
    limit = int(current_app.config["READY_MAX_LAG"])
    try:
        head, behind = lags(current_app.extensions["jejak"])
    except Exception as exc:  # noqa: BLE001 - any failure to read is "not ready", said in the body
        logging.getLogger("jejak.api").warning("readiness: the database did not answer: %s", exc)
        return jsonify({"status": "not_ready", "head": None, "max_lag": limit,
                        "problems": [{"check": "database", "message": f"the database did not answer: "
                                                                     f"{type(exc).__name__}"}]}), 503
    problems = [{"check": "projection", "model": name, "lag": lag,
                 "message": f"read model {name} is {lag} events behind the ledger (limit {limit})"}
                for name, lag in sorted(behind.items()) if lag > limit]
    body = {"status": "not_ready" if problems else "ready", "head": head, "max_lag": limit, "lags": behind,
            "problems": problems}
    return jsonify(body), 503 if problems else 200


_READY = {"type": "object", "required": ["status", "head", "max_lag", "problems"], "properties": {
    "status": {"type": "string", "enum": ["ready", "not_ready"]}, "head": {"type": ["integer", "null"]},
    "max_lag": {"type": "integer"}, "lags": {"type": "object", "additionalProperties": {"type": "integer"}},
    "problems": {"type": "array", "items": {"type": "object", "required": ["check", "message"], "properties": {
        "check": {"type": "string", "enum": ["database", "projection"]}, "model": {"type": "string"},
        "lag": {"type": "integer"}, "message": {"type": "string"}}}}}}
OPENAPI_PATHS = {
    "/readyz": {"get": {"operationId": "readiness", "summary": "Readiness: the database answers and the read "
                        "models are caught up enough", "tags": ["service"], "responses": {
                            code: {"description": text, "content": {"application/json": {"schema": _READY}}}
                            for code, text in (("200", "ready"), ("503", "not ready: what is wrong"))}}},
    "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus metrics (requests per route template; "
                         "ledger gauges)", "tags": ["service"], "responses": {"200": {"description": "text exposition format",
                                                                       "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
}
