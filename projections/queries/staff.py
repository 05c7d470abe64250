"""One employee as the read models know them: the roster row, training per year, SKP evaluations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from projections.models.evaluations import evaluation
from projections.models.roster import roster
from projections.models.training import (JP_DUTY, JP_PPPK_CEILING, PPPK_TYPES, duty_applies, training_record,
                                         training_year)
from projections.queries.shapes import _iso, _limit


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


def find_employees(engine: Engine, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Employees whose NIP starts with `text` or whose name contains it (any case), in NIP order."""
    from sqlalchemy import func, or_

    needle = text.strip().lower()
    q = select(roster).where(or_(roster.c.nip.startswith(needle, autoescape=True),
                                 func.lower(roster.c.name).contains(needle, autoescape=True)))
    with engine.connect() as conn:
        return [_employee(r) for r in conn.execute(q.order_by(roster.c.nip).limit(_limit(limit)))]
