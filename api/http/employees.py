"""Employees: the roster (projection), current / as-of / valid-at state, and history (ledger)."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from flask import Blueprint, request

from api.http import cursors
from api.http.audit import page
from api.http.auth import has_role, require_role, require_role_for
from api.bootstrap import services
from api.http.personal import reveal, reveal_events, withhold
from api.http.need_to_know import withhold_from_recorders
from api.http.schemas import (EmployeeListArgs, EmployeeState, EmployeeStateArgs, EventPage, PageArgs, RosterPage,
                         load_args)
from ledger.errors import NotFound
from projections import queries
from ledger.integrity import utc_text
from ledger.stream import wib_date

bp = Blueprint("employees", __name__)
PERSONAL = ("nik", "birth_date", "address", "contact")
KEY = r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}"


def check_key(kind: str, key: str) -> str:
    if not re.fullmatch(KEY, key):
        raise NotFound(f"subject: no {kind} {key!r}", field="subject")
    return key


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def employee_view(state: dict[str, Any], year: int) -> dict[str, Any]:
    """The state as the contract shows it, personal fields still as their commitments (revealed after)."""
    view = {k: state.get(k) for k in ("nip", "name", "employment_type", "status", "grade", "position", "unit",
                                      "latest_predikat", "version", "last_position")}
    view.update({
        "training_year": year,
        "training_jp": state.get("training", {}).get(year, 0),
        "annual_predikat": {str(y): p for y, p in sorted(state.get("annual_predikat", {}).items())},
        "active_penalties": [{**p, "since": iso(p.get("since"))} for p in state.get("penalties", {}).values()],
        "appointed_on": iso(state.get("appointed_on")),
        "in_post_since": iso(state.get("in_post_since")),
        "last_promotion_on": iso(state.get("last_promotion_on")),
        "separation": ({**state["separation"], "on": iso(state["separation"]["on"])}
                       if state.get("separation") else None),
    })
    for name in PERSONAL:
        view[name] = iso(state.get(name))
    view["masked"] = []
    return view


@bp.get("/v1/employees")
@require_role("inspector", "auditor")
def roster():
    """The current roster from the read model, filtered, in NIP order, with opaque cursors."""
    args = load_args(EmployeeListArgs, request.args)
    return RosterPage().dump(page(queries.employees, args, "employees", "nip", "after_nip", str))


@bp.get("/v1/employees/<nip>")
@require_role("recorder", "inspector", "auditor")
def employee(nip: str):
    """Current state, or as the ledger knew it at `as_of`, or as in effect on `valid_at`."""
    args = load_args(EmployeeStateArgs, request.args)
    as_of, valid_at = args.get("as_of"), args.get("valid_at")
    if as_of is not None:
        require_role_for("as_of", "auditor")
    key = check_key("employee", nip)
    state = services().from_ledger(lambda ledger: ledger.state("employee", key, as_of=as_of, valid_at=valid_at))
    year = (valid_at or (wib_date(as_of) if as_of else wib_date(datetime.now(timezone.utc)))).year
    view = employee_view(state, year)
    withhold(view, view, PERSONAL, "")
    reveal([view])
    view = view if has_role("inspector", "auditor") else withhold_from_recorders(view)
    view["as_of"] = utc_text(as_of) if as_of else None
    view["valid_at"] = valid_at.isoformat() if valid_at else None
    return EmployeeState().dump(view)


def history_page(kind: str, key: str):
    args = load_args(PageArgs, request.args)
    after = cursors.decode(f"history:{kind}", args.get("cursor"), int) or 0
    limit = args["limit"]
    key = check_key(kind, key)
    events = services().from_ledger(lambda ledger: ledger.history(kind, key, after_version=after, limit=limit + 1))
    items = events[:limit]
    more = len(events) > limit
    nxt = cursors.encode(f"history:{kind}", items[-1]["version"]) if more else None
    return EventPage().dump({"items": reveal_events(items), "next_cursor": nxt})


@bp.get("/v1/employees/<nip>/history")
@require_role("inspector", "auditor")
def history(nip: str):
    """The employee stream's events, oldest first, with all metadata and positions."""
    return history_page("employee", nip)


def replay_document(ledger: Any, nip: str, as_of: str | None, valid_at: str | None) -> dict[str, Any]:
    """GET /v1/employees/<nip> as an admin sees it, for `jejak replay` (the same args, view and schema).

    Raises ApiError for a bad argument (its field names the option) and LedgerError from the ledger.
    """
    args = {k: v for k, v in (("as_of", as_of), ("valid_at", valid_at)) if v is not None}
    parsed = load_args(EmployeeStateArgs, args)
    when, day = parsed.get("as_of"), parsed.get("valid_at")
    state = ledger.state("employee", check_key("employee", nip), as_of=when, valid_at=day)
    year = (day or (wib_date(when) if when else wib_date(datetime.now(timezone.utc)))).year
    view = employee_view(state, year)
    ledger.reveal([view], lambda field: True)
    view["as_of"] = utc_text(when) if when else None
    view["valid_at"] = day.isoformat() if day else None
    return EmployeeState().dump(view)
