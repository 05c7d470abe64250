"""OpenAPI 3.1 paths of the public portal and its JSON: no token; 429 `rate_limited` with Retry-After."""

from __future__ import annotations

from typing import Any

from ledger.events.base import UNIT_CODE
from ledger.fields import HIDDEN_RANGES

# What the ledger keeps of a message: not only spaces (it is stripped), nothing hidden (ledger/fields.py).
MESSAGE_PATTERN = f"^[^{HIDDEN_RANGES}]*[^{HIDDEN_RANGES}\\s][^{HIDDEN_RANGES}]*$"

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
SUPPRESSED = {"type": "object", "properties": {"suppressed": {"type": "boolean", "enum": [True]}},
              "description": "a group of fewer than 5 people (or tickets): never published as a number"}
COUNT = {"oneOf": [{"type": "integer", "minimum": 0}, SUPPRESSED]}
COUNTS = {"type": "object", "additionalProperties": COUNT}
BY_YEAR = {"type": "object", "description": "keyed by year", "additionalProperties": {"oneOf": [COUNTS, SUPPRESSED]}}
UNIT = {"type": "object", "properties": {
    "code": {"type": ["string", "null"]}, "name": {"type": "string"},
    "headcount": {"type": "object", "properties": {
        "total": COUNT, "by_position_type": COUNTS,
        "pns": {**COUNT, "description": "active PNS, the staff of the 20 JP figures; suppressed also when "
                                        "total minus PNS is 1 to 4"}}},
    "training": {**BY_YEAR, "description": "per year, over the unit's active PNS only (PP 17/2020: every PNS at "
                                         "least 20 JP a year; PPPK are not counted): staff (the PNS headcount), "
                                         "met_20_jp, below_20_jp"},
    "predikat": {**BY_YEAR, "description": "per year: count of each annual predikat"},
    "budget": {"type": "object", "description": "per year: allocated and realised training money (Rupiah)",
               "additionalProperties": {"type": "object", "properties": {
                   "allocated": {"type": "integer"}, "realised": {"type": "integer"}}}},
    "feedback": {"type": "object", "properties": {
        "total": COUNT, "by_status": COUNTS, "by_classification": COUNTS,
        "median_response_hours": {"oneOf": [{"type": "number"}, SUPPRESSED]}}},
}}
FEEDBACK_BODY = {"type": "object", "required": ["classification", "unit", "message"], "additionalProperties": False,
                 "properties": {
                     "classification": {"type": "string", "enum": ["aspirasi", "pengaduan", "permintaan_informasi"]},
                     "unit": {"type": "string", "maxLength": 40, "pattern": UNIT_CODE.schema()["pattern"]},
                     "message": {"type": "string", "maxLength": 5000, "pattern": MESSAGE_PATTERN,
                                 "description": "at least one character that is not a space; no control, "
                                                "bidi or zero-width characters"},
                     "anonymous": {"type": "boolean", "default": False},
                     "confidential": {"type": "boolean", "default": False},
                     "contact": {"type": ["string", "null"], "maxLength": 200,
                                 "description": "sealed with AES-GCM, never shown; refused when anonymous"}}}
TICKET = {"type": "object", "properties": {
    "ticket": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
               "description": "the public number, LPR-<year>-<16 of Crockford base32> (random; any case)"},
    "status": {"type": "string", "enum": ["received", "verified", "dispositioned", "responded", "closed", "rejected"]},
    "classification": {"type": "string"}, "unit": {"type": "string"},
    "steps": {"type": "object", "description": "status -> UTC time it was reached",
              "additionalProperties": {"type": "string", "format": "date-time"}},
    "verification_due": {"type": ["string", "null"], "format": "date"},
    "verification_working_days": {"type": "integer"}, "verification_breached": {"type": ["boolean", "null"]},
    "response_hours": {"type": ["number", "null"]}, "response": {"type": ["string", "null"]}}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _op(operation_id: str, summary: str, ok: dict[str, Any], *errors: int, status: str = "200",
        html: bool = False) -> dict[str, Any]:
    described = {400: "bad field (validation_failed, malformed)", 404: "not found", 429: "rate_limited; see Retry-After"}
    page = {"text/html": {"schema": {"type": "string"}}}
    op: dict[str, Any] = {"operationId": operation_id, "tags": ["portal" if html else "public"], "summary": summary,
                          "responses": {status: {"description": "OK", "content": page if html else ok}}}
    for e in errors + (429,):
        content = page if html else ERROR
        op["responses"][str(e)] = {"description": described[e], "content": content,
                                   **({"headers": {"Retry-After": {"schema": {"type": "integer"}}}} if e == 429 else {})}
    return op


