"""The events' schemas: the feed's parameters, receipts, events, their pages and the catalogue."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.http.schemas.base import Args, _limit
from ledger.requests import catalogue_schema
from ledger.rules.book import SEVERITIES, TIERS

EVENT_TYPES = tuple(item["type"] for item in catalogue_schema())


def _event_type() -> fields.String:
    """An event type of the catalogue (the enum the document publishes; dumping never checks it)."""
    return fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))


class FeedArgs(Args):
    after = fields.Integer(load_default=0, validate=validate.Range(0, 2**62))
    limit = _limit()


class Receipt(Schema):
    event_id = fields.String(required=True)
    type = _event_type()
    subject = fields.String(required=True)
    version = fields.Integer(required=True)
    position = fields.Integer(required=True)
    recorded_at = fields.String(required=True)
    leaf_hash = fields.String(required=True, allow_none=True)


class Receipts(Schema):
    receipts = fields.List(fields.Nested(Receipt), required=True)


class Provenance(Schema):
    established = fields.List(fields.String(), required=True, metadata={
        "description": "fields the server set itself: actor (from the token), recorded_at, position, version, "
                       "leaf_hash, event_id, and source or data.channel when a front door of Jejak set them"})
    asserted = fields.List(fields.String(), required=True, metadata={
        "description": "fields the caller supplied and nothing verified: any of source, data.channel, "
                       "on_behalf_of, correlation_id, legal_basis, effective_date"})


class Finding(Schema):
    rule = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    regulation = fields.String(allow_none=True, required=True)
    article = fields.String(allow_none=True, required=True)
    message = fields.String(required=True)
    message_id = fields.String(required=True)
    facts = fields.Dict(metadata={"description": "the facts the rule used"})


class Rule(Schema):
    rule = fields.String(required=True)
    tier = fields.String(required=True, validate=validate.OneOf(TIERS))
    regulation = fields.String(required=True)
    article = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES),
                             metadata={"description": "as this deployment grades it (JEJAK_RULES)"})
    statement = fields.String(required=True)
    statement_id = fields.String(required=True)
    enabled = fields.Boolean(required=True, metadata={"description": "false when this deployment switched it off"})


class Rules(Schema):
    items = fields.List(fields.Nested(Rule), required=True)


class Event(Receipt):
    stream = fields.String(required=True)
    stream_id = fields.String(required=True)
    data = fields.Dict(required=True)
    actor = fields.String(required=True)
    on_behalf_of = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)
    idempotency_key = fields.String(allow_none=True)
    effective_date = fields.String(allow_none=True)
    legal_basis = fields.Dict(allow_none=True)
    reason = fields.String(allow_none=True)
    findings = fields.List(fields.Nested(Finding), metadata={
        "description": "the rulebook's compliance findings, stored and hashed with the event"})
    warnings = fields.List(fields.Dict(), metadata={"description": "older name of findings: rule and texts only"})
    derived = fields.Boolean()
    masked = fields.List(fields.String(), metadata={"description": "personal data fields withheld"})
    erased = fields.List(fields.String(), metadata={"description": "personal fields erased (PersonalDataErased)"})
    erased_by = fields.String(metadata={"description": "the id of the PersonalDataErased event that erased them "
                                                    "(the latest, when several did)"})
    erased_at = fields.String(metadata={"description": "when that erasure was recorded"})
    erasures = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "per erased path: {by: the erasing event's id, at: when}"})
    provenance = fields.Nested(Provenance, required=True)


class EventPage(Schema):
    items = fields.List(fields.Nested(Event), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class Feed(Schema):
    items = fields.List(fields.Nested(Event), required=True)
    next_after = fields.Integer(required=True)
    head = fields.Integer(required=True)


class EventType(Schema):
    type = _event_type()
    stream = fields.String(required=True)
    tmt = fields.Boolean()
    description = fields.String()
    schema = fields.Dict(required=True)


class EventTypes(Schema):
    items = fields.List(fields.Nested(EventType), required=True)
