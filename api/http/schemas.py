"""Marshmallow schemas of query parameters and responses: the views load and dump with these."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from api.errors import ApiError

MAX_PAGE = 1000
STATUSES = ("active", "separated")


class Moment(fields.DateTime):
    """An ISO 8601 timestamp; without a zone it is read as UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("must be an ISO 8601 timestamp, e.g. 2025-04-01T03:04:05Z")
        try:
            moment = datetime.fromisoformat(value.replace(" ", "+"))
        except ValueError:
            raise ValidationError(f"{value!r} is not an ISO 8601 timestamp, e.g. 2025-04-01T03:04:05Z") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Day(fields.Date):
    """A calendar date as YYYY-MM-DD."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> date:
        if not isinstance(value, str) or len(value) != 10:
            raise ValidationError("must be a date as YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not a real date as YYYY-MM-DD") from None


def _limit() -> fields.Integer:
    return fields.Integer(load_default=100, validate=validate.Range(1, MAX_PAGE),
                          metadata={"description": f"page size, at most {MAX_PAGE}"})


def _text(max_length: int = 200, **kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(1, max_length), **kw)


class Args(Schema):
    class Meta:
        unknown = RAISE


class PageArgs(Args):
    cursor = _text(512, metadata={"description": "opaque; pass back `next_cursor`"})
    limit = _limit()


class EmployeeListArgs(PageArgs):
    unit = _text(64)
    status = fields.String(validate=validate.OneOf(STATUSES))
    grade = _text(8)
    position_type = _text(32)


class EmployeeStateArgs(Args):
    as_of = Moment(metadata={"description": "state as the ledger knew it then (auditor, admin)"})
    valid_at = Day(metadata={"description": "state in effect on this date (by TMT)"})


class BudgetArgs(Args):
    year = fields.Integer(validate=validate.Range(1950, 2200))


class FeedArgs(Args):
    after = fields.Integer(load_default=0, validate=validate.Range(0, 2**62))
    limit = _limit()


class AuditArgs(PageArgs):
    actor = _text()
    on_behalf_of = _text()
    subject = _text(64)
    type = _text(64)
    unit = _text(64)
    since = Moment()
    until = Moment()


class FlagArgs(PageArgs):
    kind = _text(64)
    unit = _text(64)
    since = Moment()


def load_args(schema: type[Schema], args: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters through their schema; a bad one is a 400 naming it."""
    flat = {}
    for key in args:
        values = args.getlist(key) if hasattr(args, "getlist") else [args[key]]
        if len(values) > 1:
            raise ApiError("validation_failed", f"{key}: give this parameter once", field=key)
        flat[key] = values[0]
    try:
        return schema().load(flat)
    except ValidationError as exc:
        problems = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in exc.messages.items()}
        first = sorted(problems)[0]
        raise ApiError("validation_failed", f"{first}: {problems[first][0]}", fields=problems) from None


# --- responses ------------------------------------------------------------------


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()), required=True)
    rule = fields.String()
    message_id = fields.String()


class Error(Schema):
    error = fields.Nested(ErrorBody, required=True)


class Receipt(Schema):
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    subject = fields.String(required=True)
    version = fields.Integer(required=True)
    position = fields.Integer(required=True)
    recorded_at = fields.String(required=True)
    leaf_hash = fields.String(required=True, allow_none=True)


class Receipts(Schema):
    receipts = fields.List(fields.Nested(Receipt), required=True)


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
    warnings = fields.List(fields.Dict())
    derived = fields.Boolean()
    masked = fields.List(fields.String(), metadata={"description": "personal data fields withheld"})


class EventPage(Schema):
    items = fields.List(fields.Nested(Event), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class Feed(Schema):
    items = fields.List(fields.Nested(Event), required=True)
    next_after = fields.Integer(required=True)
    head = fields.Integer(required=True)


class EventType(Schema):
    type = fields.String(required=True)
    stream = fields.String(required=True)
    tmt = fields.Boolean()
    description = fields.String()
    schema = fields.Dict(required=True)


class EventTypes(Schema):
    items = fields.List(fields.Nested(EventType), required=True)


class Position(Schema):
    type = fields.String(allow_none=True)
    title = fields.String(allow_none=True)


class Penalty(Schema):
    event_id = fields.String()
    level = fields.String()
    kind = fields.String()
    since = fields.String(allow_none=True)


class EmployeeState(Schema):
    nip = fields.String(required=True)
    name = fields.String(allow_none=True)
    employment_type = fields.String(allow_none=True)
    status = fields.String(required=True)
    grade = fields.String(allow_none=True)
    position = fields.Nested(Position, allow_none=True)
    unit = fields.String(allow_none=True)
    training_year = fields.Integer(required=True)
    training_jp = fields.Integer(required=True, metadata={"description": "JP completed in training_year"})
    latest_predikat = fields.String(allow_none=True)
    annual_predikat = fields.Dict(keys=fields.String(), values=fields.String())
    active_penalties = fields.List(fields.Nested(Penalty), required=True)
    appointed_on = fields.String(allow_none=True)
    in_post_since = fields.String(allow_none=True)
    last_promotion_on = fields.String(allow_none=True)
    separation = fields.Dict(allow_none=True)
    nik = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    masked = fields.List(fields.String(), required=True,
                         metadata={"description": "personal fields withheld from this role"})
    version = fields.Integer(required=True)
    last_position = fields.Integer(required=True, allow_none=True)
    as_of = fields.String(allow_none=True)
    valid_at = fields.String(allow_none=True)


class RosterRow(Schema):
    nip = fields.String(required=True)
    name = fields.String(allow_none=True)
    employment_type = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    grade = fields.String(allow_none=True)
    position = fields.Nested(Position, allow_none=True)
    unit = fields.String(allow_none=True)
    latest_predikat = fields.String(allow_none=True)
    active_penalties = fields.List(fields.Raw())
    appointed_on = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    last_position = fields.Integer(allow_none=True)


class RosterPage(Schema):
    items = fields.List(fields.Nested(RosterRow), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class Budget(Schema):
    code = fields.String(required=True)
    year = fields.Integer(required=True)
    allocated = fields.Integer(required=True)
    realised = fields.Integer(required=True)
    remaining = fields.Integer(required=True)


class UnitState(Schema):
    code = fields.String(required=True)
    name = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    parent = fields.String(allow_none=True)
    budgets = fields.Dict(keys=fields.String(), values=fields.Dict())
    achievements = fields.Dict(keys=fields.String(), values=fields.String())
    version = fields.Integer(required=True)
    last_position = fields.Integer(allow_none=True)


class Change(Schema):
    field = fields.String(required=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class AuditRow(Schema):
    position = fields.Integer(required=True)
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


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditRow), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class Flag(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
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


class Health(Schema):
    status = fields.String(required=True)
    head = fields.Integer(required=True)
