"""The audit's schemas: who changed what and the red flags, their parameters and pages."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.http.schemas.base import Moment, PageArgs, _text
from api.http.schemas.events import Finding, Provenance
from projections.models.red_flags import KINDS

FLAG_KINDS = tuple(KINDS)


class AuditArgs(PageArgs):
    actor = _text()
    on_behalf_of = _text()
    subject = _text(64)
    type = _text(64)
    unit = _text(64)
    since = Moment()
    until = Moment()


class FlagArgs(PageArgs):
    kind = _text(64, metadata={"enum": list(FLAG_KINDS)})  # the read model refuses others, naming them
    rule = _text(60, metadata={"description": "events recorded with this rulebook finding (GET /v1/rules)"})
    unit = _text(64)
    since = Moment()


class Change(Schema):
    field = fields.String(required=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class AuditRow(Schema):
    position = fields.Integer(required=True)
    leaf_hash = fields.String(required=True, metadata={
        "description": "the event's RFC 6962 leaf hash, from the ledger itself: check the row against "
                       "GET /v1/ledger/proof/inclusion?position="})
    event_id = fields.String()
    recorded_at = fields.String(required=True)
    actor = fields.String(required=True)
    on_behalf_of = fields.String(allow_none=True)
    type = fields.String(required=True)
    subject = fields.String(required=True)
    unit = fields.String(allow_none=True)
    effective_date = fields.String(allow_none=True)
    legal_basis = fields.Dict(allow_none=True)
    source = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)
    derived = fields.Boolean(allow_none=True)
    changes = fields.List(fields.Nested(Change), required=True)
    masked = fields.List(fields.String(), metadata={"description": "personal values withheld from this role"})
    erased = fields.List(fields.String(), metadata={"description": "personal fields erased (PersonalDataErased)"})
    erased_by = fields.String(metadata={"description": "the id of the PersonalDataErased event that erased them "
                                                    "(the latest, when several did)"})
    erased_at = fields.String(metadata={"description": "when that erasure was recorded"})
    erasures = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "per erased path: {by: the erasing event's id, at: when}"})
    provenance = fields.Nested(Provenance, required=True)
    findings = fields.List(fields.Nested(Finding), metadata={
        "description": "the rulebook's findings stored with the event (GET /v1/rules)"})


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditRow), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class Flag(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FLAG_KINDS))
    subject = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    recorded_at = fields.String(allow_none=True)
    event_id = fields.String(allow_none=True)
    positions = fields.List(fields.Integer(), required=True, metadata={"description": "the events involved"})
    detail = fields.Raw(allow_none=True)


class FlagPage(Schema):
    items = fields.List(fields.Nested(Flag), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
