"""The employees' schemas: the roster's and a state's parameters, the state, the roster's rows and pages."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.http.schemas.base import Args, Day, Moment, PageArgs, _text

STATUSES = ("active", "separated")


class EmployeeListArgs(PageArgs):
    unit = _text(64)
    status = fields.String(validate=validate.OneOf(STATUSES))
    grade = _text(8)
    position_type = _text(32)


class EmployeeStateArgs(Args):
    as_of = Moment(metadata={"description": "state as the ledger knew it then (auditor, admin)"})
    valid_at = Day(metadata={"description": "state in effect on this date (by TMT)"})


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
    training_jp = fields.Integer(required=True, allow_none=True,
                                 metadata={"description": "JP completed in training_year (null for recorders)"})
    latest_predikat = fields.String(allow_none=True)
    annual_predikat = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    active_penalties = fields.List(fields.Nested(Penalty), required=True, allow_none=True)
    appointed_on = fields.String(allow_none=True)
    in_post_since = fields.String(allow_none=True)
    last_promotion_on = fields.String(allow_none=True)
    separation = fields.Dict(allow_none=True)
    nik = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    masked = fields.List(fields.String(), required=True,
                         metadata={"description": "fields withheld from this role (null here): personal fields, "
                                                "and for recorders predikat, penalties, training and separation"})
    erased = fields.List(fields.String(), metadata={"description": "personal fields erased (PersonalDataErased)"})
    erased_by = fields.String(metadata={"description": "the id of the PersonalDataErased event that erased them "
                                                    "(the latest, when several did)"})
    erased_at = fields.String(metadata={"description": "when that erasure was recorded"})
    erasures = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "per erased path: {by: the erasing event's id, at: when}"})
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
