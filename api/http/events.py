"""Posting events (single and batch), the event catalogue, single events and the global feed."""

from __future__ import annotations


import re
from typing import Any

from flask import Blueprint, request

from api.http.auth import current_principal, require_role
from api.http.personal import reveal_events
from api.body import read_json
from api.bootstrap import services
from api.errors import RETRY_AFTER_SECONDS, ApiError
from api.http.schemas import Event, EventTypes, Feed, FeedArgs, Receipt, Receipts, Rules, load_args
from ledger.errors import Malformed, NotFound, VersionConflict
from ledger.events.feedback import FEEDBACK_STATUS_BY_TYPE
from ledger.requests import catalogue_schema

bp = Blueprint("events", __name__)
MAX_BATCH = 1000
KEY_PATTERN = r"[\x21-\x7e]{1,200}"
FEEDBACK_STEPS = tuple(t for t in FEEDBACK_STATUS_BY_TYPE if t != "FeedbackReceived")  # what a feedback officer posts


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise ApiError("validation_failed", "Idempotency-Key: 1 to 200 visible ASCII characters",
                       field="Idempotency-Key")
    return key


def if_match(body: Any) -> Any:
    """`If-Match: "<version>"` becomes the body's `expected_version`."""
    header = request.headers.get("If-Match")
    if header is None:
        return body
    m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,12})"?\s*', header)
    if not m:
        raise ApiError("validation_failed", 'If-Match: expected the stream version in quotes, e.g. "7"',
                       field="If-Match")
    version = int(m.group(1))
    if not isinstance(body, dict):
        return body
    given = body.get("expected_version")
    if given is not None and given != version:
        raise ApiError("validation_failed", "If-Match: disagrees with expected_version in the body",
                       field="If-Match")
    return {**body, "expected_version": version}


def masked(event: dict[str, Any]) -> dict[str, Any]:
    """An event as the current principal may see it: personal fields revealed or withheld."""
    return reveal_events([event])[0]


def _record(bodies: list[Any], batch: bool) -> tuple[list[dict[str, Any]], bool]:
    name, role = current_principal()
    if role == "feedback_officer" and any(isinstance(b, dict) and b.get("type") not in FEEDBACK_STEPS
                                          for b in bodies):
        raise ApiError("forbidden", f"type: a feedback officer records only the feedback steps "
                       f"({', '.join(FEEDBACK_STEPS)})", field="type")
    if role != "admin" and any(isinstance(b, dict) and b.get("type") == "PersonalDataErased" for b in bodies):
        raise ApiError("forbidden", "type: only an admin may erase personal data (PersonalDataErased)",
                       field="type")
    if role != "admin" and any(isinstance(b, dict) and b.get("type") == "FindingReviewed" for b in bodies):
        raise ApiError("forbidden", "type: a finding is reviewed by an inspector or auditor in the console "
                       "(/console/temuan), or by an admin", field="type")
    svc = services()
    try:
        receipts, replayed = svc.ledger.record(bodies, name, batch=batch, idempotency_key=idempotency_key())
    except VersionConflict:
        if any(isinstance(b, dict) and b.get("expected_version") is not None for b in bodies):
            raise
        # No version was named, so the conflict is other writers winning every retry on hot streams:
        # the database is busy (nothing recorded, retry), not the 409 kept for a stale expected_version.
        raise ApiError("database_busy", "database: busy (other writes to the same streams kept winning); "
                       f"nothing was changed; retry after {RETRY_AFTER_SECONDS} s",
                       headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
    if not replayed:
        svc.after_write(max(r["position"] for r in receipts))
    return receipts, replayed


@bp.post("/v1/events")
@require_role("recorder", "feedback_officer")
def post_event():
    """Record one event; returns its receipt (201, or 200 for an idempotent replay)."""
    body = if_match(read_json())
    receipts, replayed = _record([body], batch=False)
    return Receipt().dump(receipts[0]), 200 if replayed else 201


@bp.post("/v1/events/batch")
@require_role("recorder", "feedback_officer")
def post_batch():
    """Record up to 1,000 events atomically, in order: all or none."""
    body = read_json()
    if not isinstance(body, dict):
        raise Malformed('body: a batch is a JSON object {"events": [...]}', field="body")
    unknown = sorted(set(body) - {"events"})
    if unknown:
        raise ApiError("validation_failed", f"{unknown[0]}: unknown field", field=unknown[0])
    events = body.get("events")
    if not isinstance(events, list):
        raise ApiError("validation_failed", "events: must be a list of events", field="events")
    if not events:
        raise ApiError("validation_failed", "events: give at least one event", field="events")
    if len(events) > MAX_BATCH:
        raise ApiError("validation_failed", f"events: at most {MAX_BATCH} events per batch, got {len(events)}",
                       field="events")
    receipts, replayed = _record(events, batch=True)
    return Receipts().dump({"receipts": receipts}), 200 if replayed else 201


@bp.get("/v1/event-types")
@require_role("recorder", "inspector", "auditor", "feedback_officer")
def event_types():
    """The catalogue: every event type, its stream kind and the JSON Schema of its body."""
    return EventTypes().dump({"items": catalogue_schema()})


@bp.get("/v1/rules")
@require_role("recorder", "inspector", "auditor", "feedback_officer")
def rulebook():
    """The rulebook: every rule with its tier, regulation, article, severity and statement."""
    return Rules().dump({"items": services().ledger.rulebook.items()})


@bp.get("/v1/events/<event_id>")
@require_role("recorder", "inspector", "auditor", "feedback_officer")
def get_event(event_id: str):
    """One event with all its metadata; a recorder sees only its own events, a feedback officer only tickets'."""
    if not re.fullmatch(r"[0-9a-fA-F-]{32,36}", event_id):
        raise NotFound(f"event_id: no event {event_id}", field="event_id")
    event = services().from_ledger(lambda ledger: ledger.event(event_id.lower()))
    name, role = current_principal()
    if role == "recorder" and event["actor"] != name:
        raise NotFound(f"event_id: no event {event_id} recorded by {name}", field="event_id")
    if role == "feedback_officer" and event["type"] not in FEEDBACK_STATUS_BY_TYPE:
        raise NotFound(f"event_id: no feedback event {event_id}", field="event_id")
    return Event().dump(masked(event))


@bp.get("/v1/feed")
@require_role("inspector", "auditor")
def feed():
    """Every event in global order, for systems that follow the ledger."""
    args = load_args(FeedArgs, request.args)
    ledger = services().reader()
    items = ledger.feed(after=args["after"], limit=args["limit"])
    next_after = items[-1]["position"] if items else args["after"]
    return Feed().dump({"items": reveal_events(items), "next_after": next_after, "head": ledger.head()})

