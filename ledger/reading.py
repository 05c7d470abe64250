"""The ledger's reads: a stream's aggregate and its bitemporal state, its history, the feed,
and each event as the API shows it, with its position and leaf hash."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any, Iterable

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import Notification

from ledger import provenance
from ledger.employee import Employee
from ledger.errors import NotFound
from ledger.feedback import FeedbackCase
from ledger.integrity import type_name, utc_text
from ledger.internship import Internship
from ledger.release import PublicRelease
from ledger.requests import jsonable
from ledger.review import FindingReview
from ledger.rules import book
from ledger.storage import AggregateCache, clone
from ledger.stream import Stream, stream_id
from ledger.unit import Unit

AGGREGATES: dict[str, type[Stream]] = {
    "employee": Employee, "unit": Unit, "internship": Internship, "feedback": FeedbackCase,
    "release": PublicRelease, "review": FindingReview,
}


def play(aggregate: Any, events: Iterable[Any]) -> Any:
    """Fold events into an aggregate: the library's `project_aggregate` without its per-event
    `isinstance` against a runtime-checkable Protocol, which on Python 3.11 walks the protocol's
    MRO twice per event (about 60 % of a cold read of a 1,000-event stream). The mapper decodes
    only our own event classes, each with its `mutate`."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


KEPT_POSITIONS = 100_000  # (stream, version) -> position pairs a process keeps (~15 MB)


