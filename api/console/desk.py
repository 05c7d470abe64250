"""The feedback desk: complaints (SP4N-LAPOR! tickets) listed by status and unit, one ticket's history, its
next steps recorded through the ledger (the existing feedback event types), and its complainant's contact
opened only with a reason, which the access log keeps (hash-chained) before the contact is shown.

Roles: feedback officers (SP4N-LAPOR! admins at BKPSDM and the OPDs: this desk and nothing else) and admins."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, g, redirect, render_template, request
from sqlalchemy import select

from api.bootstrap import services
from api.console.gate import Refused, bp, problem, session, signed_in
from api.console.reviews import STATUS
from api.http import note_access
from ledger.errors import LedgerError
from ledger.events.feedback import FEEDBACK_STATUS_BY_TYPE
from ledger.rules.feedback import FEEDBACK_NEXT
from ledger.storage import access_log
from projections.models.feedback import STEPS, feedback

DESK_ROLES: tuple[str, ...] = ("feedback_officer",)  # and admin, whom the gate always lets in
TICKET = r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}"
STEP_OF = {status: type_ for type_, status in FEEDBACK_STATUS_BY_TYPE.items()}
STEP_FIELDS = {"FeedbackVerified": ("note",), "FeedbackDispositioned": ("to_unit",),
               "FeedbackResponded": ("response",), "FeedbackClosed": ("note",), "FeedbackRejected": ("cause", "note")}


def _ticket(ticket: str) -> dict[str, Any]:
    if not re.fullmatch(TICKET, ticket):
        raise Refused(404, "ticket", f"no ticket {ticket[:64]!r}", f"tidak ada tiket {ticket[:64]!r}")
    with services().primary_read_models().connect() as conn:
        row = conn.execute(select(feedback).where(feedback.c.ticket == ticket)).mappings().first()
    if row is None:
        raise Refused(404, "ticket", f"no ticket {ticket}", f"tidak ada tiket {ticket}")
    return dict(row)


@bp.get("/aduan")
@signed_in(*DESK_ROLES)
def desk():
    """Tickets, newest first, by status and unit."""
    status, unit = request.args.get("status") or None, request.args.get("unit", "").strip() or None
    if status is not None and status not in STEPS:
        raise Refused(400, "status", f"one of {', '.join(STEPS)}", f"salah satu dari {', '.join(STEPS)}")
    if unit is not None and not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,39}", unit):
        raise Refused(400, "unit", "a unit code (capitals, digits, -)", "kode unit (huruf besar, angka, -)")
    q = select(feedback).order_by(feedback.c.received_at.desc(), feedback.c.ticket).limit(200)
    if status is not None:
        q = q.where(feedback.c.status == status)
    if unit is not None:
        q = q.where(feedback.c.unit == unit)
    with services().primary_read_models().connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    return render_template("console/desk.html", rows=rows, steps=STEPS, status=status, unit=unit, session=session())


def _page(ticket: str, contact: str | None = None, status: int = 200):
    row = _ticket(ticket)
    events = services().ledger.history("feedback", ticket, limit=100)
    g.access_principal = (session().principal, session().role)  # the access log's "who" for this page
    for subject, paths in services().ledger.reveal(events, lambda field: field == "message").items():
        note_access(subject, sorted(paths))  # the message is personal too; the contact only behind a reason
    nexts = [STEP_OF[s] for s in STEPS if s in FEEDBACK_NEXT.get(row["status"], set())]
    return render_template("console/ticket.html", t=row, events=events, nexts=nexts, fields=STEP_FIELDS,
                           contact=contact, anonymous=row["anonymous"], session=session()), status


@bp.get("/aduan/<ticket>")
@signed_in(*DESK_ROLES)
def ticket(ticket: str):
    """One ticket: its steps so far, the forms for the next ones, and the contact behind a reason."""
    return _page(ticket)


@bp.post("/aduan/<ticket>/langkah")
@signed_in(*DESK_ROLES)
def step(ticket: str):
    """Record the ticket's next step (FeedbackVerified … FeedbackRejected) as the signed-in principal."""
    _ticket(ticket)
    type_ = request.form.get("type", "")
    if type_ not in STEP_FIELDS:
        raise Refused(400, "type", f"one of {', '.join(STEP_FIELDS)}", f"salah satu dari {', '.join(STEP_FIELDS)}")
    data = {name: request.form.get(name, "").strip() for name in STEP_FIELDS[type_]}
    data = {k: v for k, v in data.items() if v or k not in ("note",)}
    try:
        services().ledger.record([{"type": type_, "subject": ticket, "data": data}], session().principal,
                                 source="console")
    except LedgerError as exc:
        field = (exc.field or "type").removeprefix("data.")
        message = str(exc).split(": ", 1)[-1]
        message_id = (getattr(exc, "message_id", None) or message).split(": ", 1)[-1]
        raise Refused(STATUS.get(exc.code, 422), field, message, message_id) from None
    services().catch_up()
    return redirect(f"/console/aduan/{ticket}", 303)


@bp.post("/aduan/<ticket>/kontak")
@signed_in(*DESK_ROLES)
def contact(ticket: str):
    """The complainant's contact, for this response only, after the reason is in the access log."""
    row = _ticket(ticket)
    reason = " ".join(request.form.get("reason", "").split())
    if len(reason) < 10 or len(reason) > 300:
        raise Refused(400, "reason", "say why you open the contact (10 to 300 characters)",
                      "tuliskan alasan membuka kontak (10 sampai 300 karakter)")
    if row["anonymous"]:
        raise Refused(404, "contact", "an anonymous ticket has no contact", "tiket anonim tidak memiliki kontak")
    received = services().ledger.history("feedback", ticket, limit=1)
    services().ledger.reveal(received, lambda field: field == "contact_encrypted")
    sealed = received[0]["data"].get("contact_encrypted") if received else None
    if not sealed:
        raise Refused(404, "contact", "this ticket has no contact (or it was erased)",
                      "tiket ini tidak memiliki kontak (atau sudah dihapus)")
    entry = access_log.entry(session().principal, session().role, ticket, ["data.contact_encrypted"],
                             f"/console/aduan/<ticket>/kontak alasan: {reason}")
    try:
        access_log.append(services().ledger.recorder, [entry])
    except Exception:  # noqa: BLE001 - whatever failed, the contact must not leave unlogged
        return problem(503, "access log: this opening could not be logged, so the contact is withheld; retry",
                       "log akses: pembukaan ini tidak dapat dicatat, jadi kontak tidak ditampilkan; ulangi")
    return _page(ticket, contact=current_app.extensions["jejak_contact_box"].open(sealed, ticket))
