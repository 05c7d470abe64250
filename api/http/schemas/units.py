"""The units' schemas: a unit's state and its training budget for a year."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.http.schemas.base import Args


class BudgetArgs(Args):
    year = fields.Integer(validate=validate.Range(1950, 2200))


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
