"""What every schema of the API builds on: the Moment and Day fields, the Args base and paging, loading
query parameters, and the service's own answers (an error, health)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from api.errors import ApiError

MAX_PAGE = 1000


class Moment(fields.DateTime):
    """An ISO 8601 timestamp; without a zone it is read as UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("must be an ISO 8601 timestamp, e.g. 2025-04-01T03:04:05Z")
        try:
            moment = datetime.fromisoformat(value.replace(" ", "+"))
        except ValueError:
            raise ValidationError(f"{value!r} is not an ISO 8601 timestamp, e.g. 2025-04-01T03:04:05Z") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        try:  # 9999-12-31T23:59:59-23:59 parses, but is past the last instant a datetime can hold in UTC
            moment.astimezone(timezone.utc)
        except OverflowError:
            raise ValidationError(f"{value!r} is outside the range of timestamps (years 1 to 9999 in UTC)") from None
        return moment


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
    # NUL is refused here: PostgreSQL text cannot hold it, and a filter carrying one was a 500 there
    return fields.String(validate=[validate.Length(1, max_length), validate.Regexp(r"^[^\x00]*$")], **kw)


class Args(Schema):
    class Meta:
        unknown = RAISE


class PageArgs(Args):
    cursor = _text(512, metadata={"description": "opaque; pass back `next_cursor`"})
    limit = _limit()


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


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()), required=True)
    rule = fields.String()
    message_id = fields.String()


class Error(Schema):
    error = fields.Nested(ErrorBody, required=True)


class Health(Schema):
    status = fields.String(required=True)
    head = fields.Integer(required=True)
