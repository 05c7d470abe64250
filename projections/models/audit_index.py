"""Audit index: one row per event (who, on whose behalf, what, when, under which SK) with its field changes.

The indexes serve `queries.audit`: every filter (actor, on_behalf_of, subject, type, unit)
is an equality on the index's first column with the position second, so "newest first"
walks one index backwards; time ranges use (recorded_at, position).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Connection, Date, DateTime, Index, Integer, String, Table

from ledger.requests import jsonable
from projections import values
from projections.source import FIX_TYPES
from projections.tables import Projection, binders, insert_bound, metadata, same

audit = Table(
    "proj_audit", metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("recorded_at", DateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("on_behalf_of", String(200)),
    Column("source", String(200)),
    Column("type", String(40), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("stream", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("unit", String(40)),
    Column("effective_date", Date),
    Column("legal_basis", JSON),
    Column("legal_basis_number", String(120)),
    Column("reason", String(2000)),
    Column("correlation_id", String(200)),
    Column("derived", Boolean, nullable=False),
    Index("proj_audit_actor", "actor", "position"),
    Index("proj_audit_on_behalf_of", "on_behalf_of", "position"),
    Index("proj_audit_subject", "subject", "position"),
    Index("proj_audit_type", "type", "position"),
    Index("proj_audit_unit", "unit", "position"),
    Index("proj_audit_recorded_at", "recorded_at", "position"),
    # An actor's or a unit's events in a time range (one night, one day): the range is read from
    # the index instead of walking the (actor|unit, position) index back through everything newer.
    Index("proj_audit_actor_time", "actor", "recorded_at"),
    Index("proj_audit_unit_time", "unit", "recorded_at"),
)

audit_change = Table(
    "proj_audit_change", metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("field", String(200), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index("proj_audit_change_field", "field", "position"),
)

AUDIT_KEYS = ("position", "event_id", "recorded_at", "actor", "on_behalf_of", "source", "type", "subject", "stream",
              "version", "unit", "effective_date", "legal_basis", "legal_basis_number", "reason", "correlation_id",
              "derived")
CHANGE_KEYS = ("position", "seq", "field", "before", "after")


class AuditIndex(Projection):
    """Who changed what: one row per event and one per changed field (read back in `seq` order)."""

    name = "audit_index"
    rebuild_without_indexes = True  # rows are found by primary key only
    tables = [audit, audit_change]

    def __init__(self) -> None:
        self.memo = values.Memo()

    def apply(self, conn: Connection, chunk: Any) -> None:
        """Long because it is the rebuild's inner loop: each event's row and change rows are built bound
        (`binders`: what `insert_rows` would make of each value) in one pass, without a call per value."""
        bind = binders(conn, audit, AUDIT_KEYS)
        at_, day_, json_, flag_ = bind[2], bind[11], bind[12], bind[16]
        assert all(b is same for i, b in enumerate(bind) if i not in (2, 11, 12, 16)), "a column binds unseen"
        true, false, null = flag_(True), flag_(False), json_(None)
        text = binders(conn, audit_change, CHANGE_KEYS)[3]  # before and after: both JSON
        rows, change_rows = [], []
        memo, facts_from, changes = self.memo, chunk.facts_from, values.changes
        step = memo.step_event
        for e in chunk.events:
            facts = facts_from(e)
            before, after = step(chunk, e, facts)
            fact = facts[e.version - 1]
            m = e.meta
            lb, eff, position = m.get("legal_basis"), m.get("effective_date"), e.position
            unit = e.subject if e.kind == "unit" else after.get("unit") or before.get("unit")
            rows.append((  # in the order of AUDIT_KEYS
                position, e.event_id, at_(e.recorded_at), m["actor"], m.get("on_behalf_of"), m.get("source"),
                e.type, e.subject, e.kind, e.version, unit, None if eff is None else day_(eff),
                null if lb is None else json_(jsonable(lb)), lb.get("number") if lb else None, m.get("reason"),
                m.get("correlation_id"), false if m.get("derived_from") is None else true,
            ))
            if fact["type"] in FIX_TYPES:
                ch = changes(before, after, fact, facts[:e.version])
            elif after is before:  # no audited value changed (the values are shared)
                continue
            else:
                ch = changes(before, after, fact, [], memo.names)
            change_rows += [(position, i, c["field"], text(c["before"]), text(c["after"])) for i, c in enumerate(ch)]
        if rows:
            first, last = rows[0][0], rows[-1][0]
            conn.execute(audit_change.delete().where(audit_change.c.position.between(first, last)))
            conn.execute(audit.delete().where(audit.c.position.between(first, last)))
            insert_bound(conn, audit, AUDIT_KEYS, rows)
        insert_bound(conn, audit_change, CHANGE_KEYS, change_rows)
