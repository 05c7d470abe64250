"""Who changed what: a form over the audit index (actor, on behalf of, subject, unit, type, period), newest
first, a hundred a page; and a unit's page with its training budget allocated against realised."""

from __future__ import annotations

import re
from datetime import datetime, time, timezone
from typing import Any

from flask import render_template, request

from api.bootstrap import services
from api.console.employee import _reveal
from api.console.gate import Refused, bp, day_arg, session, sees_personal, signed_in
from api.console.inbox import UNIT
from api.console.timeline import end_of_day_wib, withheld
from ledger.events import CATALOGUE
from ledger.stream import WIB
from projections import queries

PAGE = 100
TEXT = r"[A-Za-z0-9][A-Za-z0-9 ./_@:-]{0,199}"
FIELDS = {"actor": TEXT, "on_behalf_of": r"\d{18}", "subject": r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}", "unit": UNIT}
NIP = re.compile(r"\d{18}").fullmatch


def _filters() -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    for name, pattern in FIELDS.items():
        value = request.args.get(name, "").strip()
        if value and not re.fullmatch(pattern, value):
            raise Refused(400, name, "letters, digits and . _ - / only (NIP: 18 digits)",
                          "hanya huruf, angka dan . _ - / (NIP: 18 angka)")
        wanted[name] = value or None
    type_ = request.args.get("type") or None
    if type_ is not None and type_ not in CATALOGUE:
        raise Refused(400, "type", "an event type of the catalogue (GET /v1/event-types)",
                      "jenis peristiwa dari katalog (GET /v1/event-types)")
    before = request.args.get("before", "").strip()
    if before and not (before.isdigit() and len(before) < 19):
        raise Refused(400, "before", "a whole number", "bilangan bulat")
    since, until = day_arg("since"), day_arg("until")
    return {**wanted, "type": type_, "before_position": int(before) if before else None,
            "since": datetime.combine(since, time(), WIB).astimezone(timezone.utc) if since else None,
            "until": end_of_day_wib(until).astimezone(timezone.utc) if until else None,
            "shown": {"since": since, "until": until}}


@bp.get("/perubahan")
@signed_in("inspector", "auditor")
def changes():
    """Who changed what, newest first: every filter is one column of the audit index."""
    wanted = _filters()
    shown = wanted.pop("shown")
    asked = any(v is not None for k, v in wanted.items() if k != "before_position")
    rows = queries.audit(services().primary_read_models(), **wanted, limit=PAGE) if asked else []
    _reveal(rows)
    for row in rows:
        row["changes"] = withheld(row["changes"], sees_personal())
    more = rows[-1]["position"] if len(rows) == PAGE else None
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template("console/changes.html", rows=rows, filters=wanted, shown=shown, asked=asked, more=more,
                           args=args, types=sorted(CATALOGUE), session=session(), employee=NIP)


@bp.get("/unit/<code>")
@signed_in("inspector", "auditor")
def unit(code: str):
    """One unit (OPD): its name and its training budget per year, allocated against realised."""
    if not re.fullmatch(UNIT, code):
        raise Refused(404, "code", f"no unit {code[:40]!r}", f"tidak ada unit {code[:40]!r}")
    engine = services().primary_read_models()
    info = queries.unit_info(engine, code)
    if info is None:
        raise Refused(404, "code", f"no unit {code}", f"tidak ada unit {code}")
    budget = queries.unit_budget(engine, code)
    return render_template("console/unit.html", unit=info, budget=budget, session=session())
