"""What the public portal reads besides releases: the units (their names for the form) and a feedback ticket."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, select

from ledger.stream import WIB
from projections.models.feedback import VERIFICATION_WORKING_DAYS, feedback, ticket_number
from projections.models.public_stats import public_unit as public_unit_table
from projections.queries.shapes import _iso, _utc


def public_units(engine: Engine) -> list[dict[str, Any]]:
    """Every unit's public aggregates (small groups suppressed)."""
    with engine.connect() as conn:
        return [{"code": r.unit, **r.stats} for r in conn.execute(select(public_unit_table).order_by(public_unit_table.c.unit))]


def public_unit(engine: Engine, code: str) -> dict[str, Any] | None:
    """One unit's public aggregates, or None for an unknown unit."""
    with engine.connect() as conn:
        r = conn.execute(select(public_unit_table).where(public_unit_table.c.unit == code)).first()
    return {"code": r.unit, **r.stats} if r else None


def feedback_ticket(engine: Engine, number: str, now: datetime | None = None) -> dict[str, Any] | None:
    """A ticket's public status by its public number (any case): classification, unit, step times, SLA,
    response; never the complainant. A stream key that is not a public number (a sequential LAPOR! or
    demo id) finds nothing, so tickets cannot be enumerated."""
    with engine.connect() as conn:
        r = conn.execute(select(feedback, ticket_number.c.public_number)
                         .join(ticket_number, ticket_number.c.ticket == feedback.c.ticket)
                         .where(ticket_number.c.public_number == number.strip().upper())).first()
    if r is None:
        return None
    breached = r.verification_breached
    if breached is None and r.verification_due is not None and r.status == "received":
        today = (now or datetime.now(timezone.utc)).astimezone(WIB).date()
        breached = today > r.verification_due
    steps = {s: _utc(getattr(r, f"{s}_at")) for s in ("received", "verified", "dispositioned", "responded",
                                                      "closed", "rejected")}
    return {"ticket": r.public_number, "status": r.status, "classification": r.classification, "unit": r.unit,
            "steps": {k: v for k, v in steps.items() if v is not None},
            "verification_due": _iso(r.verification_due), "verification_working_days": VERIFICATION_WORKING_DAYS,
            "verification_breached": breached,
            "response_hours": round(r.response_seconds / 3600, 1) if r.response_seconds is not None else None,
            "response": r.response}
