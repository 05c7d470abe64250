"""The ledger's one way to write: validate each posted event, decide it on fresh state under the
rules, record it with the events it derives atomically (retrying lost races), and hand back receipts."""

from __future__ import annotations

import copy
import json
import random
import time
import uuid
from datetime import datetime
from typing import Any, Callable

from eventsourcing.persistence import IntegrityError

from ledger import derived, erasure, fixes, personal
from ledger import employee as employee_rules
from ledger import feedback as feedback_rules
from ledger import internship as internship_rules
from ledger import release as release_rules
from ledger import review as review_rules
from ledger import unit as unit_rules
from ledger import unit_names
from ledger.employee import Employee
from ledger.errors import IdempotencyMismatch, LedgerError, ValidationFailed, VersionConflict
from ledger.events import LedgerCreated
from ledger.integrity import type_name, utc_text
from ledger.reading import AGGREGATES, Reading
from ledger.sealing import DisclosureBox
from ledger.requests import Request, parse_request, request_hash
from ledger.rules.book import Rulebook
from ledger.storage import AggregateCache, clone, recent_leaves
from ledger.stream import Stream, stream_id
from ledger.unit import Unit

MAX_RETRIES = 16  # decisions retried on fresh state after losing a race (with a growing random pause)
MAX_BATCH = 1000


class _Batch:
    """Aggregates touched by one request, so later events in a batch see earlier ones."""

    def __init__(self, ledger: Reading, *, fresh: bool = True) -> None:
        self.ledger, self.fresh = ledger, fresh
        self.from_cache = False  # some stream was taken from the cache without a read
        self.versions: dict[uuid.UUID, int] = {}  # every stream decided on: its version then (0: none yet)
        self.rulebook: Rulebook | None = getattr(ledger, "rulebook", None)  # the rules it switched off are not run
        self.loaded: dict[uuid.UUID, Stream | None] = {}
        self.disclosures: list[tuple[personal.Disclosure, bytes]] = []  # kept apart, sealed
        self.erasures: list[erasure.Tombstone] = []
        self.unit_names: dict[str, str] = {}  # normalised name -> code, claimed by this request
        self.existing: set[uuid.UUID] = set()
        self._named = unit_names.holder_in_table(ledger.recorder)

    def get(self, kind: str, key: str) -> Any:
        """A stream to decide on. Not `fresh` (a request's first try), a cached stream is taken as it is,
        without a read: the write's own transaction then refuses it if it changed (`unchanged`)."""
        sid = stream_id(kind, key)
        if sid not in self.loaded:
            cached = None if self.fresh or self.ledger.aggregates is None else self.ledger.aggregates.get(sid)
            if cached is not None:
                self.loaded[sid], self.from_cache = clone(cached), True
            else:
                self.loaded[sid] = self.ledger.aggregate(kind, key, writable=True)
            agg = self.loaded[sid]
            self.versions[sid] = agg.version if agg is not None else 0
        return self.loaded[sid]

    def unchanged(self) -> list[tuple[str, int]]:
        """(stream id, version) of the streams decided on and not written: the write transaction checks that
        none moved on (a written one cannot have: its next version would then be taken). Those read from the
        store too, not only the cached ones: another process may write them between the read and the write
        (an evaluator separated then was an evaluation recorded without its `evaluator_active` finding)."""
        return [(str(sid), v) for sid, v in self.versions.items()
                if self.loaded[sid] is None or not self.loaded[sid].pending_events]

    def put(self, agg: Stream) -> None:
        self.loaded[agg.id] = agg

    def has(self, kind: str, key: str) -> bool:
        """Whether a stream exists: one indexed read of its first event, no snapshot decoded."""
        sid = stream_id(kind, key)
        if sid in self.loaded:
            return self.loaded[sid] is not None
        known = self.ledger.aggregates
        if sid not in self.existing and not (known is not None and known.exists(sid)):
            # A stream never ceases to exist: one read per stream and request, none while it is cached.
            if not self.ledger.recorder.select_events(sid, lte=1, limit=1):
                return False
            self.existing.add(sid)
        return True

    def unit_name_holder(self, key: str) -> str | None:
        """The code holding a normalised unit name: claimed earlier in this request, or recorded."""
        return self.unit_names.get(key) or self._named(key)

    def claim_unit_name(self, key: str, code: str) -> None:
        self.unit_names.setdefault(key, code)

    def unit(self, code: str) -> Unit | None:
        return self.get("unit", code)

    def employee(self, nip: str) -> Employee | None:
        return self.get("employee", nip)

    def pending(self) -> list[Stream]:
        return [a for a in self.loaded.values() if a is not None and a.pending_events]


