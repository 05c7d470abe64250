"""Units (OPD): state and yearly training budget, read from the ledger itself."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, request

from api.http.auth import require_role, require_role_for
from api.http.employees import check_key
from api.bootstrap import services
from api.http.schemas import Budget, BudgetArgs, EmployeeStateArgs, UnitState, load_args
from ledger.stream import wib_date

bp = Blueprint("units", __name__)


@bp.get("/v1/units/<code>")
@require_role("recorder", "inspector", "auditor")
def unit(code: str):
    """A unit's registration, budgets by year and achievements, with its stream version."""
    args = load_args(EmployeeStateArgs, request.args)
    if args.get("as_of") is not None:
        require_role_for("as_of", "auditor")
    key = check_key("unit", code)
    state = services().from_ledger(lambda ledger: ledger.state("unit", key, as_of=args.get("as_of"),
                                                               valid_at=args.get("valid_at")))
    state["budgets"] = {str(y): b for y, b in sorted(state["budgets"].items())}
    state["achievements"] = {str(y): a for y, a in sorted(state["achievements"].items())}
    return UnitState().dump(state)


@bp.get("/v1/units/<code>/budget")
@require_role("recorder", "inspector", "auditor")
def budget(code: str):
    """Training budget of one year: allocated, realised, remaining (default: this year in WIB)."""
    args = load_args(BudgetArgs, request.args)
    year = args.get("year") or wib_date(datetime.now(timezone.utc)).year
    key = check_key("unit", code)
    state = services().from_ledger(lambda ledger: ledger.state("unit", key))
    b = state["budgets"].get(year, {"allocated": 0, "realised": 0, "remaining": 0})
    return Budget().dump({"code": state["code"], "year": year, **b})