class Reading:
    """The Ledger's reads (a mixin: the Ledger is also the event store's `Application`)."""

    _positions: dict[uuid.UUID, dict[int, int]]  # stream -> version -> position
    _kept: int  # pairs in `_positions`

    aggregates: AggregateCache | None  # set by the Ledger; the rest comes from `Application`
    recorder: Any
    repository: Any
    events: Any
    mapper: Any

    def aggregate(self, kind: str, key: str, *, writable: bool = False) -> Any:
        """The stream's aggregate at its latest version, or None.

        Readers get the cached object itself and must not change it; a writer (`writable`) gets
        a clone whose new events touch nothing cached until they are committed.
        """
        sid = stream_id(kind, key)
        cached = self.aggregates.get(sid) if self.aggregates is not None else None
        if cached is None:
            self._forget_positions(sid)  # kept no longer than its aggregate: a cold load trusts the store again
            try:
                agg = self.repository.get(sid, projector_func=play)
            except AggregateNotFoundError:
                return None
        else:
            newer = list(self.repository.event_store.get(sid, gt=cached.version))
            agg = play(clone(cached), newer) if newer else cached
        if self.aggregates is not None:
            if agg is not cached:
                self.aggregates.put(agg)
            if writable:
                return clone(agg)
        return agg

    def state(self, kind: str, key: str, as_of: datetime | None = None,
              valid_at: date | None = None) -> dict[str, Any]:
        """State of a stream as recorded at `as_of`, in effect on `valid_at` (both optional)."""
        if as_of is not None and as_of.tzinfo is None:  # recording times are UTC
            as_of = as_of.replace(tzinfo=timezone.utc)
        agg = self.aggregate(kind, key)
        if agg is None or agg.version_at(as_of) == 0:
            raise NotFound(f"subject: no {kind} {key}" + (f" known at {utc_text(as_of)}" if as_of else ""),
                           field="subject")
        state = agg.state(as_of=as_of, valid_at=valid_at)
        if state is None:
            raise NotFound(f"valid_at: {kind} {key} had no state in effect on {valid_at}", field="valid_at")
        version = agg.version_at(as_of)
        state["version"] = version
        state["last_position"] = self.position_of(agg.id, version)
        return state

    def position_of(self, sid: uuid.UUID, version: int) -> int | None:
        """The position of a stream's committed version. Kept once found (a position never changes): a warm
        read was two queries, the events after the cached version and this."""
        known = self._positions.get(sid, {}).get(version)
        if known is not None:
            return known
        rows = self.recorder.query("SELECT position FROM jejak_leaves WHERE stream_id = ? AND version = ?",
                                   (str(sid), version))
        if not rows:
            return None
        if self.aggregates is not None:  # a process without the cache reads cold, this too
            if self._kept >= KEPT_POSITIONS:
                self._positions.clear()
                self._kept = 0
            self._kept += version not in self._positions.setdefault(sid, {})
            self._positions[sid][version] = rows[0][0]
        return rows[0][0]  # type: ignore[no-any-return]

    def _forget_positions(self, sid: uuid.UUID) -> None:
        """Drop a stream's kept positions when its aggregate is loaded cold (evicted, or never cached): a
        store restored or failed over under a running process holds other events at those versions."""
        self._kept -= len(self._positions.pop(sid, ()))

    def locate(self, event_id: str) -> dict[str, Any] | None:
        rows = self.recorder.query("SELECT position, stream_id, version, leaf_hash FROM jejak_leaves"
                                   " WHERE event_id = ?", (event_id,))
        if not rows:
            return None
        p, sid, v, leaf = rows[0]
        return {"position": p, "stream_id": sid, "version": v, "leaf_hash": bytes(leaf).hex()}

    def event(self, event_id: str) -> dict[str, Any]:
        found = self.locate(event_id)
        if found is None:
            raise NotFound(f"event_id: no event {event_id}", field="event_id")
        return self.events_at([found["position"]])[0]

    def history(self, kind: str, key: str, after_version: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        sid = stream_id(kind, key)
        events = list(self.events.get(sid, gt=after_version, limit=limit))
        if not events and after_version == 0:
            raise NotFound(f"subject: no {kind} {key}", field="subject")
        if not events:
            return []
        rows = self.recorder.query("SELECT version, position, leaf_hash FROM jejak_leaves WHERE stream_id = ?"
                                   " AND version > ? AND version <= ?",
                                   (str(sid), after_version, events[-1].originator_version))
        where = {v: (p, bytes(h).hex()) for v, p, h in rows}
        return [self.view(e, *where[e.originator_version]) for e in events]

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def feed(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        notes = self.recorder.select_notifications(after + 1, limit)
        return self._views(notes)

    def events_at(self, positions: Iterable[int]) -> list[dict[str, Any]]:
        """Events at the given positions, oldest first: one query per run of adjacent positions, or one
        query per 500 positions with their leaves when they are scattered (an audit page of many subjects)."""
        ps = sorted(set(positions))
        runs: list[list[int]] = []
        for p in ps:
            if runs and p == runs[-1][1] + 1:
                runs[-1][1] = p
            else:
                runs.append([p, p])
        if len(runs) > 2:
            return [v for i in range(0, len(ps), 500) for v in self._scattered(ps[i:i + 500])]
        out: list[dict[str, Any]] = []
        for start, stop in runs:
            out += self._views(self.recorder.select_notifications(start, stop - start + 1, stop=stop))
        return out

    def _scattered(self, ps: list[int]) -> list[dict[str, Any]]:
        key = "notification_id" if getattr(self.recorder, "postgres", False) else "rowid"
        rows = self.recorder.query(
            f"SELECT e.{key}, e.originator_id, e.originator_version, e.topic, e.state, l.leaf_hash"
            f" FROM {self.recorder.events_table_name} e LEFT JOIN jejak_leaves l ON l.position = e.{key}"
            f" WHERE e.{key} IN ({', '.join('?' for _ in ps)}) ORDER BY e.{key}", ps)
        return [self.view(self.mapper.to_domain_event(Notification(
            id=p, originator_id=o if isinstance(o, uuid.UUID) else uuid.UUID(str(o)), originator_version=v,
            topic=t, state=bytes(s))), p, bytes(h).hex() if h is not None else None) for p, o, v, t, s, h in rows]

    def _views(self, notes: Any) -> list[dict[str, Any]]:
        if not notes:
            return []
        ps = [n.id for n in notes]
        rows = self.recorder.query("SELECT position, leaf_hash FROM jejak_leaves WHERE position >= ? AND position <= ?",
                                   (ps[0], ps[-1]))
        leaves = {p: bytes(h).hex() for p, h in rows}
        return [self.view(self.mapper.to_domain_event(n), n.id, leaves.get(n.id)) for n in notes]

    @staticmethod
    def view(event: Any, position: int, leaf: str | None) -> dict[str, Any]:
        """An event as the API shows it: position, ids, data and every metadata field."""
        meta = event.meta
        return {
            "position": position,
            "event_id": meta["event_id"],
            "type": type_name(type(event).__qualname__),
            "stream": type(event).STREAM,
            "subject": meta["subject"],
            "stream_id": str(event.originator_id),
            "version": event.originator_version,
            "recorded_at": utc_text(event.timestamp),
            "data": jsonable(event.data),
            "actor": meta["actor"],
            "on_behalf_of": meta.get("on_behalf_of"),
            "source": meta.get("source"),
            "correlation_id": meta.get("correlation_id"),
            "idempotency_key": meta.get("idempotency_key"),
            "effective_date": jsonable(meta.get("effective_date")),
            "legal_basis": jsonable(meta.get("legal_basis")),
            "reason": meta.get("reason"),
            "findings": findings_of(meta),
            "warnings": [{k: f[k] for k in ("rule", "message", "message_id")} for f in findings_of(meta)],
            "derived": meta.get("derived_from") is not None,
            "leaf_hash": leaf,
            "provenance": provenance.of_event(meta, event.data),
        }


def findings_of(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """An event's findings as stored; an event recorded before findings shows its warnings as findings
    (their rule's regulation and article from the rulebook, severity `warning`, no facts)."""
    if "findings" in meta:
        return meta["findings"]
    out = []
    for w in meta.get("warnings") or []:
        rule = book.RULES.get(w.get("rule"))
        out.append({"rule": w.get("rule"), "severity": "warning", "regulation": rule.regulation if rule else None,
                    "article": rule.article if rule else None, "message": w.get("message"),
                    "message_id": w.get("message_id"), "facts": {}})
    return out
