"""The Ledger application: the only writer of events, and the bitemporal reader."""

from __future__ import annotations

import copy
import json
import logging
import random
import time
import uuid
from datetime import date, datetime, timezone
from typing import Any, Callable

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, StoredEvent, Transcoding

from ledger import employee as employee_rules
from ledger import rules
from ledger import feedback as feedback_rules
from ledger import internship as internship_rules
from ledger import unit as unit_rules
from ledger.employee import Employee
from ledger.errors import IdempotencyMismatch, LedgerError, NotFound, RuleViolated, ValidationFailed, VersionConflict
from ledger.events import Annulled, CATALOGUE, LedgerCreated, TrainingBudgetRealised
from ledger.fields import load_date
from ledger.integrity import type_name, utc_text
from ledger.reading import AGGREGATES, Reading
from ledger.requests import Request, parse_request, request_hash
from ledger.config import event_store_env
from ledger.storage import AggregateCache, recent_leaves
from ledger.stream import Stream, stream_id
from ledger.unit import Unit

MAX_RETRIES = 16  # decisions retried on fresh state after losing a race (with a growing random pause)
MAX_BATCH = 1000
log = logging.getLogger("jejak.ledger")
AGGREGATE_CACHE_DEFAULT = 2000  # streams per process; `JEJAK_AGGREGATE_CACHE=0` turns it off


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)



class _Batch:
    """Aggregates touched by one request, so later events in a batch see earlier ones."""

    def __init__(self, ledger: "Ledger") -> None:
        self.ledger = ledger
        self.loaded: dict[uuid.UUID, Stream | None] = {}

    def get(self, kind: str, key: str) -> Any:
        sid = stream_id(kind, key)
        if sid not in self.loaded:
            self.loaded[sid] = self.ledger.aggregate(kind, key, writable=True)
        return self.loaded[sid]

    def put(self, agg: Stream) -> None:
        self.loaded[agg.id] = agg

    def has(self, kind: str, key: str) -> bool:
        """Whether a stream exists: one indexed read of its first event, no snapshot decoded."""
        sid = stream_id(kind, key)
        if sid in self.loaded:
            return self.loaded[sid] is not None
        return bool(self.ledger.recorder.select_events(sid, lte=1, limit=1))

    def unit(self, code: str) -> Unit | None:
        return self.get("unit", code)

    def employee(self, nip: str) -> Employee | None:
        return self.get("employee", nip)

    def pending(self) -> list[Stream]:
        return [a for a in self.loaded.values() if a is not None and a.pending_events]


