"""What the public portal reads: the units' and the city's published aggregates, and a feedback ticket."""

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


def public_city(engine: Engine) -> dict[str, Any]:
    """The whole city's public aggregates from every contribution row, safe against subtraction.

    A city count minus the published counts of its units equals the sum of the units'
    suppressed cells; when that difference is 1 to 4 people it would reveal a small group
    (e.g. the one person with a predikat in a small OPD), so such a city cell is suppressed
    too, and then the next smallest cell of its distribution, as in `public_stats`.
    """
    from types import SimpleNamespace

    from projections.models.public_stats import budget as public_budget
    from projections.models.public_stats import member, ticket, unit_stats

    with engine.connect() as conn:
        members = conn.execute(select(member)).all()
        tickets = conn.execute(select(ticket)).all()
        years: dict[int, SimpleNamespace] = {}
        for b in conn.execute(select(public_budget)):
            y = years.setdefault(b.year, SimpleNamespace(year=b.year, allocated=0, realised=0))
            y.allocated += b.allocated
            y.realised += b.realised
    city = unit_stats("Kota Binjai", members, tickets, [years[y] for y in sorted(years)])
    units = public_units(engine)
    _guard(city["headcount"], [u["headcount"] for u in units], ["by_position_type"])
    for section, groups in (("training", None), ("predikat", None)):
        for year, cells in city[section].items():
            _guard(cells, [u[section].get(year, {}) for u in units], groups)
    _guard(city["feedback"], [u["feedback"] for u in units], ["by_status", "by_classification"])
    return {"code": None, **city}


def _published(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _guard(cells: dict[str, Any], parts: list[dict[str, Any]], nested: list[str] | None) -> None:
    """Suppress city cells whose difference from the published unit cells is 1-4 people or is the
    hidden cell of a single unit (in place). This closes subtraction through one unit; it is not a
    full audit of every combination of published figures (a linear programme)."""
    from projections.models.public_stats import MIN_GROUP, SUPPRESSED

    if not isinstance(cells, dict) or cells.get("suppressed"):
        return
    for name in nested or []:
        _guard(cells.get(name, {}), [p.get(name, {}) if isinstance(p, dict) else {} for p in parts], None)
    hidden_before = {k for k, v in cells.items() if isinstance(v, dict) and v.get("suppressed")}
    for key, value in list(cells.items()):
        if key in (nested or []) or key == "median_response_hours" or not isinstance(value, int):
            continue
        rest = value - sum(_published(p.get(key)) for p in parts if isinstance(p, dict))
        hiding = sum(1 for p in parts if isinstance(p, dict) and isinstance(p.get(key), dict))
        # 1-4 would reveal a small group; and when a single unit hides the cell, the difference is
        # exactly that unit's cell: often a complement hidden to protect a smaller one, which its
        # published total would then give away (total - shown cells - this = the small group).
        if 0 < rest < MIN_GROUP or (rest > 0 and hiding == 1):
            cells[key] = dict(SUPPRESSED)
    counts = {k: v for k, v in cells.items() if k not in ("total", "staff", "median_response_hours")
              and k not in (nested or [])}
    hidden = [k for k, v in counts.items() if isinstance(v, dict)]
    shown = sorted((v, k) for k, v in counts.items() if isinstance(v, int))
    if len(hidden) == 1 and hidden[0] not in hidden_before and shown:
        cells[shown[0][1]] = dict(SUPPRESSED)


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
