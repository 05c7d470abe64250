"""The findings inbox: red flags and findings (the `red_flags` read model, as GET /v1/audit/flags reads it)
filtered by kind, rule, severity, unit and period; each links to its event on the employee's timeline and
shows whether it was reviewed, with the form that marks it reviewed (`reviews`)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from typing import Any

from flask import render_template, request
from sqlalchemy import Engine, select

from api.bootstrap import services
from api.console.gate import Refused, bp, day_arg, session, signed_in
from api.console.reviews import annotate
from api.console.timeline import end_of_day_wib
from ledger.rules.book import RULES, SEVERITIES
from ledger.stream import WIB
from projections import queries
from projections.models.red_flags import KINDS, finding, flag_id

PAGE = 100
UNIT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"


def _choice(field: str, allowed: Any) -> str | None:
    value = request.args.get(field) or None
    if value is not None and value not in allowed:
        listed = ", ".join(sorted(allowed))
        raise Refused(400, field, f"one of {listed}", f"salah satu dari {listed}")
    return value


def _filters() -> dict[str, Any]:
    kind, rule, severity = _choice("kind", KINDS), _choice("rule", RULES), _choice("severity", SEVERITIES)
    unit = request.args.get("unit", "").strip() or None
    if unit is not None and not re.fullmatch(UNIT, unit):
        raise Refused(400, "unit", "a unit code (letters, digits, . _ -)", "kode unit (huruf, angka, . _ -)")
    after = request.args.get("after", "").strip()
    if after and not (after.isdigit() and len(after) < 19):
        raise Refused(400, "after", "a whole number", "bilangan bulat")
    since, until = day_arg("since"), day_arg("until")
    return {"kind": kind, "rule": rule, "severity": severity, "unit": unit, "after_id": int(after) if after else None,
            "since": datetime.combine(since, time(), WIB).astimezone(timezone.utc) if since else None,
            "until": end_of_day_wib(until).astimezone(timezone.utc) if until else None,
            "shown": {"since": since, "until": until}}


def by_severity(engine: Engine, severity: str, rule: str | None, unit: str | None, since: datetime | None,
                until: datetime | None, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    """Findings of one severity, shaped as `queries.flags` shapes findings (a severity selects findings)."""
    q = select(finding).where(finding.c.severity == severity)
    for column, value in ((finding.c.rule, rule), (finding.c.unit, unit)):
        if value is not None:
            q = q.where(column == value)
    if since is not None:
        q = q.where(finding.c.recorded_at >= since.replace(tzinfo=None))
    if until is not None:
        q = q.where(finding.c.recorded_at <= until.replace(tzinfo=None))
    if after_id is not None:
        q = q.where(finding.c.position > after_id // 16)
    q = q.order_by(finding.c.position, finding.c.rule).limit(limit)
    with engine.connect() as conn:
        return [{"id": flag_id(r.position, "finding"), "kind": "finding", "subject": r.subject, "unit": r.unit,
                 "actor": r.actor, "recorded_at": r.recorded_at.replace(tzinfo=timezone.utc).isoformat(),
                 "event_id": r.event_id, "positions": [r.position], "detail": r.detail} for r in conn.execute(q)]


@bp.get("/temuan")
@signed_in("inspector", "auditor")
def inbox():
    """Red flags and findings, oldest first, a hundred a page, with the filters kept in the form."""
    wanted = _filters()
    shown, severity = wanted.pop("shown"), wanted.pop("severity")
    engine = services().primary_read_models()  # the console reads the primary (api/reads.py)
    if severity is not None:
        rows = [] if wanted["kind"] not in (None, "finding") else \
            by_severity(engine, severity, **{k: v for k, v in wanted.items() if k != "kind"}, limit=PAGE)
    else:
        rows = queries.flags(engine, **wanted, limit=PAGE)
    annotate(engine, rows)
    more = rows[-1]["id"] if len(rows) == PAGE else None
    query = request.query_string.decode("ascii", "replace")
    return render_template("console/inbox.html", rows=rows, kinds=KINDS, rules=sorted(RULES), severities=SEVERITIES,
                           filters={**wanted, "severity": severity}, shown=shown, more=more, session=session(),
                           back="/console/temuan" + (f"?{query}" if query else ""),
                           employee=re.compile(r"\d{18}").fullmatch,
                           may_prove=session().role in ("auditor", "admin"))
