"""Roster: the current state of each employee, as the ledger folds it (corrections and annulments honoured)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Connection, Date, Index, Integer, String, Table

from projections.tables import Projection, metadata, replace

roster = Table(
    "proj_roster", metadata,
    Column("nip", String(64), primary_key=True),
    Column("name", String(200)),
    Column("employment_type", String(20)),
    Column("status", String(20)),
    Column("grade", String(6)),
    Column("position_type", String(40)),
    Column("position_title", String(200)),
    Column("unit", String(40)),
    Column("latest_predikat", String(20)),
    Column("active_penalties", JSON),
    Column("appointed_on", Date),
    Column("separation_kind", String(40)),
    Column("separated_on", Date),
    Column("version", Integer, nullable=False),
    Column("last_position", BigInteger),
    Index("proj_roster_unit", "unit", "nip"),
    Index("proj_roster_status", "status", "nip"),
    Index("proj_roster_grade", "grade", "nip"),
    Index("proj_roster_position_type", "position_type", "nip"),
)


def row(nip: str, s: dict[str, Any], version: int, last_position: int | None) -> dict[str, Any]:
    position = s.get("position") or {}
    separation = s.get("separation") or {}
    penalties = sorted(({"event_id": p["event_id"], "level": p["level"], "kind": p["kind"],
                         "since": p["since"].isoformat() if p.get("since") else None}
                        for p in s.get("penalties", {}).values()), key=lambda p: p["event_id"])
    return {
        "nip": nip, "name": s.get("name"), "employment_type": s.get("employment_type"),
        "status": s.get("status"), "grade": s.get("grade"), "position_type": position.get("type"),
        "position_title": position.get("title"), "unit": s.get("unit"),
        "latest_predikat": s.get("latest_predikat"), "active_penalties": penalties,
        "appointed_on": s.get("appointed_on"), "separation_kind": separation.get("kind"),
        "separated_on": separation.get("on"), "version": version, "last_position": last_position,
    }


class Roster(Projection):
    """One row per employee with the state of the stream at the last applied event."""

    name = "roster"
    rebuild_without_indexes = True  # rows are found by primary key only
    tables = [roster]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("employee")
        rows = []
        for t in touched:
            state = t.state()
            if state is not None:
                rows.append(row(t.subject, state, t.version, t.last_position))
        replace(conn, roster, "nip", [t.subject for t in touched], rows)
