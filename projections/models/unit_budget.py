"""Units and their training budgets: allocated, realised and remaining per unit and year."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Connection, Integer, String, Table

from projections.tables import Projection, metadata, replace

unit = Table(
    "proj_unit", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200)),
    Column("kind", String(40)),
    Column("parent", String(40)),
    Column("achievements", JSON),
    Column("version", Integer, nullable=False),
    Column("last_position", BigInteger),
)

unit_budget = Table(
    "proj_unit_budget", metadata,
    Column("unit", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("allocated", BigInteger, nullable=False),
    Column("realised", BigInteger, nullable=False),
    Column("remaining", BigInteger, nullable=False),
)


class UnitBudget(Projection):
    """One row per unit, one per unit and budget year."""

    name = "unit_budget"
    tables = [unit, unit_budget]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("unit")
        units, budgets = [], []
        for t in touched:
            s = t.state()
            if s is None:
                continue
            units.append({"code": t.subject, "name": s.get("name"), "kind": s.get("kind"), "parent": s.get("parent"),
                          "achievements": {str(y): a for y, a in sorted(s["achievements"].items())},
                          "version": t.version, "last_position": t.last_position})
            budgets += [{"unit": t.subject, "year": y, **b} for y, b in sorted(s["budgets"].items())]
        codes = [t.subject for t in touched]
        replace(conn, unit, "code", codes, units)
        replace(conn, unit_budget, "unit", codes, budgets)
