"""Who changed what (newest first) and red flags, from the audit read models."""

from __future__ import annotations

from flask import Blueprint, request

from api import cursors
from api.auth import require_role
from api.events import services
from api.schemas import AuditArgs, AuditPage, FlagArgs, FlagPage, load_args

bp = Blueprint("audit", __name__)


def _page(rows: list, limit: int, kind: str, key: str) -> dict:
    items = [dict(r) for r in rows[:limit]]
    more = len(rows) > limit
    return {"items": items, "next_cursor": cursors.encode(kind, items[-1][key]) if more else None}


@bp.get("/v1/audit")
@require_role("inspector", "auditor")
def audit():
    """Every recorded change with its actor, principal, TMT, SK and field changes, newest first."""
    from projections import queries

    args = load_args(AuditArgs, request.args)
    before = cursors.decode("audit", args.pop("cursor", None), int)
    limit = args.pop("limit")
    rows = queries.audit(services().projections.engine, before_position=before, limit=limit + 1, **args)
    return AuditPage().dump(_page(rows, limit, "audit", "position"))


@bp.get("/v1/audit/flags")
@require_role("inspector", "auditor")
def flags():
    """Red flags for inspectors, each linking to the events involved."""
    from projections import queries

    args = load_args(FlagArgs, request.args)
    after = cursors.decode("flags", args.pop("cursor", None), int)
    limit = args.pop("limit")
    rows = queries.flags(services().projections.engine, after_id=after, limit=limit + 1, **args)
    return FlagPage().dump(_page(rows, limit, "flags", "id"))
