"""The HTTP API under /v1: one blueprint per resource (`events`, `employees`, `units`, `audit`,
`integrity`, `tickets`), with authentication (`auth`), request and response schemas (`schemas`), cursors,
the OpenAPI document (`openapi`, `describe`) and its interactive page (`docs`). Other front doors use only this face."""

from api.http import access, audit, docs, employees, events, integrity, openapi, tickets, units
from api.http.access import note_access, write_access_log
from api.http.employees import PERSONAL, replay_document

BLUEPRINTS = [events.bp, employees.bp, units.bp, audit.bp, integrity.bp, docs.bp, access.bp, tickets.bp]
openapi_bp = openapi.bp

__all__ = ["BLUEPRINTS", "PERSONAL", "note_access", "openapi_bp", "replay_document", "write_access_log"]
