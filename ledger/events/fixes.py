"""Events of any stream that fix an earlier event: the original always stays in history."""

from __future__ import annotations

from ledger.events.base import EVENT_ID, LedgerEvent, catalogued
from ledger.fields import Choice, FreeObj, List, Str
from ledger.personal_fields import ERASABLE


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


@catalogued
class PersonalDataErased(LedgerEvent):
    """Named personal fields of one subject are erased (UU 27/2022): their disclosures are deleted,
    the commitments stay, so every leaf and proof still verifies (docs/PERSONAL_DATA.md)."""

    STREAM = "any"
    LEGAL_BASIS = True
    DATA = {"event_ids": List(item=EVENT_ID, min_items=1, max_items=1000, required=False),
            "fields": List(item=Choice(list(ERASABLE)), min_items=1, max_items=20)}
