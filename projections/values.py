"""What each event changed: a stream's audited values before and after it, as recorded.

The audit view reads changes in recording order ("what did this action change"), so the
values here are folded in recording order, with annulled events dropped and corrections
applied; personal fields (NIK, birth date, address, contact, messages) never appear.
"""

from __future__ import annotations

from typing import Any

from ledger.requests import jsonable
from projections.source import FIX_TYPES

PLAIN = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    """A JSON value (dates as ISO text); most values already are, so they pass untouched."""
    return value if isinstance(value, PLAIN) else jsonable(value)

PERSONAL = {"nik", "birth_date", "address", "contact", "contact_encrypted", "message"}


def _add(values: dict[str, Any], key: str, amount: int) -> None:
    values[key] = values.get(key, 0) + amount


def apply(values: dict[str, Any], t: str, d: dict[str, Any], event_id: str) -> None:
    """Fold one (non-fix) fact into the audited values."""
    if t == "EmployeeAppointed":
        values.update({k: d.get(k) for k in ("name", "employment_type", "grade", "position", "unit")})
        values["status"] = "active"
    elif t == "PromotionGranted":
        values["grade"] = d["to_grade"]
    elif t == "PositionAssigned":
        values.update(position=d["position"], unit=d["unit"])
    elif t == "Transferred":
        values["unit"] = d["to_unit"]
        if d.get("position"):
            values["position"] = d["position"]
    elif t == "PerformancePlanned":
        values[f"skp_plan.{d['year']}.evaluator"] = d["evaluator"]
    elif t == "PerformanceEvaluated":
        p = d["period"]
        values[f"predikat.{p['year']}.{p['kind']}" + (f".{p['number']}" if p.get("number") else "")] = d["predikat"]
    elif t == "ObjectionFiled":
        values[f"objection.{event_id}"] = "filed"
    elif t == "ObjectionDecided":
        values[f"objection.{d['objection_event_id']}"] = d["outcome"]
    elif t == "DisciplinaryPenaltyImposed":
        values[f"penalty.{event_id}"] = f"{d['level']}:{d['kind']}"
    elif t == "DisciplinaryPenaltyAnnulled":
        values.pop(f"penalty.{d['penalty_event_id']}", None)
    elif t == "LeaveGranted":
        _add(values, f"leave_days.{d['start_date'].year}.{d['kind']}", d["days"])
    elif t == "TrainingCompleted":
        _add(values, f"training_jp.{d['end_date'].year}", d["jp"])
    elif t == "Separated":
        values.update(status="separated", separation=d["kind"])
    elif t == "UnitRegistered":
        values.update({k: d.get(k) for k in ("name", "kind", "parent")})
    elif t == "TrainingBudgetAllocated":
        _add(values, f"budget.{d['year']}.allocated", d["amount"])
    elif t == "TrainingBudgetRealised":
        _add(values, f"budget.{d['year']}.realised", d["amount"])
    elif t == "UnitAchievementAssessed":
        values[f"achievement.{d['year']}"] = d["achievement"]
    elif t == "InternshipStarted":
        values.update({k: d.get(k) for k in ("intern_name", "institution", "scheme", "host_unit", "supervisor")})
        values.update(unit=d["host_unit"], status="active")
    elif t == "InternshipCompleted":
        values.update(status="completed", outcome=d["outcome"])
    elif t == "InternshipCancelled":
        values["status"] = "cancelled"
    elif t.startswith("Feedback"):
        values["status"] = t[len("Feedback"):].lower()
        if t == "FeedbackReceived":
            values.update(classification=d["classification"], unit=d["unit"])
        elif t == "FeedbackDispositioned":
            values["unit"] = d["to_unit"]
        elif t == "FeedbackResponded":
            values["response"] = d["response"]


def effective_in_recording_order(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    annulled = {f["data"]["event_id"] for f in facts if f["type"] == "Annulled"}
    fixes: dict[str, dict[str, Any]] = {}
    for f in facts:
        if f["type"] == "Corrected":
            fixes.setdefault(f["data"]["event_id"], {}).update(f["data"]["fields"])
    out = []
    for f in facts:
        if f["type"] in FIX_TYPES or f["id"] in annulled:
            continue
        if f["id"] in fixes:
            f = {**f, "data": {**f["data"], **{k: v for k, v in fixes[f["id"]].items() if k != "effective_date"}}}
        out.append(f)
    return out


def values_of(facts: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in effective_in_recording_order(facts):
        apply(values, f["type"], f["data"], f["id"])
    return values


class Memo:
    """Per stream, the audited values at one version, so each event costs one step, not a refold."""

    def __init__(self, max_streams: int = 20000) -> None:
        self.max_streams = max_streams
        self.at: dict[str, tuple[int, dict[str, Any]]] = {}

    def step_event(self, chunk: Any, e: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """`step` for an event of a chunk: another read model's step of the same position is reused."""
        hit = chunk.steps.get(e.position)
        if hit is None:
            hit = chunk.steps[e.position] = self.step(e.stream_id, chunk.facts_from(e), e.version)
        else:
            self._keep(e.stream_id, e.version, hit[1])
        return hit  # type: ignore[no-any-return]

    def _keep(self, sid: str, v: int, after: dict[str, Any]) -> None:
        if len(self.at) >= self.max_streams:
            self.at.clear()
        self.at[sid] = (v, after)

    def step(self, sid: str, facts: list[dict[str, Any]], v: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """(before, after) the fact of version `v` (`facts` holds at least `v` facts)."""
        known = self.at.get(sid)
        before = known[1] if known and known[0] == v - 1 else values_of(facts[:v - 1])
        last = facts[v - 1]
        if last["type"] in FIX_TYPES:
            after = values_of(facts[:v])
        else:
            after = dict(before)
            apply(after, last["type"], last["data"], last["id"])
        self._keep(sid, v, after)
        return before, after


def changes(before: dict[str, Any], after: dict[str, Any], fact: dict[str, Any],
            facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field-level changes of one event: the fixed fields of a correction, then every audited value."""
    out = []
    if fact["type"] in FIX_TYPES:
        target_id = fact["data"]["event_id"]
        target = next((f for f in facts if f["id"] == target_id), None)
        if fact["type"] == "Annulled":
            out.append({"field": "annulled", "before": None,
                        "after": f"{target['type'] if target else 'event'} {target_id}"})
        elif target is not None:
            current = dict(target["data"], effective_date=target["eff"])
            for f in facts[:-1]:
                if f["type"] == "Corrected" and f["data"]["event_id"] == target_id:
                    current.update(f["data"]["fields"])
            for name, value in sorted(fact["data"]["fields"].items()):
                if name in PERSONAL:
                    continue
                field = name if name == "effective_date" else f"data.{name}"
                out.append({"field": field, "before": plain(current.get(name)), "after": plain(value)})
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key) and key not in PERSONAL:
            out.append({"field": key, "before": plain(before.get(key)), "after": plain(after.get(key))})
    return out
