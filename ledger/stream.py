"""The common shape of every aggregate: a compact list of facts, folded on demand.

An aggregate keeps one small fact per event (id, type, version, recording time,
declared TMT, data). Current state, `as_of` (what the ledger knew at a moment)
and `valid_at` (what was in effect on a date) are the same fold over a
different selection of facts, so the three reads can never disagree. The fold
plays each fact's effect from the one table of them (`ledger.effects`). Snapshots
store the facts, so a long stream reads from one snapshot plus a short tail.

The current state (and `state_if`) is kept played, before `complete`, with the facts it
stands for in TMT order: facts appended since then that land last are played onto it, ones
that land earlier are put in their place and the order played again without a sort, and a
correction, annulment or erasure refolds in full. Every reader gets its own copy, so it
equals the full fold (issue 21).
"""

from __future__ import annotations

import bisect
import functools
import threading
import uuid
import weakref
from collections.abc import MutableMapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, ClassVar, Self, TypeVar

from eventsourcing.domain import Aggregate

from ledger.effects import EFFECTS
from ledger.thawing import thaw

NAMESPACE = uuid.UUID("5d0c3e0e-4a6b-4f0a-9f43-6a656a616b21")  # "jejak!" in the tail
WIB = timezone(timedelta(hours=7))
S = TypeVar("S", bound=MutableMapping[str, Any])
RESHAPING = frozenset({"Annulled", "Corrected", "PersonalDataErased"})  # facts that change which others count
# Played states are advanced in place: one lock, so two threads reading one cached stream never play a fact twice.
PLAYING = threading.Lock()


def stream_id(kind: str, key: str) -> uuid.UUID:
    """Stream ids derive from natural keys, so every system finds the same stream."""
    return _stream_id(f"{kind}:{key}")  # uuid5 hashes each time; a bulk asks for one stream many times


def wib_date(moment: datetime) -> date:
    """The calendar date in Binjai (WIB, UTC+7) of a recording moment."""
    return moment.astimezone(WIB).date()


@functools.lru_cache(maxsize=1 << 17)
def _stream_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


class Played:
    """The played state of a stream's first `n` facts (the last is `last`), with the facts that count in TMT
    order (`ordered`) and the sort key, (valid date, version), of each after the first (`keys`)."""

    __slots__ = ("owner", "n", "first", "last", "state", "ordered", "keys", "referenced")

    def __init__(self, owner: Stream, facts: list[dict[str, Any]], state: dict[str, Any],
                 ordered: list[dict[str, Any]], keys: list[tuple[date, int]], referenced: set[str]) -> None:
        # A weak reference: no cycle keeps an evicted stream alive, and a copy of the record is not its copy's own.
        self.owner, self.n, self.first, self.last = weakref.ref(owner), len(facts), facts[0], facts[-1]
        self.state, self.ordered, self.keys, self.referenced = state, ordered, keys, referenced

    def holds(self, owner: Stream, facts: list[dict[str, Any]]) -> bool:
        """Whether `facts` are the facts played here plus appended ones, and this record is `owner`'s own."""
        n = self.n
        return self.owner() is owner and len(facts) >= n and facts[0] is self.first and facts[n - 1] is self.last

    def lands_last(self, keys: list[tuple[date, int]]) -> bool:
        """Whether facts of these sort keys, in this order, would each be played last."""
        before = self.keys[-1] if self.keys else None
        for key in keys:
            if before is not None and key < before:
                return False
            before = key
        return True


class Stream(Aggregate):
    """Base aggregate: facts in recording order and the fold that reads them."""

    # Out of `__dict__`: snapshots, equality and `cache.clone` never see the played state.
    __slots__ = ("_played",)

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
        state: dict[str, Any] | None = None
        ordered: list[dict[str, Any]] | None = None
        with PLAYING:
            played = self.played()
            keys = None if played is None else self.placed(played, [fact])
            if played is not None and keys is not None:
                if played.lands_last(keys):
                    state = thaw(played.state)
                else:
                    place = bisect.bisect_right(played.keys, keys[0]) + 1
                    ordered = [*played.ordered[:place], fact, *played.ordered[place:]]
        if state is not None:
            return self.complete(self.play(state, [fact]))
        if ordered is not None:  # folded from the stream's own facts: a copy, so no caller can change them
            return thaw(self.fold(ordered))
        facts = self.effective(facts=self.facts + [fact])
        return thaw(self.fold(facts)) if facts and facts[0]["v"] == 1 else None

    def version_at(self, as_of: datetime | None) -> int:
        return len(self.known(as_of))

    def state(self, as_of: datetime | None = None, valid_at: date | None = None) -> dict[str, Any] | None:
        """The folded state, or None when nothing was in effect (e.g. before appointment)."""
        if as_of is None and valid_at is None:
            with PLAYING:
                played = self.played()
                state = None if played is None else thaw(played.state)
            return None if state is None else self.complete(state)
        facts = self.effective(as_of, valid_at)
        if not facts or facts[0]["v"] != 1:
            return None
        return self.fold(facts)

    # --- the played current state ----------------------------------------------------

    def played(self) -> Played | None:
        """The played state of every fact (None when nothing is in effect), the kept one brought up to date:
        appended facts that land last are played onto it; appended facts that land earlier are put in their
        place in the kept order and the order is played again (no sort); a fix or an erasure refolds in full.
        Called under `PLAYING`; the result is the kept record itself, not a copy."""
        facts = self.facts
        kept = getattr(self, "_played", None)
        if kept is not None and kept.holds(self, facts):
            new = facts[kept.n:]
            keys = self.placed(kept, new)
            if keys is not None:
                if kept.lands_last(keys):
                    self.play(kept.state, new)
                    kept.ordered.extend(new)
                    kept.keys.extend(keys)
                else:
                    for key, f in zip(keys, new):
                        at = bisect.bisect_right(kept.keys, key)
                        kept.keys.insert(at, key)
                        kept.ordered.insert(at + 1, f)
                    kept.state = self.play(self.start(), kept.ordered)
                kept.n, kept.last = len(facts), facts[-1]
                return kept
        ordered = self.effective()
        if not ordered or ordered[0]["v"] != 1:
            self._played = None
            return None
        referenced = {f["data"]["event_id"] for f in facts if f["type"] in ("Annulled", "Corrected")}
        keys = [(self.valid_date(f), f["v"]) for f in ordered[1:]]
        self._played = Played(self, facts, self.play(self.start(), ordered), ordered, keys, referenced)
        return self._played

    def placed(self, kept: Played, new: list[dict[str, Any]]) -> list[tuple[date, int]] | None:
        """Each new fact's sort key, or None when one of them changes which facts count or how (a fix, an
        erasure, or a fact an earlier fix names)."""
        keys = []
        for f in new:
            if f["type"] in RESHAPING or f["v"] == 1 or f["id"] in kept.referenced:
                return None
            keys.append((self.valid_date(f), f["v"]))
        return keys

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