PATH = [{"in": "path", "name": "code", "required": True,
         "schema": {"type": "string", "pattern": "^[A-Z0-9][A-Z0-9-]*$", "maxLength": 40}}]
TICKET_PATH = [{"in": "path", "name": "ticket", "required": True, "schema": TICKET["properties"]["ticket"]}]
NOMOR = [{"in": "query", "name": "nomor", "required": False, "schema": {
    "type": "string", "maxLength": 64, "pattern": r"^\s*([A-Za-z0-9][A-Za-z0-9._-]{0,63})?\s*$",
    "description": "a ticket number as typed (spaces around it are ignored); others are answered 400"}}]
RELEASE_ID = {"type": "string", "pattern": r"^R-[0-9]{4}(-[0-9]{2})?$",
              "description": "R-2025 (a year), R-2026-08 (a month)"}
UNITS = {"type": "object", "description": "a release's content exactly as published (its SHA-256 is the release's "
                                          "content_hash); empty items and null city before the first release",
         "properties": {"items": {"type": "array", "items": UNIT}, "next_cursor": {"type": ["string", "null"]},
                        "city": {"oneOf": [UNIT, {"type": "null"}]},
                        "release": {"oneOf": [RELEASE_ID, {"type": "null"}]},
                        "period": {"type": "string"}, "kind": {"type": "string", "enum": ["annual", "monthly"]},
                        "as_of": {"type": "string", "format": "date"}, "frozen_at": {"type": "string"},
                        "parameters": {"type": "object"}}}
RELEASE_QUERY = [{"in": "query", "name": "release", "required": False, "schema": {
    "type": "string", "pattern": r"^(R-[0-9]{4}(-[0-9]{2})?)?$",
    "description": "a release id (R-2025, R-2026-08); absent or empty: the latest release"}}]
RELEASES = {"type": "object", "properties": {
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "id": RELEASE_ID, "period": {"type": "string"}, "published_at": {"type": "string", "format": "date-time"},
        "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "position": {"type": "integer"}}}},
    "next_cursor": {"type": ["integer", "null"]}}}
RECEIVED = {"type": "object", "properties": {"ticket": TICKET["properties"]["ticket"], "status": {"type": "string"}}}
OPENAPI_PATHS: dict[str, Any] = {
    "/v1/public/units": {"get": {**_op("listPublicUnits", "A release's figures (?release=, else the latest): every "
                                                          "OPD's and the city's", _json(UNITS), 400, 404),
                                 "parameters": RELEASE_QUERY}},
    "/v1/public/units/{code}": {"get": {**_op("getPublicUnit", "One OPD's figures in a release", _json(UNIT), 400, 404),
                                        "parameters": PATH + RELEASE_QUERY}},
    "/v1/public/releases": {"get": {**_op("listPublicReleases", "Published releases, oldest first", _json(RELEASES),
                                          400),
                                    "parameters": [{"in": "query", "name": "after", "required": False,
                                                    "schema": {"type": "integer", "minimum": 0,
                                                               "maximum": 999_999_999_999_999_999}}]}},
    "/v1/public/feedback": {"post": {
        **_op("sendFeedback", "Send feedback (aspirasi, pengaduan, permintaan informasi)", _json(RECEIVED), 400,
              status="201"),
        "requestBody": {"required": True, "content": _json(FEEDBACK_BODY)}}},
    "/v1/public/feedback/{ticket}": {"get": {
        **_op("getFeedbackTicket", "A ticket's status and public response only", _json(TICKET), 404),
        "parameters": TICKET_PATH}},
    "/": {"get": _op("portalOverview", "Portal: city overview (Bahasa Indonesia)", {}, html=True)},
    "/opd/{code}": {"get": {**_op("portalUnitPage", "Portal: one OPD", {}, 404, html=True), "parameters": PATH}},
    "/masukan": {"get": _op("portalFeedbackForm", "Portal: feedback form", {}, html=True),
                 "post": _op("portalSendFeedback", "Portal: send the feedback form; 303 to the new ticket's page",
                             {}, 400, status="303", html=True)},
    "/tiket": {"get": {**_op("portalTicketLookup", "Portal: look up a ticket (?nomor=)", {}, 400, 404, html=True),
                       "parameters": NOMOR}},
    "/tiket/{ticket}": {"get": {**_op("portalTicketPage", "Portal: a ticket's status", {}, 404, html=True),
                                "parameters": TICKET_PATH}},
}
