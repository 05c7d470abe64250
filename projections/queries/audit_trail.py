"""Who changed what (the audit index, with each event's field changes) and the red flags raised on it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, Select, Table, Text, cast, select
from sqlalchemy.sql import operators

from projections.models.audit_index import audit as audit_table
from projections.models.red_flags import KINDS, finding, flag, flag_id
from projections.queries.shapes import _iso, _limit, _naive, _utc


def _page(conn: Any, q: Select) -> list[dict[str, Any]]:
    """The audit rows `q` selects with their field changes, in ONE statement: the page joined to its changes.

    One round trip instead of two, and one snapshot (PostgreSQL and SQLite give each statement its own), so a
    row is never shown beside changes from another moment; run outside a transaction (no BEGIN, no ROLLBACK).
    `legal_basis` comes as text and is decoded once per row, not once per change row that repeats it."""
    from projections.models.audit_index import audit_change

    page = q.subquery("page")
    cols = [c for c in page.c if c.name != "legal_basis"]
    joined = (select(*cols, cast(page.c.legal_basis, Text).label("legal_basis"), audit_change.c.field,
                     audit_change.c.before, audit_change.c.after)
              .select_from(page.outerjoin(audit_change, audit_change.c.position == page.c.position))
              .order_by(*_grouped(page, q), audit_change.c.seq))
    out: list[dict[str, Any]] = []
    for r in conn.execution_options(isolation_level="AUTOCOMMIT").execute(joined):
        if not out or out[-1]["position"] != r.position:
            out.append(_audit_row(r, []))
        if r.field is not None:
            out[-1]["changes"].append({"field": r.field, "before": r.before, "after": r.after})
    return out


def _grouped(page: Any, q: Select) -> list[Any]:
    """`q`'s order on the page, then its position if `q` does not order by it: a row's changes stay together."""
    order = [_same_order(page, o) for o in q._order_by_clauses]
    by_position = any(getattr(o, "element", o).name == "position" for o in q._order_by_clauses)
    return order if by_position else [*order, page.c.position]


def _same_order(page: Any, clause: Any) -> Any:
    """`clause` (a column of the audit table, maybe .asc() or .desc()) as the same order on the page's column."""
    column = getattr(clause, "element", clause)
    on_page = page.c[column.name]
    return on_page.desc() if getattr(clause, "modifier", None) is operators.desc_op else on_page


def _audit_row(r: Any, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"position": r.position, "event_id": r.event_id, "recorded_at": _utc(r.recorded_at), "actor": r.actor,
            "on_behalf_of": r.on_behalf_of, "source": r.source, "type": r.type, "subject": r.subject,
            "unit": r.unit, "effective_date": _iso(r.effective_date),
            "legal_basis": json.loads(r.legal_basis) if r.legal_basis is not None else None,
            "reason": r.reason, "correlation_id": r.correlation_id, "derived": bool(r.derived),
            "changes": changes}


def _filtered(table: Table, since: Any, until: Any, **equal: Any) -> Select:
    """SELECT from an audit table (audit index, flags, findings) with the filters they all take: each column
    equal to its value (None: any) and recorded_at within since..until."""
    q = select(table)
    for col, value in equal.items():
        if value is not None:
            q = q.where(table.c[col] == value)
    lo, hi = _naive(since, "since"), _naive(until, "until")
    if lo is not None:
        q = q.where(table.c.recorded_at >= lo)
    if hi is not None:
        q = q.where(table.c.recorded_at <= hi)
    return q


def audit_query(*, actor: str | None = None, on_behalf_of: str | None = None, subject: str | None = None,
                type: str | None = None, unit: str | None = None, since: Any = None, until: Any = None,
                before_position: int | None = None, limit: int = 100) -> Any:
    """The audit SELECT (exposed so tests and docs can EXPLAIN it)."""
    q = _filtered(audit_table, since, until, actor=actor, on_behalf_of=on_behalf_of, subject=subject, type=type,
                  unit=unit)
    if before_position is not None:
        q = q.where(audit_table.c.position < before_position)
    return q.order_by(audit_table.c.position.desc()).limit(_limit(limit))


def audit(engine: Engine, **filters: Any) -> list[dict[str, Any]]:
    """Who changed what, newest first; filters: actor, on_behalf_of, subject, type, unit, since, until."""
    q = audit_query(**filters)
    with engine.connect() as conn:
        return _page(conn, q)


def subject_changes(engine: Engine, subject: str) -> dict[int, list[dict[str, Any]]]:
    """Every field change of a subject's events, by position: the console's timeline diffs in one query."""
    from projections.models.audit_index import audit_change

    q = (select(audit_change.c.position, audit_change.c.field, audit_change.c.before, audit_change.c.after)
         .join(audit_table, audit_table.c.position == audit_change.c.position)
         .where(audit_table.c.subject == subject).order_by(audit_change.c.position, audit_change.c.seq))
    changes: dict[int, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for c in conn.execute(q):
            changes.setdefault(c.position, []).append({"field": c.field, "before": c.before, "after": c.after})
    return changes


def audit_event(engine: Engine, position: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        found = _page(conn, select(audit_table).where(audit_table.c.position == position).order_by(
            audit_table.c.position))
    return found[0] if found else None


def flags(engine: Engine, *, kind: str | None = None, rule: str | None = None, unit: str | None = None,
          since: Any = None, until: Any = None, after_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Red flags, oldest first by id (anchor position); each lists the positions of its events.
    `rule` (or `kind=finding`) lists the events recorded with that rulebook finding (any, for the kind)."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind: one of {', '.join(KINDS)}, got {kind!r}")
    if rule is not None and kind not in (None, "finding"):
        return []  # `rule` selects findings: no red flag of another kind carries one
    if rule is not None or kind == "finding":
        return _findings(engine, rule, unit, since, until, after_id, limit)
    q = _filtered(flag, since, until, kind=kind, unit=unit)
    if after_id is not None:
        q = q.where(flag.c.id > after_id)
    q = q.order_by(flag.c.id).limit(_limit(limit))
    with engine.connect() as conn:
        return [{"id": r.id, "kind": r.kind, "subject": r.subject, "unit": r.unit, "actor": r.actor,
                 "recorded_at": _utc(r.recorded_at), "event_id": r.event_id, "positions": r.positions,
                 "detail": r.detail} for r in conn.execute(q)]


def _findings(engine: Engine, rule: str | None, unit: str | None, since: Any, until: Any, after_id: int | None,
              limit: int) -> list[dict[str, Any]]:
    """Findings as flags of kind `finding`: one per event and rule, anchored (and paged) at the event's position.
    Without a rule an event with two findings shows both under one id, and a page ending between them
    resumes after that event: ask by rule to page exactly."""
    q = _filtered(finding, since, until, rule=rule, unit=unit)
    if after_id is not None:
        q = q.where(finding.c.position > after_id // 16)
    q = q.order_by(finding.c.position, finding.c.rule).limit(_limit(limit))
    with engine.connect() as conn:
        return [{"id": flag_id(r.position, "finding"), "kind": "finding", "subject": r.subject, "unit": r.unit,
                 "actor": r.actor, "recorded_at": _utc(r.recorded_at), "event_id": r.event_id,
                 "positions": [r.position], "detail": r.detail} for r in conn.execute(q)]
