"""Who read whom: views note the personal data they reveal; one hook logs it before the response leaves.

A view calls `note_access(subject, fields)` for each identified person whose personal values its
response carries (after masking, so a masked read notes nothing). `write_access_log`, installed by
`create_app` as the last `after_request` hook (so it runs first, before the request's metrics and log line), appends one row per subject to the ledger's access
log for a 2xx response, durably, before the response is sent; if the append fails the client gets
503 instead of unlogged personal data. `GET /v1/access-log` reads it (auditor, admin), and is
itself logged.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Mapping

from flask import Blueprint, Response, g, request

from api.bootstrap import services
from api.errors import RETRY_AFTER_SECONDS, error_response
from api.http import cursors
from api.http.auth import current_principal, require_role
from api.http.describe import operation
from api.http.schemas.access import AccessLogArgs, AccessLogPage
from api.http.schemas.base import load_args
from ledger.integrity import utc_text
from ledger.storage import access_log

bp = Blueprint("access", __name__)
log = logging.getLogger("jejak.api")


def note_access(subject: Any, fields: Iterable[str]) -> None:
    """This response carries these personal field paths of `subject`; nothing when `fields` is empty."""
    fields = list(fields)
    if fields and subject is not None:
        g.setdefault("access_notes", {}).setdefault(str(subject), set()).update(fields)


def shown(document: Mapping[str, Any] | None, names: Iterable[str], prefix: str = "") -> list[str]:
    """The paths (`prefix` + name) of those `names` that `document` shows with a value."""
    return [prefix + n for n in names if document and document.get(n) is not None]


def note_event(event: Mapping[str, Any], names: Iterable[str]) -> Mapping[str, Any]:
    """Note an event's unmasked personal data fields (and a correction's); returns the event."""
    data, names = event.get("data") or {}, list(names)
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else None
    note_access(event.get("subject"), shown(data, names, "data.") + shown(fields, names, "data.fields."))
    return event


def note_changes(rows: Iterable[Mapping[str, Any]], names: Iterable[str]) -> None:
    """Note the audit rows whose personal field changes show a value before or after."""
    names = set(names)
    for row in rows:
        note_access(row.get("subject"), [f"changes.{c['field']}" for c in row.get("changes") or []
                                         if c.get("field") in names and (c.get("before"), c.get("after")) != (None, None)])


def write_access_log(response: Response) -> Response:
    """Log the noted reads of a 2xx response before it is sent; 503 (and no personal data) if that fails."""
    notes = g.pop("access_notes", None)
    if not notes or not 200 <= response.status_code < 300:
        return response
    name, role = g.get("access_principal") or current_principal()  # the console names its session's principal
    route = request.url_rule.rule if request.url_rule is not None else request.path
    rid = g.get("request_id")
    entries = [access_log.entry(name, role, subject, fields, route, rid) for subject, fields in notes.items()]
    try:
        access_log.append(services().ledger.recorder, entries)
    except Exception:  # noqa: BLE001 - whatever failed, the read must not leave unlogged
        log.exception("access log: appending %d rows failed; the response is withheld", len(entries))
        failed, status = error_response("access_log_unavailable", "access log: this read of personal data could "
                                        "not be logged, so it is withheld; nothing was changed; retry", status=503)
        failed.status_code = status
        failed.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return failed
    return response


@bp.get("/v1/access-log")
@require_role("auditor")
def read_access_log():
    """Who read whose personal data, oldest first: every response that carried it."""
    args = load_args(AccessLogArgs, request.args)
    after_id = cursors.decode("access-log", args.get("cursor"), int) or 0
    rows = access_log.read(services().ledger.recorder, subject=args.get("subject"), principal=args.get("principal"),
                           since=utc_text(args["after"]) if args.get("after") else None, after_id=after_id,
                           limit=args["limit"])
    for subject in {args.get("subject"), *(r["subject"] for r in rows)}:
        note_access(subject, ["access_log"])
    nxt = cursors.encode("access-log", rows[-1]["id"]) if len(rows) == args["limit"] else None
    return AccessLogPage().dump({"items": rows, "next_cursor": nxt})


OPENAPI_PATHS = {"/v1/access-log": {"get": operation(
    "readAccessLog", "audit", "Who read whose personal data", {200: AccessLogPage}, roles=("auditor", "admin"),
    query=AccessLogArgs, errors=(400, 503), description="Reading it is itself logged (fields `access_log`); 503 "
    "when that cannot be logged.")}}


@bp.record_once
def _describe(state: Any) -> None:
    state.app.config.setdefault("OPENAPI_PATHS", {}).update(OPENAPI_PATHS)
