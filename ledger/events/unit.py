"""Unit (OPD) events: registration, yearly training budget and unit achievement."""

from __future__ import annotations

from ledger.events.base import EVENT_ID, LedgerCreated, LedgerEvent, UNIT_CODE, catalogued
from ledger import rules
from ledger.fields import Choice, Int, Money, Obj, Str, Year


@catalogued
class UnitRegistered(LedgerCreated):
    """An OPD (dinas, badan, kantor, kecamatan, RSUD) is registered with its code."""

    STREAM = "unit"
    DATA = {"name": Str(max_length=200), "kind": Str(max_length=40, required=False),
            "parent": UNIT_CODE.__class__(max_length=40, pattern=UNIT_CODE.pattern, required=False)}


@catalogued
class TrainingBudgetAllocated(LedgerEvent):
    """Money allocated for a year's competency development (UU 5/2014 art. 70(4))."""

    STREAM = "unit"
    DATA = {"year": Year(), "amount": Money()}


@catalogued
class TrainingBudgetRealised(LedgerEvent):
    """Money spent from the year's training budget; never beyond the allocation."""

    STREAM = "unit"
    DATA = {"year": Year(), "amount": Money(), "training_event_id": EVENT_ID.__class__(
        pattern=EVENT_ID.pattern, max_length=36, required=False)}


@catalogued
class UnitAchievementAssessed(LedgerEvent):
    """Capaian kinerja organisasi of a unit for a year (PermenPANRB 6/2022), with the spread of its
    employees' annual predikat when e-Kinerja sends it."""

    STREAM = "unit"
    DATA = {"year": Year(), "achievement": Choice(["istimewa", "baik", "butuh_perbaikan", "kurang",
                                                   "sangat_kurang"]),
            "predikat_distribution": Obj({p: Int(minimum=0, maximum=1_000_000, required=False)
                                          for p in rules.PREDIKAT}, required=False)}
