"""Marshmallow schemas of query parameters and responses: the views load and dump with these.

One module per resource (events, employees, units, audit, integrity) beside `base`, what they all build on.
"""

from __future__ import annotations

from api.http.schemas.audit import FLAG_KINDS, AuditArgs, AuditPage, AuditRow, Change, Flag, FlagArgs, FlagPage
from api.http.schemas.base import MAX_PAGE, Args, Day, Error, ErrorBody, Health, Moment, PageArgs, load_args
from api.http.schemas.employees import (STATUSES, EmployeeListArgs, EmployeeState, EmployeeStateArgs, Penalty,
                                        Position, RosterPage, RosterRow)
from api.http.schemas.integrity import Checkpoint, ConsistencyProof, InclusionProof, PublicKey, PublicKeys
from api.http.schemas.events import (EVENT_TYPES, Event, EventPage, EventType, EventTypes, Feed, FeedArgs, Finding,
                                     Receipt, Receipts, Rule, Rules)
from api.http.schemas.units import Budget, BudgetArgs, UnitState

__all__ = ["MAX_PAGE", "STATUSES", "Moment", "Day", "Args", "PageArgs", "EmployeeListArgs", "EmployeeStateArgs",
           "BudgetArgs", "FeedArgs", "AuditArgs", "FlagArgs", "load_args", "ErrorBody", "Error", "Receipt", "Receipts",
           "Event", "EventPage", "Feed", "EventType", "EventTypes", "Position", "Penalty", "EmployeeState", "RosterRow",
           "RosterPage", "Budget", "UnitState", "Change", "AuditRow", "AuditPage", "Flag", "FlagPage", "Health",
           "EVENT_TYPES", "FLAG_KINDS", "Finding", "Rule", "Rules", "Checkpoint", "InclusionProof", "ConsistencyProof", "PublicKey", "PublicKeys"]
