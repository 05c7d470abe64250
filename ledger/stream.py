"""The common shape of every aggregate: a compact list of facts, folded on demand.

An aggregate keeps one small fact per event (id, type, version, recording time,
declared TMT, data). Current state, `as_of` (what the ledger knew at a moment)
and `valid_at` (what was in effect on a date) are the same fold over a
different selection of facts, so the three reads can never disagree. The fold
plays each fact's effect from the one table of them (`ledger.effects`). Snapshots
store the facts, so a long stream reads from one snapshot plus a short tail.
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, ClassVar, Self, TypeVar

from eventsourcing.domain import Aggregate

from ledger.effects import EFFECTS

NAMESPACE = uuid.UUID("5d0c3e0e-4a6b-4f0a-9f43-6a656a616b21")  # "jejak!" in the tail
WIB = timezone(timedelta(hours=7))
S = TypeVar("S", bound=MutableMapping[str, Any])


def stream_id(kind: str, key: str) -> uuid.UUID:
    """Stream ids derive from natural keys, so every system finds the same stream."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


def wib_date(moment: datetime) -> date:
    """The calendar date in Binjai (WIB, UTC+7) of a recording moment."""
    return moment.astimezone(WIB).date()


class Stream(Aggregate):
    """Base aggregate: facts in recording order and the fold that reads them."""

    KIND: ClassVar[str] = ""
    # Per event type: the date a fact takes effect when no TMT is declared.
    NATURAL_DATES: ClassVar[dict[str, Callable[[dict[str, Any]], date | None]]] = {}

    @classmethod
    def reading(cls, key: str, facts: list[dict[str, Any]] | None = None) -> Self:
        """A stream to fold `facts` with, as the ledger does, built without replaying events."""
        agg = object.__new__(cls)
        agg.__dict__.update(facts=[] if facts is None else facts, key=key)
        return agg

    def add_fact(self, event: Any) -> None:
        meta = event.meta
        if "facts" not in self.__dict__:  # the stream's first event
            self.facts, self.key = [], meta["subject"]
        self.facts.append({
            "v": event.originator_version,
            "id": meta["event_id"],
            "type": type(event).__name__,
            "at": event.timestamp,
            "eff": meta.get("effective_date"),
            "data": event.data,
        })

    # --- reading -------------------------------------------------------------

    def fact(self, event_id: str) -> dict[str, Any] | None:
        for f in self.facts:
            if f["id"] == event_id:
                return f
        return None

    def annulled_ids(self) -> set[str]:
        return {f["data"]["event_id"] for f in self.facts if f["type"] == "Annulled"}

    def effective_fact(self, event_id: str) -> dict[str, Any]:
        """One original fact with the corrections recorded so far applied (annulled or not)."""
        f = self.fact(event_id)
        assert f is not None and f["type"] not in ("Corrected", "Annulled")
        for c in self.facts:
            if c["type"] == "Corrected" and c["data"]["event_id"] == event_id:
                fix = c["data"]["fields"]
                f = {**f, "data": {**f["data"], **{k: v for k, v in fix.items() if k != "effective_date"}},
                     "eff": fix.get("effective_date", f["eff"])}
        return f

    def known(self, as_of: datetime | None) -> list[dict[str, Any]]:
        if as_of is None:
            return self.facts
        return [f for f in self.facts if f["at"] <= as_of]

    def valid_date(self, f: dict[str, Any]) -> date:
        if f["eff"] is not None:
            return f["eff"]
        natural = self.NATURAL_DATES.get(f["type"])
        found = natural(f["data"]) if natural else None
        return found if found is not None else wib_date(f["at"])

    def effective(self, as_of: datetime | None = None, valid_at: date | None = None,
                  facts: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Facts that count: corrections applied, annulled ones dropped, in TMT order."""
        known = self.known(as_of) if facts is None else facts
        annulled: set[str] = set()
        corrections: dict[str, dict[str, Any]] = {}
        for f in known:
            if f["type"] == "Annulled":
                annulled.add(f["data"]["event_id"])
            elif f["type"] == "Corrected":
                corrections.setdefault(f["data"]["event_id"], {}).update(f["data"]["fields"])
        out = []
        for f in known:
            if f["type"] in ("Annulled", "Corrected", "PersonalDataErased") or f["id"] in annulled:
                continue
            fix = corrections.get(f["id"])
            if fix:
                data = {**f["data"], **{k: v for k, v in fix.items() if k != "effective_date"}}
                f = {**f, "data": data, "eff": fix.get("effective_date", f["eff"])}
            out.append(f)
        first = [f for f in out if f["v"] == 1]
        rest = sorted((f for f in out if f["v"] != 1), key=lambda f: (self.valid_date(f), f["v"]))
        ordered = first + rest
        if valid_at is not None:
            ordered = [f for f in ordered if self.valid_date(f) <= valid_at]
        return ordered

    def state_if(self, type_: str, data: dict[str, Any], at: datetime) -> dict[str, Any] | None:
        """The current state as it would be with one more event: for rules that judge a result."""
        fact = {"v": self.version + 1, "id": "", "type": type_, "at": at, "eff": None, "data": data}
        facts = self.effective(facts=self.facts + [fact])
        return self.fold(facts) if facts and facts[0]["v"] == 1 else None

    def version_at(self, as_of: datetime | None) -> int:
        return len(self.known(as_of))

    def state(self, as_of: datetime | None = None, valid_at: date | None = None) -> dict[str, Any] | None:
        """The folded state, or None when nothing was in effect (e.g. before appointment)."""
        facts = self.effective(as_of, valid_at)
        if not facts or facts[0]["v"] != 1:
            return None
        return self.fold(facts)

    # --- folding: start, each fact's effect, complete ---------------------------

    def start(self) -> dict[str, Any]:
        """The state before the stream's first event."""
        raise NotImplementedError

    def play(self, state: S, facts: list[dict[str, Any]]) -> S:
        """`state` changed by each fact's effect (`ledger.effects`), in the order given."""
        on = self.valid_date
        for f in facts:
            EFFECTS[f["type"]](state, f["data"], f, on)
        return state

    def complete(self, state: dict[str, Any]) -> dict[str, Any]:
        """`state` with what its readers derive from what the events said (nothing, unless a kind says)."""
        return state

    def fold(self, facts: list[dict[str, Any]]) -> dict[str, Any]:
        """The state `facts` make, played in the order given (`effective()` orders them)."""
        return self.complete(self.play(self.start(), facts))
