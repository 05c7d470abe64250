"""Events of any stream that fix an earlier event: the original always stays in history."""

from __future__ import annotations

from ledger.events.base import EVENT_ID, LedgerEvent, catalogued
from ledger.fields import FreeObj


@catalogued
class Corrected(LedgerEvent):
    """A wrong record is fixed: named fields of an earlier event replaced; the original stays."""

    STREAM = "any"
    DATA = {"event_id": EVENT_ID, "fields": FreeObj(min_properties=1)}  # checked against the original's type


@catalogued
class Annulled(LedgerEvent):
    """An earlier event is declared void; it stays in history but counts no more."""

    STREAM = "any"
    DATA = {"event_id": EVENT_ID}
