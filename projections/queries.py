"""Plain read functions over the projection tables: what the API and the CLI call.

Each takes the engine first and returns JSON-ready dicts (dates ISO, moments UTC "...Z").
Lists are keyset-paginated: pass the last row's key (`after_nip`, `before_position`,
`after_id`) to continue.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Engine, func, select

from ledger.stream import WIB
from projections.models.audit_index import audit as audit_table
from projections.models.evaluations import evaluation
from projections.models.feedback import VERIFICATION_WORKING_DAYS, feedback
from projections.models.public_stats import public_unit as public_unit_table
from projections.models.red_flags import KINDS, flag
from projections.models.roster import roster
from projections.models.training import (JP_DUTY, JP_PPPK_CEILING, PPPK_TYPES, duty_applies, training_record,
                                  training_year)
from projections.models.unit_budget import unit as unit_table
from projections.models.unit_budget import unit_budget as budget_table

MAX_LIMIT = 1000


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or limit < 1 or limit > MAX_LIMIT:
        raise ValueError(f"limit: between 1 and {MAX_LIMIT}, got {limit!r}")
    return limit


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _naive(moment: datetime | str | None, field: str) -> datetime | None:
    """A filter moment (datetime or ISO text, with or without zone; naive means UTC) as naive UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{field}: an ISO 8601 moment like 2025-04-01T03:04:05Z, got {moment!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


# --- roster ---------------------------------------------------------------------

def _employee(r: Any) -> dict[str, Any]:
    return {"nip": r.nip, "name": r.name, "employment_type": r.employment_type, "status": r.status,
            "grade": r.grade, "position": {"type": r.position_type, "title": r.position_title}, "unit": r.unit,
            "latest_predikat": r.latest_predikat, "active_penalties": r.active_penalties or [],
            "appointed_on": _iso(r.appointed_on), "version": r.version, "last_position": r.last_position}


def employees(engine: Engine, *, unit: str | None = None, status: str | None = None, grade: str | None = None,
              position_type: str | None = None, after_nip: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The current roster, ordered by NIP."""
    q = select(roster)
    for col, value in (("unit", unit), ("status", status), ("grade", grade), ("position_type", position_type)):
        if value is not None:
            q = q.where(roster.c[col] == value)
    if after_nip is not None:
        q = q.where(roster.c.nip > after_nip)
    q = q.order_by(roster.c.nip).limit(_limit(limit))
    with engine.connect() as conn:
        return [_employee(r) for r in conn.execute(q)]


def employee(engine: Engine, nip: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        r = conn.execute(select(roster).where(roster.c.nip == nip)).first()
    return _employee(r) if r else None


# --- audit ----------------------------------------------------------------------

def _with_changes(conn: Any, rows: list[Any]) -> list[dict[str, Any]]:
    """Audit rows with their field changes, read in one query for the whole page."""
    from projections.models.audit_index import audit_change

    changes: dict[int, list[dict[str, Any]]] = {}
    if rows:
        q = select(audit_change).where(audit_change.c.position.in_([r.position for r in rows])).order_by(
            audit_change.c.position, audit_change.c.seq)
        for c in conn.execute(q):
            changes.setdefault(c.position, []).append({"field": c.field, "before": c.before, "after": c.after})
    return [_audit_row(r, changes.get(r.position, [])) for r in rows]


def _audit_row(r: Any, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"position": r.position, "event_id": r.event_id, "recorded_at": _utc(r.recorded_at), "actor": r.actor,
            "on_behalf_of": r.on_behalf_of, "source": r.source, "type": r.type, "subject": r.subject,
            "unit": r.unit, "effective_date": _iso(r.effective_date), "legal_basis": r.legal_basis,
            "reason": r.reason, "correlation_id": r.correlation_id, "derived": bool(r.derived),
            "changes": changes}


def audit_query(*, actor: str | None = None, on_behalf_of: str | None = None, subject: str | None = None,
                type: str | None = None, unit: str | None = None, since: Any = None, until: Any = None,
                before_position: int | None = None, limit: int = 100) -> Any:
    """The audit SELECT (exposed so tests and docs can EXPLAIN it)."""
    q = select(audit_table)
    for col, value in (("actor", actor), ("on_behalf_of", on_behalf_of), ("subject", subject), ("type", type),
                       ("unit", unit)):
        if value is not None:
            q = q.where(audit_table.c[col] == value)
    lo, hi = _naive(since, "since"), _naive(until, "until")
    if lo is not None:
        q = q.where(audit_table.c.recorded_at >= lo)
    if hi is not None:
        q = q.where(audit_table.c.recorded_at <= hi)
    if before_position is not None:
        q = q.where(audit_table.c.position < before_position)
    return q.order_by(audit_table.c.position.desc()).limit(_limit(limit))


def audit(engine: Engine, **filters: Any) -> list[dict[str, Any]]:
    """Who changed what, newest first; filters: actor, on_behalf_of, subject, type, unit, since, until."""
    q = audit_query(**filters)
    with engine.connect() as conn:
        return _with_changes(conn, conn.execute(q).all())


def audit_event(engine: Engine, position: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_table).where(audit_table.c.position == position)).all()
        found = _with_changes(conn, rows)
    return found[0] if found else None


# --- flags ----------------------------------------------------------------------

def flags(engine: Engine, *, kind: str | None = None, unit: str | None = None, since: Any = None,
          after_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Red flags, oldest first by id (anchor position); each lists the positions of its events."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind: one of {', '.join(KINDS)}, got {kind!r}")
    q = select(flag)
    if kind is not None:
        q = q.where(flag.c.kind == kind)
    if unit is not None:
        q = q.where(flag.c.unit == unit)
    lo = _naive(since, "since")
    if lo is not None:
        q = q.where(flag.c.recorded_at >= lo)
    if after_id is not None:
        q = q.where(flag.c.id > after_id)
    q = q.order_by(flag.c.id).limit(_limit(limit))
    with engine.connect() as conn:
        return [{"id": r.id, "kind": r.kind, "subject": r.subject, "unit": r.unit, "actor": r.actor,
                 "recorded_at": _utc(r.recorded_at), "event_id": r.event_id, "positions": r.positions,
                 "detail": r.detail} for r in conn.execute(q)]


# --- public ---------------------------------------------------------------------

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
    """The whole city's public aggregates, in the same shape as one unit's (small groups suppressed)."""
    from projections.models.public_stats import budget, member, ticket, unit_stats

    with engine.connect() as conn:
        members = conn.execute(select(member)).all()
        tickets = conn.execute(select(ticket)).all()
        budgets = conn.execute(select(budget.c.year, func.sum(budget.c.allocated).label("allocated"),
                                      func.sum(budget.c.realised).label("realised"))
                               .group_by(budget.c.year).order_by(budget.c.year)).all()
    budgets = [type("Budget", (), {"year": b.year, "allocated": int(b.allocated), "realised": int(b.realised)})
               for b in budgets]
    return {"code": None, **unit_stats("Kota Binjai", members, tickets, budgets)}


def feedback_ticket(engine: Engine, ticket: str, now: datetime | None = None) -> dict[str, Any] | None:
    """A ticket's public status: classification, unit, step times, SLA, response; never the complainant."""
    with engine.connect() as conn:
        r = conn.execute(select(feedback).where(feedback.c.ticket == ticket)).first()
    if r is None:
        return None
    breached = r.verification_breached
    if breached is None and r.verification_due is not None and r.status == "received":
        today = (now or datetime.now(timezone.utc)).astimezone(WIB).date()
        breached = today > r.verification_due
    steps = {s: _utc(getattr(r, f"{s}_at")) for s in ("received", "verified", "dispositioned", "responded",
                                                      "closed", "rejected")}
    return {"ticket": r.ticket, "status": r.status, "classification": r.classification, "unit": r.unit,
            "steps": {k: v for k, v in steps.items() if v is not None},
            "verification_due": _iso(r.verification_due), "verification_working_days": VERIFICATION_WORKING_DAYS,
            "verification_breached": breached,
            "response_hours": round(r.response_seconds / 3600, 1) if r.response_seconds is not None else None,
            "response": r.response}


# --- units, training, evaluations ---------------------------------------------------

def unit_info(engine: Engine, code: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        r = conn.execute(select(unit_table).where(unit_table.c.code == code)).first()
    if r is None:
        return None
    return {"code": r.code, "name": r.name, "kind": r.kind, "parent": r.parent, "achievements": r.achievements,
            "version": r.version, "last_position": r.last_position}


def unit_budget(engine: Engine, code: str, year: int | None = None) -> list[dict[str, Any]]:
    """Allocated, realised and remaining training money per year of one unit."""
    q = select(budget_table).where(budget_table.c.unit == code)
    if year is not None:
        q = q.where(budget_table.c.year == year)
    with engine.connect() as conn:
        return [{"unit": r.unit, "year": r.year, "allocated": r.allocated, "realised": r.realised,
                 "remaining": r.remaining} for r in conn.execute(q.order_by(budget_table.c.year))]


def training(engine: Engine, nip: str, year: int | None = None) -> list[dict[str, Any]]:
    """Per year: JP, cost, the 20 JP duty (PNS; else None), the 24 JP ceiling (PPPK; else None), each training."""
    qy = select(training_year).where(training_year.c.nip == nip)
    qr = select(training_record).where(training_record.c.nip == nip)
    if year is not None:
        qy, qr = qy.where(training_year.c.year == year), qr.where(training_record.c.year == year)
    with engine.connect() as conn:
        records: dict[int, list[dict[str, Any]]] = {}
        for r in conn.execute(qr.order_by(training_record.c.end_date, training_record.c.position)):
            records.setdefault(r.year, []).append({
                "event_id": r.event_id, "path": r.path, "form": r.form, "title": r.title, "provider": r.provider,
                "start_date": _iso(r.start_date), "end_date": _iso(r.end_date), "jp": r.jp, "cost": r.cost,
                "funding_unit": r.funding_unit, "certificate_number": r.certificate_number, "position": r.position})
        return [{"nip": r.nip, "year": r.year, "employment_type": r.employment_type, "jp": r.jp, "cost": r.cost,
                 "trainings": r.trainings,
                 "duty_jp": JP_DUTY if duty_applies(r.employment_type) else None, "duty_met": r.duty_met,
                 "ceiling_jp": JP_PPPK_CEILING if r.employment_type in PPPK_TYPES else None,
                 "over_pppk_ceiling": r.over_pppk_ceiling, "records": records.get(r.year, [])}
                for r in conn.execute(qy.order_by(training_year.c.year))]


def evaluations(engine: Engine, nip: str) -> list[dict[str, Any]]:
    """Every SKP evaluation of an employee that counts, oldest period first."""
    q = select(evaluation).where(evaluation.c.nip == nip).order_by(
        evaluation.c.year, evaluation.c.evaluated_on, evaluation.c.position)
    with engine.connect() as conn:
        return [{"event_id": r.event_id, "nip": r.nip, "period": {"year": r.year, "kind": r.kind, "number": r.number},
                 "results_rating": r.results_rating, "behaviour_rating": r.behaviour_rating, "predikat": r.predikat,
                 "original_predikat": r.original_predikat, "evaluator": r.evaluator,
                 "plan_evaluator": r.plan_evaluator, "evaluated_on": _iso(r.evaluated_on),
                 "objection": r.objection, "position": r.position} for r in conn.execute(q)]


__all__ = ["employees", "employee", "audit", "audit_query", "audit_event", "flags", "public_units", "public_unit", "public_city",
           "feedback_ticket", "unit_info", "unit_budget", "training", "evaluations"]


# --- the city as a whole, for the public portal (added by the portal engineer, issue 7) ---------

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


__all__.append("public_city")
