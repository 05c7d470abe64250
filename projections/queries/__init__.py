"""Plain read functions over the projection tables: what the API and the CLI call.

Each takes the engine first and returns JSON-ready dicts (dates ISO, moments UTC "...Z").
Lists are keyset-paginated: pass the last row's key (`after_nip`, `before_position`,
`after_id`) to continue.
"""

from __future__ import annotations

from projections.queries.audit_trail import audit, audit_event, audit_query, flags, subject_changes
from projections.queries.public import feedback_ticket, public_unit, public_units
from projections.queries.releases import is_release_position, release_text, releases
from projections.queries.staff import employee, employees, evaluations, find_employees, training
from projections.queries.units import unit_budget, unit_info

__all__ = ["employees", "employee", "audit", "audit_query", "audit_event", "flags", "public_units", "public_unit",
           "feedback_ticket", "unit_info", "unit_budget", "training", "evaluations",
           "releases", "release_text", "is_release_position", "find_employees", "subject_changes"]
