"""A unit's own state and its training budget per year."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from projections.models.unit_budget import unit as unit_table
from projections.models.unit_budget import unit_budget as budget_table


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
