"""Unit (OPD) aggregate: registration, yearly training budget and unit achievement."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger import rules
from ledger.errors import NotFound, RuleViolated
from ledger.stream import Stream


class Unit(Stream):
    """An OPD of the city, keyed by its code (e.g. DINKES)."""

    KIND = "unit"
    NATURAL_DATES = {
        "TrainingBudgetAllocated": lambda d: date(d["year"], 1, 1),
        "UnitAchievementAssessed": lambda d: date(d["year"], 12, 31),
    }

    def fold(self, facts: list[dict[str, Any]]) -> dict[str, Any]:
        s: dict[str, Any] = {"code": self.key, "budgets": {}, "achievements": {}}
        for f in facts:
            t, d = f["type"], f["data"]
            if t == "UnitRegistered":
                s.update(name=d["name"], kind=d.get("kind"), parent=d.get("parent"))
            elif t == "TrainingBudgetAllocated":
                b = s["budgets"].setdefault(d["year"], {"allocated": 0, "realised": 0})
                b["allocated"] += d["amount"]
            elif t == "TrainingBudgetRealised":
                b = s["budgets"].setdefault(d["year"], {"allocated": 0, "realised": 0})
                b["realised"] += d["amount"]
            elif t == "UnitAchievementAssessed":
                s["achievements"][d["year"]] = d["achievement"]
        for b in s["budgets"].values():
            b["remaining"] = b["allocated"] - b["realised"]
        return s

    def budget(self, year: int) -> dict[str, int]:
        state = self.state() or {"budgets": {}}
        return state["budgets"].get(year, {"allocated": 0, "realised": 0, "remaining": 0})


def decide(unit: Unit | None, type_: str, data: dict[str, Any], meta: dict[str, Any]) -> list[rules.Warning]:
    """Check a unit event against the rules."""
    code = meta["subject"]
    if type_ == "UnitRegistered":
        if unit is not None:
            raise RuleViolated("unit_registered_once", f"unit {code} is already registered",
                               f"unit {code} sudah terdaftar", field="subject")
        return []
    if unit is None:
        raise NotFound(f"subject: unit {code} is not registered", field="subject")
    if type_ == "TrainingBudgetRealised":
        b = unit.budget(data["year"])
        rules.check_budget(data["year"], data["amount"], b["allocated"], b["realised"])
    return []


def check_fix_keeps_budgets(unit: Unit, type_: str, data: dict[str, Any], meta: dict[str, Any],
                            at: datetime) -> None:
    """A correction or annulment may not leave a year's training money realised beyond its allocation."""
    after = unit.state_if(type_, data, at) or {"budgets": {}}
    for year, b in sorted(after["budgets"].items()):
        if b["remaining"] < 0:
            rules.check_budget(year, b["realised"], b["allocated"], 0, field="data.event_id")
