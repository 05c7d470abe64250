"""Public feedback tickets: status, the time of each step, and SLA breaches (SP4N-LAPOR!).

A ticket must be verified (or rejected) within 3 working days of its receipt; working days
are Monday to Friday in WIB (national holidays are not known to the ledger). A ticket that
is still waiting has no verdict here: `queries.feedback_ticket` judges it against the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Connection, Date, DateTime, Index, Integer, String, Table, Text

from ledger.feedback import public_number_of
from ledger.stream import WIB
from projections.tables import Projection, metadata, replace

VERIFICATION_WORKING_DAYS = 3
STEPS = ["received", "verified", "dispositioned", "responded", "closed", "rejected"]

feedback = Table(
    "proj_feedback", metadata,
    Column("ticket", String(64), primary_key=True),
    Column("classification", String(40)),
    Column("unit", String(40)),
    Column("status", String(20)),
    Column("anonymous", Boolean),
    Column("confidential", Boolean),
    *[Column(f"{s}_at", DateTime) for s in STEPS],
    Column("verification_due", Date),
    Column("verification_breached", Boolean),
    Column("response_seconds", BigInteger),
    Column("response", Text),
    Column("version", Integer, nullable=False),
    Column("last_position", BigInteger),
    Index("proj_feedback_unit", "unit", "status"),
)


# The number the public knows each ticket by (random, `ledger.feedback.PUBLIC_NUMBER`), apart from the
# stream key (an imported LAPOR! number may be sequential): status pages look tickets up here only.
ticket_number = Table(
    "proj_ticket_number", metadata,
    Column("public_number", String(40), primary_key=True),
    Column("ticket", String(64), nullable=False, index=True),
)


def add_working_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def row(ticket: str, s: dict[str, Any], version: int, last_position: int | None) -> dict[str, Any]:
    at = {step: None for step in STEPS}
    for step in s["steps"]:
        if at[step["status"]] is None:
            at[step["status"]] = step["at"]
    received = at["received"]
    due = add_working_days(received.astimezone(WIB).date(), VERIFICATION_WORKING_DAYS) if received else None
    screened = at["verified"] or at["rejected"]
    breached = None if screened is None or due is None else screened.astimezone(WIB).date() > due
    responded = at["responded"]
    return {
        "ticket": ticket, "classification": s.get("classification"), "unit": s.get("unit"),
        "status": s.get("status"), "anonymous": s.get("anonymous"), "confidential": s.get("confidential"),
        **{f"{k}_at": naive_utc(v) if v else None for k, v in at.items()},
        "verification_due": due, "verification_breached": breached,
        "response_seconds": int((responded - received).total_seconds()) if responded and received else None,
        "response": s.get("response"), "version": version, "last_position": last_position,
    }


class Feedback(Projection):
    """One row per ticket; never the complainant's identity or contact."""

    name = "feedback"
    rebuild_without_indexes = True  # rows are found by primary key only
    tables = [feedback, ticket_number]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("feedback")
        rows, numbers = [], []
        for t in touched:
            s = t.state()
            if s is not None:
                rows.append(row(t.subject, s, t.version, t.last_position))
                number = public_number_of(t.subject, s)
                if number:
                    numbers.append({"public_number": number, "ticket": t.subject})
        replace(conn, feedback, "ticket", [t.subject for t in touched], rows)
        replace(conn, ticket_number, "ticket", [t.subject for t in touched], numbers)
