"""Reading the notification log: decoded events in chunks, and the facts of each stream.

Read models that show a stream's state fold the stream's facts with the ledger's own
aggregate code (`Stream.fold`, through the effects of `ledger.effects`), so corrections,
annulments and TMT order mean exactly what they mean in the ledger. The facts are kept in
a bounded cache filled from the log as it is read; a stream first met mid-log is loaded
once from the event store (snapshots make that cheap).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable

from ledger.reading import AGGREGATES, play
from ledger.stream import Stream, stream_id

FIX_TYPES = ("Corrected", "Annulled", "PersonalDataErased")  # about other events: no effect of their own


@dataclass(frozen=True, slots=True)
class Event:
    """One decoded notification with what every read model needs."""

    position: int
    event_id: str
    type: str
    kind: str  # the stream kind: employee, unit, internship, feedback
    subject: str
    stream_id: str
    version: int
    recorded_at: datetime  # UTC, naive
    data: dict[str, Any]
    meta: dict[str, Any]

    @property
    def effective_date(self) -> date | None:
        return self.meta.get("effective_date")

    def fact(self) -> dict[str, Any]:
        """The same compact fact `Stream.add_fact` keeps, plus its position."""
        return {"v": self.version, "id": self.event_id, "type": self.type,
                "at": self.recorded_at.replace(tzinfo=timezone.utc), "eff": self.effective_date,
                "data": self.data, "p": self.position}


def kind_of(stream: str, subject: str, declared: str) -> str:
    if declared != "any":
        return declared
    for kind in AGGREGATES:
        if str(stream_id(kind, subject)) == stream:
            return kind
    raise ValueError(f"stream {stream} of {subject} is no known stream kind")


def decode(ledger: Any, notes: Iterable[Any]) -> list[Event]:
    """Notifications to `Event`s, in log order."""
    out = []
    for n in notes:
        e = ledger.mapper.to_domain_event(n)
        cls = type(e)
        meta = e.meta
        sid = str(e.originator_id)
        at = e.timestamp.astimezone(timezone.utc).replace(tzinfo=None)
        out.append(Event(n.id, meta["event_id"], cls.__name__, kind_of(sid, meta["subject"], cls.STREAM),
                         meta["subject"], sid, e.originator_version, at, e.data, meta))
    return out


def recorded(recordings: Iterable[Any]) -> list[Event]:
    """`Event`s of a writer's own committed recordings (domain events and their positions), as `decode`
    makes them of the same notifications read back: the demo's read models skip reading its log."""
    out = []
    for r in recordings:
        e = r.domain_event
        cls, meta, sid = type(e), e.meta, str(e.originator_id)
        at = e.timestamp.astimezone(timezone.utc).replace(tzinfo=None)
        out.append(Event(r.notification.id, meta["event_id"], cls.__name__, kind_of(sid, meta["subject"], cls.STREAM),
                         meta["subject"], sid, e.originator_version, at, e.data, meta))
    return out


def read(ledger: Any, after: int, limit: int) -> list[Event]:
    """Up to `limit` events after position `after`; gaps are simply not there."""
    return decode(ledger, ledger.recorder.select_notifications(after + 1, limit))


