"""The generated history before it is recorded: events with their recording day, actor and order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Recording order within a day: registrations, SKs and internships (one BKPSDM run), budgets, SKP,
# training, feedback; each actor's events of a day form one batch.
RANK = {"unit": 0, "sk": 1, "intern": 2, "budget": 3, "skp": 4, "training": 5, "feedback": 6, "burst": 9}
ACTOR = {"unit": "bkpsdm-simpeg", "budget": "bpkpad-sipd", "sk": "bkpsdm-simpeg", "skp": "ekinerja-sync",
         "training": "siasn-diklat", "intern": "bkpsdm-simpeg", "feedback": "lapor-sp4n"}


@dataclass(frozen=True)
class Ref:
    """An event id not known when planning: the id the ledger gives the planned event `label` (an appeal
    names its penalty, a close its examination); the recording fills it in once that event is committed."""

    label: str


@dataclass(order=True)
class Planned:
    day: date
    rank: int
    seq: int
    actor: str = field(compare=False)
    body: dict[str, Any] = field(compare=False)
    at: datetime | None = field(compare=False, default=None)
    label: str | None = field(compare=False, default=None)  # named by a later event's Ref

    def refers(self) -> bool:
        return any(isinstance(v, Ref) for v in self.body.get("data", {}).values())


class Plan:
    """Collects events; drops those on or after `until` (history never reaches the future)."""

    def __init__(self, until: date) -> None:
        self.until = until
        self.events: list[Planned] = []
        self.dropped = 0

    def add(self, day: date, channel: str, body: dict[str, Any], *, stop: date | None = None,
            actor: str | None = None, at: datetime | None = None, label: str | None = None) -> bool:
        """Plan one event; False when it falls after `stop` (the subject's separation) or today."""
        if day >= self.until or (stop is not None and day >= stop):
            self.dropped += 1
            return False
        body = {k: v for k, v in body.items() if v is not None}
        self.events.append(Planned(day, RANK[channel], len(self.events), actor or ACTOR[channel], body, at, label))
        return True

    def of(self, nip: str) -> list[Planned]:
        return [e for e in self.events if e.body.get("subject") == nip]

    def ordered(self) -> list[Planned]:
        return sorted(self.events)

    def counts(self) -> Counter[str]:
        return Counter(e.body["type"] for e in self.events)
