"""Unit (OPD) aggregate: registration, yearly training budget and unit achievement."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger import rules, unit_names
from ledger.errors import NotFound, RuleViolated
from ledger.rules import spread
from ledger.stream import Stream


class Unit(Stream):
    """An OPD of the city, keyed by its code (e.g. DINKES)."""

    KIND = "unit"
    NATURAL_DATES = {
        "TrainingBudgetAllocated": lambda d: date(d["year"], 1, 1),
        "UnitAchievementAssessed": lambda d: date(d["year"], 12, 31),
    }

    def start(self) -> dict[str, Any]:
        return {"code": self.key, "budgets": {}, "achievements": {}}

    def complete(self, state: dict[str, Any]) -> dict[str, Any]:
        """Each year's budget in full: allocated and realised (0 when nothing was), and what remains."""
        budgets = state["budgets"]
        for year, b in budgets.items():
            allocated, realised = b.get("allocated", 0), b.get("realised", 0)
            budgets[year] = {"allocated": allocated, "realised": realised, "remaining": allocated - realised}
        return state

    def budget(self, year: int) -> dict[str, int]:
        state = self.state() or {"budgets": {}}
        return state["budgets"].get(year, {"allocated": 0, "realised": 0, "remaining": 0})


def decide(unit: Unit | None, type_: str, data: dict[str, Any], meta: dict[str, Any],
           batch: Any) -> list[rules.Finding]:
    """Check a unit event against the rules; `batch` (writing's `_Batch`) knows the names units hold."""
    code = meta["subject"]
    if type_ == "UnitRegistered":
        if unit is not None:
            raise RuleViolated("unit_registered_once", f"unit {code} is already registered",
                               f"unit {code} sudah terdaftar", field="subject")
        claim_name(batch, data["name"], code, "data.name")
        if data.get("parent") is not None and not batch.has("unit", data["parent"]):
            raise NotFound(f"data.parent: unit {data['parent']} is not registered (a sub-unit sits under its OPD)",
                           field="data.parent")
        return []
    if unit is None:
        raise NotFound(f"subject: unit {code} is not registered", field="subject")
    if type_ == "TrainingBudgetRealised":
        b = unit.budget(data["year"])
        rules.check_budget(data["year"], data["amount"], b["allocated"], b["realised"])
    if type_ == "UnitAchievementAssessed":
        found = spread.spread_finding(data["achievement"], data.get("predikat_distribution"))
        return [found] if found else []
    return []


def claim_name(batch: Any, name: str, code: str, field: str) -> None:
    """A name that reads like no other unit's, held for `code` from this request on."""
    batch.claim_unit_name(unit_names.check_name(name, code, batch.unit_name_holder, field), code)


def check_fix_keeps_budgets(unit: Unit, type_: str, data: dict[str, Any], meta: dict[str, Any],
                            at: datetime) -> None:
    """A correction or annulment may not leave a year's training money realised beyond its allocation."""
    after = unit.state_if(type_, data, at) or {"budgets": {}}
    for year, b in sorted(after["budgets"].items()):
        if b["remaining"] < 0:
            rules.check_budget(year, b["realised"], b["allocated"], 0, field="data.event_id")
