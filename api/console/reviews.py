"""Marking a finding reviewed: the form's POST records a `FindingReviewed` event through the ledger (the
signed-in principal as actor, source `console`), and the inbox and timeline read reviews back from the
audit index (one range read of that type: reviews are few, written by people)."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, request
from sqlalchemy import Engine, and_, select

from api.bootstrap import services
from api.console.gate import Refused, bp, session, signed_in
from ledger.errors import LedgerError
from ledger.events.review import FLAG_KINDS
from ledger.review import subject_of
from projections.models.audit_index import audit, audit_change
from projections.models.red_flags import flag

EVENT_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RULE = r"[a-z][a-z0-9_]{0,39}"
BACK = r"/console/(temuan|pegawai/\d{18})(\?[A-Za-z0-9_.=&%:-]{0,300})?"
REVIEWERS = ("inspector", "auditor")  # and admin (the gate always lets an admin in)
STATUS = {"not_found": 404, "validation_failed": 400, "rule_violated": 422, "version_conflict": 409}


def reviews_since(engine: Engine, position: int | None) -> dict[str, dict[str, Any]]:
    """Reviews recorded after `position` (a review always follows its event), by subject `<position>/<rule>`."""
    if position is None:
        return {}
    note = and_(audit_change.c.position == audit.c.position, audit_change.c.field == "note")
    q = (select(audit.c.position, audit.c.event_id, audit.c.subject, audit.c.actor, audit.c.recorded_at,
                audit_change.c.after).select_from(audit.outerjoin(audit_change, note))
         .where(audit.c.type == "FindingReviewed", audit.c.position > position).order_by(audit.c.position))
    with engine.connect() as conn:
        return {r.subject: {"position": r.position, "event_id": r.event_id, "actor": r.actor, "at": r.recorded_at,
                            "note": r.after} for r in conn.execute(q)}


def positions_of(engine: Engine, event_ids: set[str]) -> dict[str, int]:
    """Each event id's ledger position, from the audit index (one query)."""
    ids = sorted(i for i in event_ids if i)
    if not ids:
        return {}
    with engine.connect() as conn:
        return dict(conn.execute(select(audit.c.event_id, audit.c.position).where(audit.c.event_id.in_(ids))).all())


def annotate(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Each inbox row gets `rule` (what a review names), `review_subject` and `review` (None: not yet)."""
    where = positions_of(engine, {r["event_id"] for r in rows})
    for r in rows:
        r["rule"] = r["detail"].get("rule") if r["kind"] == "finding" else r["kind"]
        p = where.get(r["event_id"])
        r["review_subject"] = subject_of(p, r["rule"]) if p is not None and r["rule"] else None
    found = reviews_since(engine, min(where.values()) if where else None)
    for r in rows:
        r["review"] = found.get(r["review_subject"])


def _field(name: str, pattern: str, max_length: int) -> str:
    value = request.form.get(name, "").strip()
    if not value:
        raise Refused(400, name, "required", "wajib diisi")
    if len(value) > max_length or not re.fullmatch(pattern, value, re.S):
        raise Refused(400, name, f"not a valid {name}", f"{name} tidak sah")
    return value


@bp.post("/temuan/tinjau")
@signed_in(*REVIEWERS)
def review():
    """Mark one finding (or red flag) of one event reviewed, with a note: a `FindingReviewed` event."""
    event_id, rule = _field("event_id", EVENT_ID, 36), _field("rule", RULE, 40)
    note = _field("note", r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+", 2000)
    back = request.form.get("back", "")
    back = back if re.fullmatch(BACK, back) else "/console/temuan"
    svc = services()
    if rule in FLAG_KINDS:  # a red flag the read model derives: it must be there
        with svc.primary_read_models().connect() as conn:
            there = conn.execute(select(flag.c.id).where(flag.c.event_id == event_id, flag.c.kind == rule)
                                 .limit(1)).first()
        if there is None:
            raise Refused(404, "rule", f"event {event_id} has no red flag {rule}",
                          f"peristiwa {event_id} tidak memiliki tanda bahaya {rule}")
    found = svc.ledger.locate(event_id)
    if found is None:
        raise Refused(404, "event_id", f"no event {event_id}", f"tidak ada peristiwa {event_id}")
    body = {"type": "FindingReviewed", "subject": subject_of(found["position"], rule),
            "data": {"event_id": event_id, "rule": rule, "note": note}}
    try:
        receipts, _ = svc.ledger.record([body], session().principal, source="console")
    except LedgerError as exc:
        field = (exc.field or "note").removeprefix("data.")
        message = str(exc).split(": ", 1)[-1]
        message_id = (getattr(exc, "message_id", None) or message).split(": ", 1)[-1]
        raise Refused(STATUS.get(exc.code, 422), field, message, message_id) from None
    svc.catch_up()
    anchor = receipts[0]["position"]
    return redirect(f"{back}#r{anchor}", 303)