class Ledger(Reading, Application):
    """Jejak's event store: validate, apply the rules, record atomically, read bitemporally."""

    name = "jejak"

    def __init__(self, url: str | None = None, env: dict[str, str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        # No snapshots, ever: a snapshot row is a claim about a stream that nothing in the tree
        # covers, so one inserted row changed what was served while the events and `verify`
        # said otherwise (issue 14). Reads fold the events; the aggregate cache keeps hot streams.
        super().__init__(env={**event_store_env(url), **(env or {}), "IS_SNAPSHOTTING_ENABLED": "n"})
        # The recording time is the ledger's own clock; only tests and the demo's simulated
        # history pass another one. Callers never supply recording times.
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        # Our own cache of aggregates, unless the library's is configured (the demo's bulk load).
        size = int(self.env.get("JEJAK_AGGREGATE_CACHE") or AGGREGATE_CACHE_DEFAULT)
        self.aggregates = AggregateCache(size) if size > 0 and not self.repository.cache else None

    def snapshot_problems(self) -> list[tuple[int, str]]:
        """(position, message) for each snapshot row a database still holds that disagrees with its
        stream. Jejak never reads snapshots; rows may remain from earlier versions or be inserted
        by an insider, and `jejak verify` names every one that is not the fold of its events."""
        table = self._snapshot_table()
        if table is None:
            return []
        problems = []
        for sid, version, topic, state in self.recorder.query(
                f"SELECT originator_id, originator_version, topic, state FROM {table}"):
            sid = uuid.UUID(str(sid))
            position = self.position_of(sid, int(version)) or 1
            try:
                snapshot = self.mapper.to_domain_event(StoredEvent(sid, int(version), topic, bytes(state)))
                claimed = snapshot.mutate(None).state()
            except Exception as exc:  # noqa: BLE001 - whatever it holds, it is reported, never served
                problems.append((position, f"snapshot of stream {sid} at version {version} is unreadable "
                                           f"({type(exc).__name__}); Jejak never reads snapshots"))
                continue
            aggregate = None
            for event in self.events.get(sid, lte=int(version)):
                aggregate = event.mutate(aggregate)
            if aggregate is None or aggregate.version != int(version) or aggregate.state() != claimed:
                problems.append((position, f"snapshot of stream {sid} at version {version} disagrees with its "
                                           "events (never served: Jejak reads only the events)"))
        return problems

    def _snapshot_table(self) -> str | None:
        for table in ("stored_snapshots", "jejak_snapshots"):
            sql = ("SELECT to_regclass(?) IS NOT NULL" if self.recorder.postgres else
                   "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?")
            if self.recorder.query(sql, (table,))[0][0]:
                return table
        return None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- writing --------------------------------------------------------------

    def record(self, bodies: list[Any], actor: str, *, batch: bool = False, source: str | None = None,
               idempotency_key: str | None = None) -> tuple[list[dict[str, Any]], bool]:
        """Record events atomically; returns (receipts, replayed). Refusals record nothing."""
        if not isinstance(bodies, list) or not 1 <= len(bodies) <= MAX_BATCH:
            raise ValidationFailed(f"events: send 1 to {MAX_BATCH} events", field="events")
        claim = None
        if idempotency_key is not None:
            claim = (actor, idempotency_key, request_hash(bodies))
            replay = self._replay(claim)
            if replay is not None:
                return replay, True
        requests = [self._parse(b, i if batch else None, actor, source, idempotency_key)
                    for i, b in enumerate(bodies)]
        for attempt in range(MAX_RETRIES):
            touched = _Batch(self)
            try:
                wanted = [self._decide(r, touched, i if batch else None) for i, r in enumerate(requests)]
            except LedgerError:
                # A racing request with the same key may have committed since the first look:
                # its receipt is the answer, not the refusal its event now causes.
                replay = self._replay(claim) if claim is not None else None
                if replay is not None:
                    return replay, True
                raise
            try:
                # Positions follow the request order (each derived event right after its cause),
                # not the per-aggregate grouping `save` would give a batch touching a stream twice.
                rank = {eid: i for i, eid in enumerate(wanted)}
                aggregates = touched.pending()
                events = sorted((e for a in aggregates for e in a.collect_events()),
                                key=lambda e: (rank[e.meta.get("derived_from") or e.meta["event_id"]],
                                               e.meta.get("derived_from") is not None))
                recordings = self.save(*events, *aggregates, idempotency=claim)
            except IntegrityError:
                if claim is not None:
                    replay = self._replay(claim)
                    if replay is not None:
                        return replay, True
                # Decide again on fresh state: a stale expected_version is then refused by name, and
                # a conflict on another stream (say, the funding unit of a training) just retries.
                if attempt == MAX_RETRIES - 1:
                    raise VersionConflict("expected_version: the stream kept changing meanwhile; reload it and retry",
                                          field="expected_version") from None
                # A random pause that doubles each time up to 50 ms (at most ~0.6 s in all): writers racing on
                # one stream otherwise lose to the same winner again and again.
                time.sleep(random.uniform(0, min(0.05, 0.002 * 2 ** attempt)))
                continue
            if self.aggregates is not None:
                for agg in aggregates:  # committed: the next reader starts from them
                    self.aggregates.put(agg)
            return self._saved_receipts(recordings, wanted), False
        raise AssertionError("unreachable")

    def _replay(self, claim: tuple[str, str, str]) -> list[dict[str, Any]] | None:
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
               idempotency_key: str | None) -> Request:
        try:
            return parse_request(body, actor, source, idempotency_key)
        except LedgerError as exc:
            raise exc.prefixed(f"events[{index}]") if index is not None else exc

    def _decide(self, req: Request, batch: _Batch, index: int | None) -> str:
        try:
            return self._decide_one(req, batch)
        except LedgerError as exc:
            raise exc.prefixed(f"events[{index}]") if index is not None else exc

    def _decide_one(self, req: Request, batch: _Batch) -> str:
        # Copies: a retry after a conflict decides again from the request as posted.
        cls, meta, data = req.cls, dict(req.meta), copy.deepcopy(req.data)
        kind = cls.STREAM
        if kind == "any":
            kind = self._kind_of_original(req)
        agg = batch.get(kind, req.subject)
        current = agg.version if agg is not None else 0
        if req.expected_version is not None and req.expected_version != current:
            raise VersionConflict(f"expected_version: the stream is at version {current}, not {req.expected_version}",
                                  field="expected_version")
        if cls.STREAM == "any":
            warnings = self._decide_fix(agg, cls.__name__, data, meta, batch)
        elif kind == "employee":
            warnings = employee_rules.decide(agg, cls.__name__, data, meta, batch)
        elif kind == "unit":
            warnings = unit_rules.decide(agg, cls.__name__, data, meta)
        elif kind == "internship":
            warnings = internship_rules.decide(agg, cls.__name__, data, meta, batch)
        else:
            warnings = feedback_rules.decide(agg, cls.__name__, data, meta, batch)
        meta["warnings"] = [w.as_dict() for w in warnings]
        if issubclass(cls, LedgerCreated):
            agg = AGGREGATES[kind]._create(cls, id=stream_id(kind, req.subject), data=data, meta=meta,
                                           timestamp=self.clock())
        else:
            agg.trigger_event(cls, data=data, meta=meta, timestamp=self.clock())
        batch.put(agg)
        if cls.__name__ == "TrainingCompleted" and data["cost"] > 0:
            self._realise_training_cost(batch, data, meta)
        if cls.__name__ == "Annulled":
            self._annul_training_cost(batch, agg, data, meta)
        return meta["event_id"]

    def _realise_training_cost(self, batch: _Batch, data: dict[str, Any], meta: dict[str, Any]) -> None:
        """A training's cost is realised against its funding unit's budget in the same transaction."""
        unit = batch.unit(data["funding_unit"])
        year = data["end_date"].year
        b = unit.budget(year)
        rules.check_budget(year, data["cost"], b["allocated"], b["realised"], field="data.cost")
        unit.trigger_event(TrainingBudgetRealised, data={"year": year, "amount": data["cost"],
                                                         "training_event_id": meta["event_id"]},
                           meta={**meta, "event_id": str(uuid.uuid4()), "subject": data["funding_unit"],
                                 "idempotency_key": None, "effective_date": None, "warnings": [],
                                 "derived_from": meta["event_id"],
                                 "reason": f"Realisasi biaya pelatihan {meta['subject']}"},
                           timestamp=self.clock())

    def _annul_training_cost(self, batch: _Batch, agg: Stream, data: dict[str, Any],
                             meta: dict[str, Any]) -> None:
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
                                 "idempotency_key": None, "effective_date": None, "warnings": [],
                                 "derived_from": meta["event_id"]},
                           timestamp=self.clock())
        batch.put(unit)

    def _kind_of_original(self, req: Request) -> str:
        original = self.locate(req.data["event_id"])
        if original is None:
            raise NotFound(f"data.event_id: no event {req.data['event_id']}", field="data.event_id")
        for kind in AGGREGATES:
            if str(stream_id(kind, req.subject)) == original["stream_id"]:
                return kind
        raise RuleViolated("fix_same_subject", f"event {req.data['event_id']} belongs to another subject",
                           f"peristiwa {req.data['event_id']} milik subjek lain", field="data.event_id")

    def _decide_fix(self, agg: Stream, type_: str, data: dict[str, Any], meta: dict[str, Any],
                    batch: _Batch) -> list[Any]:
        """Corrections name fields of the original's type and keep its rules; neither fix may
        target a fix or a voided event, nor leave a budget realised beyond its allocation."""
        target = agg.fact(data["event_id"])
        if target is None:  # located in storage but not in this stream's facts: a stale read
            raise VersionConflict("data.event_id: the stream changed meanwhile; retry", field="data.event_id")
        if target["type"] in ("Corrected", "Annulled"):
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
            data["fields"] = self._load_correction(target, data["fields"])
            fixed = agg.effective_fact(target["id"])
            corrected = {**fixed["data"], **{k: v for k, v in data["fields"].items() if k != "effective_date"}}
            eff = data["fields"].get("effective_date", fixed["eff"])
            if isinstance(agg, Employee):
                employee_rules.check_corrected(agg, target["type"], corrected, eff, data["fields"])
            for name in ("unit", "to_unit", "host_unit"):
                if name in data["fields"] and not batch.has("unit", data["fields"][name]):
                    raise NotFound(f"data.fields.{name}: unit {data['fields'][name]} is not registered",
                                   field=f"data.fields.{name}")
        if isinstance(agg, Unit):
            unit_rules.check_fix_keeps_budgets(agg, type_, data, meta, self.clock())
        return []

    @staticmethod
    def _load_correction(target: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
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


def open_reader(url: str) -> Ledger:
    """A ledger that only reads (creates no tables): what `verify`'s worker processes open."""
    return Ledger(url, env={"CREATE_TABLE": "false"})
