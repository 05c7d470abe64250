"""The HTTP API under /v1: one blueprint per resource (`events`, `employees`, `units`, `audit`,
`integrity`), with authentication (`auth`), request and response schemas (`schemas`), cursors,
the OpenAPI document (`openapi`, `describe`) and its interactive page (`docs`). Other front doors use only this face."""

from api.http import audit, docs, employees, events, integrity, openapi, units
from api.http.employees import replay_document

BLUEPRINTS = [events.bp, employees.bp, units.bp, audit.bp, integrity.bp, docs.bp]
openapi_bp = openapi.bp

__all__ = ["BLUEPRINTS", "openapi_bp", "replay_document"]
