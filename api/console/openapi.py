"""OpenAPI 3.1 paths of the console: HTML pages behind a session cookie (sign in at /console/masuk with an
API token), and the JSON the proof badge checks."""

from __future__ import annotations

from typing import Any

PAGE = {"text/html": {"schema": {"type": "string"}}}
COOKIE = [{"jejak_console": []}]
STATUS = {303: "to the sign-in page (no live session) or onwards", 400: "a bad field, named on the page",
          401: "unknown or revoked token", 403: "a role not allowed, or a missing or wrong CSRF token",
          404: "no such employee or event", 409: "the stream changed meanwhile; retry",
          422: "a rule refuses it (e.g. the finding is already reviewed)"}
HEX = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
PROOF = {"type": "object", "required": ["position", "canonical", "inclusion", "checkpoint"], "properties": {
    "position": {"type": "integer"},
    "canonical": {"type": "string", "contentEncoding": "base64",
                  "description": "the event's leaf v2 canonical bytes (docs/INTEGRITY.md §1)"},
    "inclusion": {"type": "object", "properties": {"leaf_index": {"type": "integer"}, "tree_size": {"type": "integer"},
                                                   "leaf_hash": HEX, "audit_path": {"type": "array", "items": HEX}}},
    "checkpoint": {"type": "object", "properties": {
        "tree_size": {"type": "integer"}, "root_hash": HEX, "issued_at": {"type": "string"},
        "key_id": {"type": "string"}, "signed_text": {"type": "string"}, "signature": {"type": "string"}}},
    "note": {"type": ["string", "null"], "description": "the checkpoint's C2SP signed note with every stored witness "
                                                        "cosignature line (null before notes existed)"}}}


def _op(operation_id: str, summary: str, *statuses: int, ok: str = "200", json: dict[str, Any] | None = None,
        signed_in: bool = True) -> dict[str, Any]:
    content = {"application/json": {"schema": json}} if json else PAGE
    op: dict[str, Any] = {"operationId": operation_id, "tags": ["console"], "summary": summary,
                          "responses": {ok: {"description": "OK", "content": content}}}
    if ok == "303":
        op["responses"]["303"]["headers"] = {"Location": {"schema": {"type": "string"}}}
    for status in statuses:
        op["responses"][str(status)] = {"description": STATUS[status], "content": PAGE}
    if signed_in:
        op["security"] = COOKIE
    return op


def _query(*names: str) -> list[dict[str, Any]]:
    return [{"in": "query", "name": n, "required": False, "schema": {"type": "string", "maxLength": 64}} for n in names]


OPENAPI_PATHS: dict[str, Any] = {
    "/console/": {"get": _op("consoleHome", "Console: to the employee search", ok="303", signed_in=False)},
    "/console/masuk": {
        "get": _op("consoleSignInForm", "Console: the sign-in form (paste an API token)", signed_in=False),
        "post": {**_op("consoleSignIn", "Console: exchange a token for a session cookie", 400, 401, 403, ok="303",
                       signed_in=False),
                 "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["token", "csrf_token"],
                     "properties": {"token": {"type": "string", "maxLength": 200}, "csrf_token": {"type": "string"},
                                    "next": {"type": "string"}}}}}}}},
    "/console/keluar": {"post": _op("consoleSignOut", "Console: sign out (ends the session server-side)", 403,
                                    ok="303")},
    "/console/pegawai": {"get": {**_op("consoleSearch", "Console: find an employee by NIP or name", 303, 400, 403),
                                 "parameters": _query("q")}},
    "/console/pegawai/{nip}": {"get": {
        **_op("consoleEmployee", "Console: an employee's state on two date controls and every event on both "
              "time axes", 303, 400, 403, 404),
        "parameters": _query("as_of", "valid_at", "from", "to")}},
    "/console/bukti/{number}": {"get": _op("consoleProof", "Console: what the proof badge checks (auditors)", 303, 400,
                                             403, 404, json=PROOF)},
    "/console/temuan": {"get": {**_op("consoleFindings", "Console: red flags and findings filtered by kind, rule, "
                                      "severity, unit and period, each reviewed or not yet", 303, 400, 403),
                                "parameters": _query("kind", "rule", "severity", "unit", "since", "until", "after")}},
    "/console/temuan/tinjau": {"post": {
        **_op("consoleReviewFinding", "Console: mark a finding reviewed with a note (records FindingReviewed)",
              400, 403, 404, 409, 422, ok="303"),
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["csrf_token", "event_id", "rule", "note"],
            "properties": {"csrf_token": {"type": "string"}, "event_id": {"type": "string", "maxLength": 36},
                           "rule": {"type": "string", "maxLength": 40}, "note": {"type": "string", "maxLength": 2000},
                           "back": {"type": "string"}}}}}}}},
    "/console/perubahan": {"get": {**_op("consoleChanges", "Console: who changed what (the audit index), newest "
                                         "first", 303, 400, 403),
                                   "parameters": _query("actor", "on_behalf_of", "subject", "unit", "type", "since",
                                                        "until", "before")}},
    "/console/unit/{code}": {"get": _op("consoleUnit", "Console: a unit and its training budget allocated against "
                                        "realised", 303, 403, 404)},
    "/console/bukti-audit": {"get": _op("consoleEvidence", "Console: download an audit bundle, with the steps to "
                                        "verify it offline (auditors)", 303, 403)},
    "/console/bukti-audit/unduh": {"get": {
        **_op("consoleEvidenceDownload", "Console: the audit bundle (zip) of a subject or a period (auditors)", 303,
              400, 403, 404),
        "parameters": _query("subject", "since", "until")}},
    "/console/aduan": {"get": {**_op("consoleDesk", "Console: the feedback desk, tickets by status and unit "
                                     "(feedback officers, admins)", 303, 400, 403),
                               "parameters": _query("status", "unit")}},
    "/console/aduan/{ticket}": {"get": _op("consoleTicket", "Console: one ticket, its steps and the next ones", 303,
                                           403, 404)},
    "/console/aduan/{ticket}/langkah": {"post": _op("consoleTicketStep", "Console: record the ticket's next step", 400,
                                                    403, 404, 409, 422, ok="303")},
    "/console/aduan/{ticket}/kontak": {"post": _op("consoleTicketContact", "Console: open the complainant's contact "
                                                   "with a reason (kept in the access log)", 400, 403, 404)},
    "/console/kunci": {"get": _op("consolePinKey", "Console: pin the log's public key in this browser (auditors)",
                                  303, 403)},
}
