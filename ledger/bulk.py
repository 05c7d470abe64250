"""The bulk path: many requests decided exactly as `Ledger.record` decides them, one after another,
and written in one transaction (one commit, executemany rows, the tree levels computed in memory)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError

from ledger.errors import LedgerError
from ledger.events import CATALOGUE
from ledger.requests import request_hash
from ledger.writing import MAX_BATCH, MAX_RETRIES, _Batch

# Types whose decision reads what is committed (the original a fix names, the disclosures an erasure
# deletes): inside a bulk an earlier posting is not committed yet, so these are answered by `record`.
SINGLE_ONLY = {name for name, cls in CATALOGUE.items() if cls.STREAM == "any"} | {"PersonalDataErased"}


@dataclass(frozen=True)
class Posting:
    """One request as `Ledger.record` takes it: what one POST /v1/events (or one import line) carries."""

    bodies: list[Any]
    actor: str
    batch: bool = False
    source: str | None = None
    idempotency_key: str | None = None


class BulkStopped(Exception):
    """Posting `index` needs `Ledger.record` on its own (refused: `error`; or a replay, a fix, an erasure).

    Nothing of the bulk was recorded: the caller records postings[:index] in bulk, answers this one
    with `record`, and goes on with the rest, which gives exactly what posting them one by one gives."""

    def __init__(self, index: int, error: LedgerError | None) -> None:
        super().__init__(f"posting {index}: {error.message if error else 'answered by Ledger.record'}")
        self.index, self.error = index, error


class Bulk:
    """`record_bulk`, a mixin of the Ledger beside `Writing` (whose parsing and decisions it calls)."""

    # Told every committed save's recordings (each domain event with its position), when set: the demo
    # keeps what it records to build the read models without reading the log back (`api/demo`).
    on_recorded: Callable[[list[Any]], None] | None = None

    def _record(self, processing: Any) -> list[Any]:
        recordings = super()._record(processing)  # type: ignore[misc]
        if self.on_recorded is not None:
            self.on_recorded(recordings)
        return recordings

    def record_bulk(self, postings: Sequence[Posting],
                    before_each: Callable[[int], None] = lambda i: None) -> list[list[dict[str, Any]]]:
        """Record every posting in one transaction; each one's receipts. `before_each(i)` runs before
        posting i is decided (the demo schedules its simulated clock there). Raises BulkStopped."""
        if not postings:
            return []
        claims = self._bulk_claims(postings)
        for attempt in range(MAX_RETRIES):
            touched = _Batch(self)
            wanted: list[list[str]] = []
            for i, p in enumerate(postings):
                before_each(i)
                try:  # parsed, then decided, as `record` does each request
                    reqs = [self._parse(b, j if p.batch else None, p.actor, p.source, p.idempotency_key, ())
                            for j, b in enumerate(p.bodies)]
                    wanted.append([self._decide(r, touched, j if p.batch else None, once=True)
                                   for j, r in enumerate(reqs)])
                except LedgerError as exc:
                    raise BulkStopped(i, exc) from None
            rank = {eid: n for n, eid in enumerate(e for w in wanted for e in w)}
            unchanged = touched.unchanged()  # the streams only read, checked where written (before collecting)
            aggregates = touched.pending()
            events = sorted((e for a in aggregates for e in a.collect_events()),
                            key=lambda e: (rank[e.meta.get("derived_from") or e.meta["event_id"]],
                                           e.meta.get("derived_from") is not None))
            owner = {eid: i for i, w in enumerate(wanted) for eid in w}
            of_claim: dict[int, list[str]] = {i: [] for i, c in enumerate(claims) if c is not None}
            for e in events:
                i = owner[e.meta.get("derived_from") or e.meta["event_id"]]
                if i in of_claim:
                    of_claim[i].append(e.meta["event_id"])
            try:
                recordings = self._save_collected(events, aggregates,
                                                  idempotency=[(*claims[i], ids) for i, ids in of_claim.items()],
                                                  disclosures=touched.disclosures, erasures=[],
                                                  unit_names=list(touched.unit_names.items()),
                                                  unchanged=unchanged)
            except IntegrityError:
                self._bulk_claims(postings)  # a racing writer took a key: that posting is a replay now
                if attempt == MAX_RETRIES - 1:
                    raise
                time.sleep(random.uniform(0, min(0.05, 0.002 * 2 ** attempt)))
                continue
            if self.aggregates is not None:
                for agg in aggregates:
                    self.aggregates.put(agg)
            receipts = iter(self._saved_receipts(recordings, [e for w in wanted for e in w]))
            return [[next(receipts) for _ in w] for w in wanted]
        raise AssertionError("unreachable")

    def _save_collected(self, events: list[Any], aggregates: list[Any], **kwargs: Any) -> list[Any]:
        """`Application.save(*events, *aggregates, **kwargs)` for events already collected from these
        aggregates: the same record, snapshots and notifications, without `collect_events`'s runtime
        Protocol `isinstance` of every object (~6 % of a demo's recording, issue 21)."""
        processing = ProcessingEvent()
        processing.events.extend(events)
        processing.aggregates.update((agg.id, agg) for agg in aggregates)
        processing.saved_kwargs.update(kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        self.notify(processing.events)  # what `save` calls too (deprecated there, kept for equality)
        return recordings

    def _bulk_claims(self, postings: Sequence[Posting]) -> list[tuple[str, str, str] | None]:
        """Each posting's idempotency claim; BulkStopped at the first that `record` must answer alone
        (not 1 to MAX_BATCH bodies, a fix or an erasure, a key claimed already or twice in the bulk)."""
        claims: list[tuple[str, str, str] | None] = []
        seen: dict[tuple[str, str], int] = {}
        for i, p in enumerate(postings):
            if (not isinstance(p.bodies, list) or not 1 <= len(p.bodies) <= MAX_BATCH
                    or any(isinstance(b, dict) and b.get("type") in SINGLE_ONLY for b in p.bodies)):
                raise BulkStopped(i, None)
            if p.idempotency_key is None:
                claims.append(None)
                continue
            if (p.actor, p.idempotency_key) in seen:
                raise BulkStopped(i, None)
            seen[(p.actor, p.idempotency_key)] = i
            claims.append((p.actor, p.idempotency_key, request_hash(p.bodies)))
        by_actor: dict[str, list[str]] = {}
        for actor, key in seen:
            by_actor.setdefault(actor, []).append(key)
        taken = []
        for actor, keys in by_actor.items():
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self.recorder.query("SELECT key FROM jejak_idempotency WHERE principal = ? AND key IN ("
                                           + ", ".join("?" * len(chunk)) + ")", (actor, *chunk))
                taken += [seen[(actor, r[0])] for r in rows]
        if taken:
            raise BulkStopped(min(taken), None)
        return claims


def record_all(ledger: Any, postings: Sequence[Posting], single: Callable[[int, Posting], Any],
               before_each: Callable[[int], None] = lambda i: None,
               done: Callable[[int, list[dict[str, Any]]], None] = lambda i, r: None,
               refused: Callable[[int, LedgerError], None] | None = None) -> None:
    """Record postings in bulk, handing each one `record_bulk` stops at to `single(index, posting)`
    (which records it alone, or reports its refusal); `done(i, receipts)` after each bulk commits.
    `refused(i, error)`, when given, hears of a refusal first (the demo stops there: its aggregates
    are the cache's own objects, changed in place by the decisions before it)."""
    start, end = 0, len(postings)
    while start < len(postings):
        try:
            recorded = ledger.record_bulk(postings[start:end], lambda i: before_each(start + i))
        except BulkStopped as stop:
            if stop.error is not None and refused is not None:
                refused(start + stop.index, stop.error)
            if stop.index == 0:
                before_each(start)
                single(start, postings[start])
                start, end = start + 1, len(postings)
            else:  # those before it in one bulk, then (a later round) it alone
                end = start + stop.index
            continue
        for i, receipts in enumerate(recorded):
            done(start + i, receipts)
        start, end = start + len(recorded), len(postings)
