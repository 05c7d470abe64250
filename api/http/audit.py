"""Who changed what (newest first) and red flags, from the audit read models."""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, request

from api.http import cursors
from api.http.auth import require_role
from api.http.personal import may_see, reveal
from api.errors import ApiError
from api.bootstrap import services
from api.http.schemas import AuditArgs, AuditPage, FlagArgs, FlagPage, load_args
from ledger.personal import FIELD_NAMES, is_marker
from projections import queries

bp = Blueprint("audit", __name__)


def page(query: Callable[..., list[dict[str, Any]]], args: dict[str, Any], kind: str, key: str,
         cursor_arg: str, cursor_type: type = int) -> dict[str, Any]:
    """One keyset page of a read model; a full page carries the cursor of its last row."""
    args = dict(args)
    after = cursors.decode(kind, args.pop("cursor", None), cursor_type)
    limit = args["limit"]
    try:
        rows = services().from_read_models(lambda engine: query(engine, **{cursor_arg: after}, **args))
    except ValueError as exc:  # the read model names the filter it refuses
        message = str(exc)
        raise ApiError("validation_failed", message, field=message.split(":", 1)[0]) from None
    return {"items": rows, "next_cursor": cursors.encode(kind, rows[-1][key]) if len(rows) == limit else None}


@bp.get("/v1/audit")
@require_role("inspector", "auditor")
def audit():
    """Every recorded change with its actor, principal, TMT, SK and field changes, newest first."""
    args = load_args(AuditArgs, request.args)
    result = page(queries.audit, args, "audit", "position", "before_position")
    _with_leaf_hashes(result["items"])
    _with_stored(result["items"])
    for row in result["items"]:  # values recorded before commitments: withheld by the same rule
        for i, c in enumerate(row.get("changes") or []):
            name = (c.get("field") or "").rsplit(".", 1)[-1]
            if name in FIELD_NAMES and not may_see(name):
                for side in ("before", "after"):
                    if c.get(side) is not None and not is_marker(c[side]):
                        c[side] = None
                        row["masked"] = [*row.get("masked", []), f"changes[{i}].{side}"]
    reveal(result["items"])
    return AuditPage().dump(result)


def _with_leaf_hashes(rows: list[dict[str, Any]]) -> None:
    """Each row's leaf hash, read from the ledger's own leaves (not the read model), so a client can
    prove the row's event with an inclusion proof and `jejak verify --projections` can vouch for the rest."""
    if not rows:
        return
    positions = [row["position"] for row in rows]
    marks = ", ".join("?" for _ in positions)
    found = {p: bytes(h).hex() for p, h in services().reader().recorder.query(
        f"SELECT position, leaf_hash FROM jejak_leaves WHERE position IN ({marks})", positions)}
    for row in rows:
        row["leaf_hash"] = found.get(row["position"])


def _with_stored(rows: list[dict[str, Any]]) -> None:
    """Each row's provenance (which fields the caller asserted and which the server established) and its findings,
    as its event stored them (hashed with it): the read model keeps the values, the ledger who vouched for them.
    One read of the events for both (each run of positions is a query: a subject's rows are scattered)."""
    if not rows:
        return
    stored = {e["position"]: e for e in services().reader().events_at([r["position"] for r in rows])}
    for row in rows:
        event = stored.get(row["position"])
        row["provenance"] = event["provenance"] if event else None
        row["findings"] = event["findings"] if event else []


@bp.get("/v1/audit/flags")
@require_role("inspector", "auditor")
def flags():
    """Red flags for inspectors, each listing the positions of the events involved."""
    args = load_args(FlagArgs, request.args)
    return FlagPage().dump(page(queries.flags, args, "flags", "id", "after_id"))
