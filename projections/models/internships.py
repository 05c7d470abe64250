"""Internships (magang): each intern's host unit, supervisor, period and outcome."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Date, Index, Integer, String, Table

from ledger.personal import is_marker
from projections.tables import Projection, metadata, replace

internship = Table(
    "proj_internship", metadata,
    Column("intern_id", String(64), primary_key=True),
    Column("intern_name", String(200)),
    Column("institution", String(200)),
    Column("scheme", String(80)),
    Column("host_unit", String(40)),
    Column("supervisor", String(64)),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("status", String(20)),
    Column("outcome", String(20)),
    Column("sks", Integer),
    Column("hours", Integer),
    Column("completed_on", Date),
    Column("cancelled_on", Date),
    Column("version", Integer, nullable=False),
    Column("last_position", BigInteger),
    Index("proj_internship_unit", "host_unit", "status"),
)

COLUMNS = ["intern_name", "institution", "scheme", "host_unit", "supervisor", "start_date", "end_date",
           "status", "outcome", "sks", "hours", "completed_on", "cancelled_on"]


def stored(value: Any) -> Any:
    """A personal value is kept as its commitment marker (JSON text), never as the value."""
    return json.dumps(value, sort_keys=True) if is_marker(value) else value


class Internships(Projection):
    """One row per internship at its current status."""

    name = "internships"
    rebuild_without_indexes = True  # rows are found by primary key only
    tables = [internship]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("internship")
        rows = []
        for t in touched:
            s = t.state()
            if s is not None:
                rows.append({"intern_id": t.subject, **{c: stored(s.get(c)) for c in COLUMNS},
                             "version": t.version, "last_position": t.last_position})
        replace(conn, internship, "intern_id", [t.subject for t in touched], rows)