class Writing:
    """The Ledger's writes (a mixin beside `Reading`: the Ledger is also the event store's `Application`)."""

    clock: Callable[[], datetime]  # set by the Ledger; `save` comes from `Application`, the reads from `Reading`
    disclosure_box: Callable[[], DisclosureBox]  # the Ledger's, over the personal-data key
    aggregates: AggregateCache | None
    rulebook: Rulebook  # the deployment's switches on compliance rules (`JEJAK_RULES`)

    def record(self, bodies: list[Any], actor: str, *, batch: bool = False, source: str | None = None,
               idempotency_key: str | None = None,
               established: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], bool]:
        """Record events atomically; returns (receipts, replayed). Refusals record nothing. `source` and
        the provenance paths in `established` are the caller's front door's own (ledger/provenance.py).

        No read comes before the write's own transaction when the streams are cached: the idempotency key
        is claimed there (a replay conflicts with its claim and is answered from it), and a stream that
        moved on since it was cached makes the write conflict, after which it is decided on fresh state."""
        if not isinstance(bodies, list) or not 1 <= len(bodies) <= MAX_BATCH:
            raise ValidationFailed(f"events: send 1 to {MAX_BATCH} events", field="events")
        claim = (actor, idempotency_key, request_hash(bodies)) if idempotency_key is not None else None
        try:
            requests = [self._parse(b, i if batch else None, actor, source, idempotency_key, established)
                        for i, b in enumerate(bodies)]
        except LedgerError:
            replay = self._replay(claim)  # a replay is answered, even if its body would no longer parse
            if replay is not None:
                return replay, True
            raise
        fresh, attempt = False, 0  # the first try decides on the cached streams as they are, and is not counted
        while True:
            touched = _Batch(self, fresh=fresh)
            try:
                wanted = [self._decide(r, touched, i if batch else None) for i, r in enumerate(requests)]
                recordings = self._save(touched, wanted, claim)
            except (LedgerError, IntegrityError) as exc:
                # A replay, or a racing request with the same key that committed first:
                # its receipt is the answer, not the refusal or the conflict its event now causes.
                replay = self._replay(claim)
                if replay is not None:
                    return replay, True
                if touched.from_cache:  # decided on cached streams: again at once, on what is stored now
                    fresh = True
                    continue
                if isinstance(exc, LedgerError):
                    raise
                # Decide again on fresh state: a stale expected_version is then refused by name, and
                # a conflict on another stream (say, the funding unit of a training) just retries.
                fresh = True
                if attempt == MAX_RETRIES - 1:
                    raise VersionConflict("expected_version: the stream kept changing meanwhile; reload it and retry",
                                          field="expected_version") from None
                # A random pause that doubles each time up to 250 ms (at most ~2.5 s in all): writers racing on
                # one stream otherwise lose to the same winner again and again. Capped at 50 ms, three
                # writers on one stream of a loaded 2-core machine lost 16 times in a row in 1 run of 3.
                time.sleep(random.uniform(0, min(0.25, 0.002 * 2 ** attempt)))
                attempt += 1
                continue
            if touched.erasures:
                self.recorder.scrub_after_erasure()
            return self._saved_receipts(recordings, wanted), False

    def _save(self, touched: _Batch, wanted: list[str], claim: tuple[str, str, str] | None) -> list[Any]:
        """Save what a request decided in one transaction, and cache its streams once committed."""
        # Positions follow the request order (each derived event right after its cause),
        # not the per-aggregate grouping `save` would give a batch touching a stream twice.
        rank = {eid: i for i, eid in enumerate(wanted)}
        unchanged = touched.unchanged()  # before the events are collected: it tells written streams by them
        aggregates = touched.pending()
        events = sorted((e for a in aggregates for e in a.collect_events()),
                        key=lambda e: (rank[e.meta.get("derived_from") or e.meta["event_id"]],
                                       e.meta.get("derived_from") is not None))
        recordings = self.save(*events, *aggregates, idempotency=claim, disclosures=touched.disclosures,
                               erasures=touched.erasures, unit_names=list(touched.unit_names.items()),
                               unchanged=unchanged)
        if self.aggregates is not None:
            for agg in aggregates:  # committed: the next reader starts from them
                self.aggregates.put(agg)
        return recordings

    def _replay(self, claim: tuple[str, str, str] | None) -> list[dict[str, Any]] | None:
        """The receipts of the request that claimed this key first, if one did (none without a key)."""
        if claim is None:
            return None
        rows = self.recorder.query("SELECT request_hash, positions FROM jejak_idempotency"
                                   " WHERE principal = ? AND key = ?", claim[:2])
        if not rows:
            return None
        if rows[0][0] != claim[2]:
            raise IdempotencyMismatch("Idempotency-Key: this key was used with a different body",
                                      field="Idempotency-Key")
        positions = json.loads(rows[0][1])
        events = {e["position"]: e for e in self.events_at(positions)}
        # The original receipts: those events that the requests named (not derived budget events).
        return [self._receipt(events[p]) for p in positions if not events[p]["derived"]]

    def _parse(self, body: Any, index: int | None, actor: str, source: str | None,
               idempotency_key: str | None, established: tuple[str, ...]) -> Request:
        try:
            return parse_request(body, actor, source, idempotency_key, established)
        except LedgerError as exc:
            raise exc.prefixed(f"events[{index}]") if index is not None else exc

    def _decide(self, req: Request, batch: _Batch, index: int | None, *, once: bool = False) -> str:
        try:
            return self._decide_one(req, batch, once)
        except LedgerError as exc:
            raise exc.prefixed(f"events[{index}]") if index is not None else exc

    def _decide_one(self, req: Request, batch: _Batch, once: bool = False) -> str:
        # Copies: a retry after a conflict decides again from the request as posted (the bulk path
        # parses again for each attempt: `once`, no copy needed).
        cls, meta, data = req.cls, dict(req.meta), (req.data if once else copy.deepcopy(req.data))
        personal.refuse_markers(data)
        kind = cls.STREAM
        erasing = cls.__name__ == "PersonalDataErased"
        if erasing:
            kind = erasure.kind_of_subject(req.subject, batch)
        elif kind == "any":
            kind = fixes.kind_of_original(req, self.locate)
        agg = batch.get(kind, req.subject)
        current = agg.version if agg is not None else 0
        if req.expected_version is not None and req.expected_version != current:
            raise VersionConflict(f"expected_version: the stream is at version {current}, not {req.expected_version}",
                                  field="expected_version")
        if erasing:
            erased, warnings = erasure.decide(agg, data, meta, self.recorder), []
        elif cls.STREAM == "any":
            warnings = fixes.decide(agg, cls.__name__, data, meta, batch, self.clock)
        elif kind == "employee":
            warnings = employee_rules.decide(agg, cls.__name__, data, meta, batch)
        elif kind == "unit":
            warnings = unit_rules.decide(agg, cls.__name__, data, meta, batch)
        elif kind == "internship":
            warnings = internship_rules.decide(agg, cls.__name__, data, meta, batch)
        elif kind == "release":
            warnings = release_rules.decide(agg, cls.__name__, data, meta)
        elif kind == "review":
            warnings = review_rules.decide(agg, data, meta, self._event_by_id)
        else:
            warnings = feedback_rules.decide(agg, cls.__name__, data, meta, batch)
        meta["findings"] = self.rulebook.stored(warnings)  # hashed with the event, as all its meta
        # The rules saw the plain values; the event keeps only their commitments (ledger.personal).
        target = agg.fact(data["event_id"])["type"] if cls.__name__ == "Corrected" else None
        batch.disclosures += [(d, self.disclosure_box().seal(d.commitment, d.salt, d.value))
                              for d in personal.commit(cls.__name__, data, meta, target)]
        if issubclass(cls, LedgerCreated):
            agg = AGGREGATES[kind]._create(cls, id=stream_id(kind, req.subject), data=data, meta=meta,
                                           timestamp=self.clock())
        else:
            agg.trigger_event(cls, data=data, meta=meta, timestamp=self.clock())
        batch.put(agg)
        if erasing:
            at = utc_text(agg.pending_events[-1].timestamp)
            batch.erasures += erasure.tombstones(erased, meta["event_id"], at, req.subject)
        if cls.__name__ == "TrainingCompleted" and data["cost"] > 0:
            derived.realise_training_cost(batch, data, meta, self.clock)
        if cls.__name__ == "Annulled":
            derived.annul_training_cost(batch, agg, data, meta, self.clock)
        return meta["event_id"]

    def _event_by_id(self, event_id: str) -> dict[str, Any] | None:
        found = self.locate(event_id)
        return self.events_at([found["position"]])[0] if found is not None else None

    def _saved_receipts(self, recordings: list[Any], wanted: list[str]) -> list[dict[str, Any]]:
        """Receipts of a save that just committed, from the saved events and the leaf hashes the
        recorder computed in that transaction (the stored bytes, so no read back is needed)."""
        leaves = recent_leaves()
        positions = {r.domain_event.meta["event_id"]: r.notification.id for r in recordings}
        by_event: dict[str, dict[str, Any]] = {}
        for r in recordings:
            event, position = r.domain_event, r.notification.id
            eid = event.meta["event_id"]
            leaf = leaves.get(position)
            if leaf is None or leaf[0] != eid:  # not this save's: read what was stored instead
                return self._receipts([(positions[w], w) for w in wanted])
            by_event[eid] = {"event_id": eid, "type": type_name(type(event).__qualname__),
                             "subject": event.meta["subject"], "version": event.originator_version,
                             "position": position, "recorded_at": utc_text(event.timestamp),
                             "leaf_hash": leaf[1].hex()}
        return [by_event[eid] for eid in wanted]

    def _receipts(self, wanted: list[tuple[int, str]]) -> list[dict[str, Any]]:
        events = {e["position"]: e for e in self.events_at([p for p, _ in wanted])}
        return [self._receipt(events[p]) for p, _ in wanted]

    @staticmethod
    def _receipt(e: dict[str, Any]) -> dict[str, Any]:
        return {k: e[k] for k in ("event_id", "type", "subject", "version", "position", "recorded_at", "leaf_hash")}
