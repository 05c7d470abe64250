"""Events the ledger derives from a recorded one, in the same transaction: a paid training's cost
realised against its funding unit's budget, and that realisation annulled with the training."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Callable

from ledger import rules
from ledger.events import Annulled, TrainingBudgetRealised
from ledger.stream import Stream

# `batch` below holds the streams one request touched (writing's `_Batch`), so a derived event
# lands on the same unit object that later events of a batch see.


def realise_training_cost(batch: Any, data: dict[str, Any], meta: dict[str, Any],
                          clock: Callable[[], datetime]) -> None:
    """A training's cost is realised against its funding unit's budget in the same transaction."""
    unit = batch.unit(data["funding_unit"])
    year = data["end_date"].year
    b = unit.budget(year)
    rules.check_budget(year, data["cost"], b["allocated"], b["realised"], field="data.cost")
    unit.trigger_event(TrainingBudgetRealised, data={"year": year, "amount": data["cost"],
                                                     "training_event_id": meta["event_id"]},
                       meta={**meta, "event_id": str(uuid.uuid4()), "subject": data["funding_unit"],
                             "idempotency_key": None, "effective_date": None, "findings": [],
                             "derived_from": meta["event_id"],
                             "reason": f"Realisasi biaya pelatihan {meta['subject']}"},
                       timestamp=clock())


def annul_training_cost(batch: Any, agg: Stream, data: dict[str, Any], meta: dict[str, Any],
                        clock: Callable[[], datetime]) -> None:
    """Annulling a paid training also annuls the budget realisation it caused, atomically."""
    target = agg.fact(data["event_id"])
    if target is None or target["type"] != "TrainingCompleted" or not target["data"]["cost"]:
        return
    unit = batch.unit(target["data"]["funding_unit"])
    derived = next((f for f in unit.facts if f["type"] == "TrainingBudgetRealised"
                    and f["data"].get("training_event_id") == target["id"]), None)
    if derived is None or derived["id"] in unit.annulled_ids():
        return
    unit.trigger_event(Annulled, data={"event_id": derived["id"]},
                       meta={**meta, "event_id": str(uuid.uuid4()), "subject": unit.key,
                             "idempotency_key": None, "effective_date": None, "findings": [],
                             "derived_from": meta["event_id"]},
                       timestamp=clock())
    batch.put(unit)
