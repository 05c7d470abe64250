"""Corrections and annulments: the stream a fix belongs to, and the rules every fix keeps."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from ledger import employee as employee_rules
from ledger import unit as unit_rules
from ledger.employee import Employee
from ledger.errors import NotFound, RuleViolated, ValidationFailed, VersionConflict
from ledger.events import CATALOGUE
from ledger.fields import load_date
from ledger.reading import AGGREGATES
from ledger.requests import Request
from ledger.stream import Stream, stream_id
from ledger.unit import Unit


def kind_of_original(req: Request, locate: Callable[[str], dict[str, Any] | None]) -> str:
    """A fix goes to the stream of the event it names, which must be its own subject's."""
    original = locate(req.data["event_id"])
    if original is None:
        raise NotFound(f"data.event_id: no event {req.data['event_id']}", field="data.event_id")
    for kind in AGGREGATES:
        if str(stream_id(kind, req.subject)) == original["stream_id"]:
            return kind
    raise RuleViolated("fix_same_subject", f"event {req.data['event_id']} belongs to another subject",
                       f"peristiwa {req.data['event_id']} milik subjek lain", field="data.event_id")


def decide(agg: Stream, type_: str, data: dict[str, Any], meta: dict[str, Any], batch: Any,
           clock: Callable[[], datetime]) -> list[Any]:
    """Corrections name fields of the original's type and keep its rules; neither fix may
    target a fix or a voided event, nor leave a budget realised beyond its allocation.
    `batch` holds the streams this request touched (writing's `_Batch`)."""
    target = agg.fact(data["event_id"])
    if target is None:  # located in storage but not in this stream's facts: a stale read
        raise VersionConflict("data.event_id: the stream changed meanwhile; retry", field="data.event_id")
    if target["type"] in ("Corrected", "Annulled", "PersonalDataErased"):
        raise RuleViolated("fix_targets_original", "corrections and annulments target an original event",
                           "koreksi dan pembatalan hanya untuk peristiwa asli", field="data.event_id")
    if target["type"] == "TrainingBudgetRealised" and target["data"].get("training_event_id"):
        raise RuleViolated("fix_derived_through_cause",
                           "this realisation was caused by a training; annul or correct the training instead",
                           "realisasi ini berasal dari pelatihan; batalkan atau koreksi pelatihannya",
                           field="data.event_id")
    if target["id"] in agg.annulled_ids():
        raise RuleViolated("already_annulled", "that event is already annulled",
                           "peristiwa itu sudah dibatalkan", field="data.event_id")
    if type_ == "Corrected":
        data["fields"] = load_correction(target, data["fields"])
        fixed = agg.effective_fact(target["id"])
        corrected = {**fixed["data"], **{k: v for k, v in data["fields"].items() if k != "effective_date"}}
        eff = data["fields"].get("effective_date", fixed["eff"])
        if isinstance(agg, Employee):
            employee_rules.check_corrected(agg, target["type"], corrected, eff, data["fields"])
        for name in ("unit", "to_unit", "host_unit"):
            if name in data["fields"] and not batch.has("unit", data["fields"][name]):
                raise NotFound(f"data.fields.{name}: unit {data['fields'][name]} is not registered",
                               field=f"data.fields.{name}")
    if isinstance(agg, Unit) and type_ == "Corrected" and "name" in data["fields"]:
        unit_rules.claim_name(batch, data["fields"]["name"], agg.key, "data.fields.name")
    if isinstance(agg, Unit):
        unit_rules.check_fix_keeps_budgets(agg, type_, data, meta, clock())
    return []


def load_correction(target: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Corrected values are typed by the original event's own field declarations."""
    fields = CATALOGUE[target["type"]].DATA
    if not given:
        raise ValidationFailed("data.fields: name at least one field to correct", field="data.fields")
    loaded: dict[str, Any] = {}
    for name, value in given.items():
        path = f"data.fields.{name}"
        if name == "effective_date":
            loaded[name] = load_date(value, path)
        elif name in fields:
            loaded[name] = fields[name].load(value, path)
        else:
            raise ValidationFailed(f"{path}: {target['type']} has no field {name}", field=path)
    return loaded