class Facts:
    """Cache of each stream's facts (version order, with positions), bounded by the facts it holds.

    Bounded by facts, not streams: a worker's memory grows with the events it keeps (~1.7 KB each), and a
    bound of 20,000 streams let a follower of the 10 M growth ledger (8,000 streams of ~1,250 events) grow
    by 1.7 GB a million events. The least recently used streams go first, and only at `trim`, between
    chunks: a stream dropped while its chunk is applied would be read again from the ledger inside a read
    model's transaction (SQLite: under the write lock) and once more by each read model."""

    def __init__(self, ledger: Any, max_facts: int = 1_000_000) -> None:
        self.ledger, self.max_facts = ledger, max_facts
        self.streams: OrderedDict[str, tuple[str, str, list[dict[str, Any]]]] = OrderedDict()
        self.held = 0  # facts in `streams`

    def add(self, events: list[Event]) -> None:
        for e in events:
            entry = self.streams.get(e.stream_id)
            if entry is None:
                if e.version != 1:
                    continue  # loaded from the store when first needed
                entry = (e.kind, e.subject, [])
                self._put(e.stream_id, entry)
            facts = entry[2]
            if e.version == len(facts) + 1:
                facts.append(e.fact())
                self.held += 1

    def _put(self, sid: str, entry: tuple[str, str, list[dict[str, Any]]]) -> None:
        old = self.streams.get(sid)
        self.held += len(entry[2]) - (len(old[2]) if old is not None else 0)
        self.streams[sid] = entry
        self.streams.move_to_end(sid)

    def trim(self) -> None:
        """Drop the least recently used streams until the facts held are within the bound (or one stream)."""
        while self.held > self.max_facts and len(self.streams) > 1:
            self.held -= len(self.streams.popitem(last=False)[1][2])

    def facts(self, sid: str, kind: str, subject: str, version: int) -> list[dict[str, Any]]:
        """The stream's first `version` facts."""
        return self.at_least(sid, kind, subject, version)[:version]

    def at_least(self, sid: str, kind: str, subject: str, version: int) -> list[dict[str, Any]]:
        """The stream's facts, at least `version` of them (no copy: do not mutate)."""
        entry = self.streams.get(sid)
        if entry is None or len(entry[2]) < version:
            entry = (kind, subject, self._load(sid, kind))
            self._put(sid, entry)
        else:
            self.streams.move_to_end(sid)
        return entry[2]

    def _load(self, sid: str, kind: str) -> list[dict[str, Any]]:
        agg = self.ledger.repository.get(uuid.UUID(sid), projector_func=play)  # the ledger's own fold
        rows = self.ledger.recorder.query("SELECT version, position FROM jejak_leaves WHERE stream_id = ?", (sid,))
        where = dict(rows)
        return [{**f, "p": where.get(f["v"])} for f in agg.facts]

    def stream(self, sid: str, kind: str, subject: str, version: int) -> Stream:
        """An aggregate of the stream's first `version` facts, to fold as the ledger does."""
        return AGGREGATES[kind].reading(subject, self.facts(sid, kind, subject, version))


@dataclass
class Touched:
    """A stream touched by a chunk: its last version in the chunk and the aggregate to fold."""

    kind: str
    subject: str
    stream_id: str
    version: int
    stream: Stream
    _effective: list[dict[str, Any]] | None = None
    _state: dict[str, Any] | None = None
    _folded: bool = False

    @property
    def facts(self) -> list[dict[str, Any]]:
        return self.stream.facts  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any] | None:
        """The folded state (computed once per chunk, shared by every read model: do not mutate)."""
        if not self._folded:
            facts = self.effective()
            self._state = self.stream.fold(facts) if facts and facts[0]["v"] == 1 else None
            self._folded = True
        return self._state

    def effective(self) -> list[dict[str, Any]]:
        if self._effective is None:
            self._effective = self.stream.effective()
        return self._effective

    @property
    def last_position(self) -> int | None:
        return self.facts[-1].get("p") if self.facts else None


class Chunk:
    """The events a projection applies in one transaction."""

    def __init__(self, events: list[Event], facts: Facts, steps: dict[int, Any] | None = None) -> None:
        self.events, self._facts = events, facts
        self._touched: dict[str, Touched] | None = None
        # (before, after) audited values per position, shared by the read models that step them (`values.Memo`)
        self.steps: dict[int, Any] = {} if steps is None else steps

    def touched(self, kind: str | None = None) -> list[Touched]:
        if self._touched is None:
            last: dict[str, Event] = {}
            for e in self.events:
                last[e.stream_id] = e
            self._touched = {sid: Touched(e.kind, e.subject, sid, e.version,
                                          self._facts.stream(sid, e.kind, e.subject, e.version))
                             for sid, e in last.items()}
        return [t for t in self._touched.values() if kind is None or t.kind == kind]

    def facts_of(self, e: Event) -> list[dict[str, Any]]:
        """The stream's facts up to and including `e`."""
        return self._facts.facts(e.stream_id, e.kind, e.subject, e.version)

    def facts_from(self, e: Event) -> list[dict[str, Any]]:
        """The stream's facts including `e` and perhaps later ones (no copy): `e` is at index version - 1."""
        return self._facts.at_least(e.stream_id, e.kind, e.subject, e.version)

