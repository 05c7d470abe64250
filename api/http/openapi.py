"""`GET /openapi.json` and `/healthz`: the API described from the same schemas the views use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app

from api.http import schemas as s
from ledger.requests import catalogue_schema

bp = Blueprint("openapi", __name__)
READ = ("recorder", "inspector", "auditor", "admin")
STAFF = ("inspector", "auditor", "admin")
ERRORS = {400: "bad request (malformed, validation_failed)", 401: "no or bad token", 403: "role not allowed",
          404: "not found", 409: "version conflict or idempotency mismatch", 413: "body too large",
          422: "a domain rule refuses it (rule_violated)",
          503: "database_busy: another transaction held the lock past the lock timeout; nothing was recorded; "
               "retry after Retry-After seconds"}

# (method, path, summary, roles, query schema, request body, {status: response schema}, errors)
ENDPOINTS: list[tuple[str, str, str, tuple[str, ...] | None, Any, Any, dict[int, Any], tuple[int, ...]]] = [
    ("post", "/v1/events", "Record one event", ("recorder", "admin"), None, "EventBody",
     {201: s.Receipt, 200: s.Receipt}, (400, 401, 403, 404, 409, 413, 422, 503)),
    ("post", "/v1/events/batch", "Record up to 1,000 events atomically", ("recorder", "admin"), None, "Batch",
     {201: s.Receipts, 200: s.Receipts}, (400, 401, 403, 404, 409, 413, 422, 503)),
    ("get", "/v1/event-types", "The event catalogue with JSON Schemas", READ, None, None,
     {200: s.EventTypes}, (401, 403)),
    ("get", "/v1/events/{event_id}", "One event (recorders: their own)", READ, None, None,
     {200: s.Event}, (401, 403, 404)),
    ("get", "/v1/feed", "All events in global order", STAFF, s.FeedArgs, None, {200: s.Feed}, (400, 401, 403)),
    ("get", "/v1/employees", "The current roster", STAFF, s.EmployeeListArgs, None,
     {200: s.RosterPage}, (400, 401, 403)),
    ("get", "/v1/employees/{nip}", "Employee state: current, as_of, valid_at", READ, s.EmployeeStateArgs, None,
     {200: s.EmployeeState}, (400, 401, 403, 404)),
    ("get", "/v1/employees/{nip}/history", "The employee's events, oldest first", STAFF, s.PageArgs, None,
     {200: s.EventPage}, (400, 401, 403, 404)),
    ("get", "/v1/units/{code}", "Unit state", READ, s.EmployeeStateArgs, None,
     {200: s.UnitState}, (400, 401, 403, 404)),
    ("get", "/v1/units/{code}/budget", "A unit's training budget for a year", READ, s.BudgetArgs, None,
     {200: s.Budget}, (400, 401, 403, 404)),
    ("get", "/v1/audit", "Who changed what, newest first", STAFF, s.AuditArgs, None,
     {200: s.AuditPage}, (400, 401, 403)),
    ("get", "/v1/audit/flags", "Red flags for inspectors", STAFF, s.FlagArgs, None,
     {200: s.FlagPage}, (400, 401, 403)),
    ("get", "/healthz", "Liveness and the ledger head", None, None, None, {200: s.Health}, ()),
    ("get", "/openapi.json", "This document", None, None, None, {200: None}, ()),
]


def _oas30(schema: Any) -> Any:
    """JSON Schema of the catalogue in OpenAPI 3.0 terms (`const` becomes a one-value `enum`)."""
    if isinstance(schema, dict):
        out = {k: _oas30(v) for k, v in schema.items() if k != "const"}
        if "const" in schema:
            out["enum"] = [schema["const"]]
        return out
    if isinstance(schema, list):
        return [_oas30(v) for v in schema]
    return schema


def build_spec(extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec = APISpec("Jejak", "1", "3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": "Event-sourced audit ledger of Kota Binjai's civil service"})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=s.Error)
    bodies = []
    for item in catalogue_schema():
        name = f"Event_{item['type']}"
        spec.components.schema(name, _oas30(item["schema"]))
        bodies.append({"$ref": f"#/components/schemas/{name}"})
    spec.components.schema("EventBody", {"oneOf": bodies})
    spec.components.schema("Batch", {"type": "object", "required": ["events"], "additionalProperties": False,
                                     "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 1000,
                                                               "items": {"$ref": "#/components/schemas/EventBody"}}}})
    for method, path, summary, roles, query, body, responses, errors in ENDPOINTS:
        op: dict[str, Any] = {"summary": summary, "responses": {}}
        if roles:
            op["security"] = [{"bearer": []}]
            op["description"] = "Roles: " + ", ".join(roles)
            errors = tuple(sorted(set(errors) | {401, 403}))
        params: list[Any] = [{"in": "path", "name": p.strip("{}"), "required": True,
                              "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
                             for p in path.split("/") if p.startswith("{")]
        if query is not None:
            params.append({"in": "query", "schema": query})
        if method == "post":
            params += [{"in": "header", "name": "Idempotency-Key", "required": False,
                        "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"}}]
            if path == "/v1/events":
                params.append({"in": "header", "name": "If-Match", "required": False,
                               "schema": {"type": "string", "pattern": r'^"\d{1,12}"$'}})
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{body}"}}}}
        if params:
            op["parameters"] = params
        for status, schema in responses.items():
            content = {"application/json": {"schema": schema if schema else {"type": "object"}}}
            op["responses"][str(status)] = {"description": "OK", "content": content}
        for status in errors:
            op["responses"][str(status)] = {"description": ERRORS[status], "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            if status == 503:
                op["responses"]["503"]["headers"] = {"Retry-After": {
                    "description": "seconds to wait before retrying", "schema": {"type": "integer"}}}
        spec.path(path=path, operations={method: op})
    doc = spec.to_dict()
    for path_item in extra or []:
        doc["paths"].update(path_item)
    return doc


@lru_cache(maxsize=1)
def _cached() -> dict[str, Any]:
    return build_spec()


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of every endpoint."""
    doc = dict(_cached())
    extra = current_app.config.get("OPENAPI_PATHS")
    if extra:
        doc = {**doc, "paths": {**doc["paths"], **extra}}
    return doc


@bp.get("/healthz")
def healthz():
    """Liveness: the database answers and the ledger head is known."""
    return s.Health().dump({"status": "ok", "head": current_app.extensions["jejak"].ledger.head()})
