"""The findings inbox: red flags (the `red_flags` read model, as GET /v1/audit/flags reads it) filtered by
unit, kind, period; each links to the event on its employee's timeline. Reviewing one is not built yet."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from flask import render_template, request

from api.bootstrap import services
from api.console.gate import Refused, bp, session, signed_in
from api.console.timeline import end_of_day_wib
from ledger.stream import WIB
from projections import queries
from projections.models.red_flags import KINDS

PAGE = 100
UNIT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"


def _day(field: str) -> date | None:
    text = request.args.get(field, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(400, field, f"expected a date like 2025-04-01, got {text[:40]!r}",
                      f"harus tanggal seperti 2025-04-01, bukan {text[:40]!r}") from None


def _filters() -> dict[str, object]:
    kind, unit = request.args.get("kind") or None, request.args.get("unit", "").strip() or None
    if kind is not None and kind not in KINDS:
        raise Refused(400, "kind", f"one of {', '.join(KINDS)}", f"salah satu dari {', '.join(KINDS)}")
    if unit is not None and not re.fullmatch(UNIT, unit):
        raise Refused(400, "unit", "a unit code (letters, digits, . _ -)", "kode unit (huruf, angka, . _ -)")
    after = request.args.get("after", "").strip()
    if after and not (after.isdigit() and len(after) < 19):
        raise Refused(400, "after", "a whole number", "bilangan bulat")
    since, until = _day("since"), _day("until")
    return {"kind": kind, "unit": unit, "after_id": int(after) if after else None,
            "since": datetime.combine(since, time(), WIB).astimezone(timezone.utc) if since else None,
            "until": end_of_day_wib(until).astimezone(timezone.utc) if until else None,
            "shown": {"since": since, "until": until}}


@bp.get("/temuan")
@signed_in("inspector", "auditor")
def inbox():
    """Red flags, oldest first, a hundred a page, with the filters kept in the form."""
    wanted = _filters()
    shown = wanted.pop("shown")
    rows = queries.flags(services().primary_read_models(), **wanted, limit=PAGE)
    more = rows[-1]["id"] if len(rows) == PAGE else None
    return render_template("console/inbox.html", rows=rows, kinds=KINDS, kind=wanted["kind"], unit=wanted["unit"],
                           shown=shown, more=more, session=session(), employee=re.compile(r"\d{18}").fullmatch)
