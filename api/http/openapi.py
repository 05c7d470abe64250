"""`GET /openapi.json` and `/healthz`: the API described (OpenAPI 3.1) from the same schemas the views use."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app

from api.http import schemas as s
from api.http.describe import operation, path_parameters
from ledger.events import CATALOGUE
from ledger.requests import catalogue_schema

bp = Blueprint("openapi", __name__)
READ = ("recorder", "inspector", "auditor", "admin")
STAFF = ("inspector", "auditor", "admin")
WRITE = ("recorder", "admin", "feedback_officer")  # a feedback officer: the feedback steps only (403 for others)
CATALOGUE_READ = READ + ("feedback_officer",)
WRITE_ERRORS = (400, 404, 409, 413, 415, 422, 503)
TAGS = [("events", "Recording events and reading them back"), ("employees", "Employee state and history"),
        ("units", "Unit state and training budgets"), ("audit", "Who changed what, and red flags"),
        ("integrity", "Signed checkpoints, Merkle proofs, keys and audit bundles"),
        ("public", "Public aggregates, feedback and the public checkpoint: no token"),
        ("portal", "The public portal's pages (HTML, Bahasa Indonesia)"),
        ("console", "The auditors' and inspectors' console (HTML behind a session cookie)"),
        ("service", "Health and this description")]
IDEMPOTENCY = {"in": "header", "name": "Idempotency-Key", "required": False,
               "description": "the same key and body replay the original receipts (200)",
               "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "description": "the stream's expected version",
            "schema": {"type": "string", "pattern": r'^"\d{1,12}"$'}}
DOCUMENT = {"type": "object", "required": ["openapi", "info", "paths"],
            "properties": {"openapi": {"type": "string", "const": "3.1.0"}}}
ref = "#/components/schemas/{}".format

# path -> {method: operation}; schemas are marshmallow classes, component names or JSON Schemas
ENDPOINTS: dict[str, dict[str, dict[str, Any]]] = {
    "/v1/events": {"post": operation(
        "recordEvent", "events", "Record one event", {201: s.Receipt, 200: s.Receipt}, roles=WRITE,
        parameters=[IDEMPOTENCY, IF_MATCH], body={"$ref": ref("EventBody")}, errors=WRITE_ERRORS,
        description="201 with the receipt; 200 with the original receipt when the Idempotency-Key was seen.")},
    "/v1/events/batch": {"post": operation(
        "recordEventBatch", "events", "Record up to 1,000 events atomically", {201: s.Receipts, 200: s.Receipts},
        roles=WRITE, parameters=[IDEMPOTENCY], body={"$ref": ref("Batch")}, errors=WRITE_ERRORS)},
    "/v1/event-types": {"get": operation(
        "listEventTypes", "events", "The event catalogue with JSON Schemas", {200: s.EventTypes},
        roles=CATALOGUE_READ)},
    "/v1/rules": {"get": operation(
        "listRules", "events", "The rulebook: validation and compliance rules", {200: s.Rules}, roles=CATALOGUE_READ)},
    "/v1/events/{event_id}": {"get": operation(
        "getEvent", "events", "One event (recorders: their own; feedback officers: tickets')", {200: s.Event},
        roles=CATALOGUE_READ, errors=(404,))},
    "/v1/feed": {"get": operation(
        "readFeed", "events", "All events in global order", {200: s.Feed}, roles=STAFF, query=s.FeedArgs,
        errors=(400,))},
    "/v1/employees": {"get": operation(
        "listEmployees", "employees", "The current roster", {200: s.RosterPage}, roles=STAFF,
        query=s.EmployeeListArgs, errors=(400,))},
    "/v1/employees/{nip}": {"get": operation(
        "getEmployee", "employees", "Employee state: current, as_of, valid_at", {200: s.EmployeeState}, roles=READ,
        query=s.EmployeeStateArgs, errors=(400, 404))},
    "/v1/employees/{nip}/history": {"get": operation(
        "getEmployeeHistory", "employees", "The employee's events, oldest first", {200: s.EventPage}, roles=STAFF,
        query=s.PageArgs, errors=(400, 404))},
    "/v1/feedback/{ticket}/history": {"get": operation(
        "getFeedbackHistory", "events", "A feedback ticket's events, oldest first", {200: s.EventPage},
        roles=STAFF + ("feedback_officer",), query=s.PageArgs, errors=(400, 404))},
    "/v1/units/{code}": {"get": operation(
        "getUnit", "units", "Unit state", {200: s.UnitState}, roles=READ, query=s.EmployeeStateArgs,
        errors=(400, 404))},
    "/v1/units/{code}/budget": {"get": operation(
        "getUnitBudget", "units", "A unit's training budget for a year", {200: s.Budget}, roles=READ,
        query=s.BudgetArgs, errors=(400, 404))},
    "/v1/audit": {"get": operation(
        "queryAudit", "audit", "Who changed what, newest first", {200: s.AuditPage}, roles=STAFF, query=s.AuditArgs,
        errors=(400,))},
    "/v1/audit/flags": {"get": operation(
        "listRedFlags", "audit", "Red flags for inspectors", {200: s.FlagPage}, roles=STAFF, query=s.FlagArgs,
        errors=(400,))},
    "/healthz": {"get": operation("getHealth", "service", "Liveness and the ledger head", {200: s.Health})},
    "/openapi.json": {"get": operation("getOpenApiDocument", "service", "This document (OpenAPI 3.1)",
                                       {200: DOCUMENT})},
}


def _tidy(schema: Any) -> Any:
    """A catalogue JSON Schema as the document publishes it: an empty `required` list says nothing, so it goes."""
    if isinstance(schema, dict):
        return {k: _tidy(v) for k, v in schema.items() if not (k == "required" and v == [])}
    if isinstance(schema, list):
        return [_tidy(v) for v in schema]
    return schema


def _components(spec: APISpec) -> None:
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "a token from `jejak keys create`"})
    spec.components.security_scheme("jejak_console", {"type": "apiKey", "in": "cookie", "name": "jejak_console",
                                                      "description": "the console's session (sign in at /console/masuk)"})
    spec.components.schema("Error", schema=s.Error)
    for name in ("Checkpoint", "InclusionProof", "ConsistencyProof", "PublicKeys"):
        spec.components.schema(name, schema=getattr(s, name))
    bodies, mapping = [], {}
    for item in catalogue_schema():
        if CATALOGUE[item["type"]].RECORDED_BY is not None:  # recorded by the ledger itself, never posted
            continue
        name = f"Event_{item['type']}"
        spec.components.schema(name, {**_tidy(item["schema"]), "description": item["description"]})
        bodies.append({"$ref": ref(name)})
        mapping[item["type"]] = ref(name)
    spec.components.schema("EventBody", {"oneOf": bodies,
                                         "discriminator": {"propertyName": "type", "mapping": mapping}})
    spec.components.schema("Batch", {"type": "object", "required": ["events"], "additionalProperties": False,
                                     "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 1000,
                                                               "items": {"$ref": ref("EventBody")}}}})


def build_spec(extra: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The whole document: this blueprint's endpoints and the `extra` path items other blueprints describe."""
    spec = APISpec("Jejak", "1", "3.1.0", plugins=[MarshmallowPlugin()],
                   info={"description": "Event-sourced audit ledger of Kota Binjai's civil service. "
                                        "Every error has one shape (Error); interactive docs at /docs."},
                   tags=[{"name": name, "description": text} for name, text in TAGS])
    _components(spec)
    for path, operations in deepcopy({**ENDPOINTS, **(extra or {})}).items():
        item = {method: {**op, "parameters": path_parameters(path) + op.get("parameters", [])}
                if "{" in path and not any(p.get("in") == "path" for p in op.get("parameters", [])) else op
                for method, op in operations.items()}
        spec.path(path=path, operations=item)
    return spec.to_dict()


def document(app: Flask) -> dict[str, Any]:
    """The app's document, built once: every blueprint has added its paths to OPENAPI_PATHS by then."""
    doc = app.extensions.get("jejak_openapi")
    if doc is None:
        doc = app.extensions["jejak_openapi"] = build_spec(app.config.get("OPENAPI_PATHS"))
    return doc


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of every endpoint."""
    return document(current_app._get_current_object())


@bp.get("/healthz")
def healthz():
    """Liveness: the database answers and the ledger head is known."""
    return s.Health().dump({"status": "ok", "head": current_app.extensions["jejak"].ledger.head()})
