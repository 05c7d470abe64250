"""The access log's schemas: its query parameters, its rows and its pages."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.http.schemas.base import Moment, PageArgs, _text


class AccessLogArgs(PageArgs):
    subject = _text(64, metadata={"description": "whose personal data was read (NIP, ticket, intern id)"})
    principal = _text(metadata={"description": "who read it (a token's name)"})
    after = Moment(metadata={"description": "reads logged after this UTC timestamp"})


class AccessLogRow(Schema):
    at = fields.String(required=True, metadata={"description": "UTC timestamp of the response"})
    principal = fields.String(required=True)
    role = fields.String(required=True)
    subject = fields.String(required=True)
    fields_ = fields.List(fields.String(), attribute="fields", data_key="fields", required=True,
                          metadata={"description": "paths of the personal values the response carried"})
    route = fields.String(required=True, metadata={"description": "route template, or the `jejak` command"})
    request_id = fields.String(required=True, metadata={"description": "the response's X-Request-Id"})


class AccessLogPage(Schema):
    items = fields.List(fields.Nested(AccessLogRow), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
