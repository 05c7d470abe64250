"""Record a generated plan through `Ledger.record`, at simulated but believable moments."""

from __future__ import annotations

import gc
from collections import deque
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, Callable, Iterator

from api.demo.calendar import moment
from api.demo.plan import Planned, Ref
from ledger.bulk import Posting, record_all
from ledger.errors import LedgerError

BATCH = 1000
BULK_EVENTS = 5000  # per transaction of the bulk path
TICK = timedelta(microseconds=1)


class SimClock:
    """The ledger's clock during the demo: the planned moment of each event, never going backwards."""

    def __init__(self) -> None:
        self.queue: deque[datetime] = deque()
        self.last: datetime | None = None

    def schedule(self, moments: list[datetime]) -> None:
        self.queue = deque(moments)

    def __call__(self) -> datetime:
        t = self.queue.popleft() if self.queue else (self.last + TICK if self.last else datetime.now().astimezone())
        if self.last is not None and t <= self.last:
            t = self.last + TICK  # a derived event (budget realisation) shares its cause's moment
        self.last = t
        return t


# The demo is the only writer while it runs: keep every aggregate in memory instead of replaying
# snapshots and tails for each batch (the generator aborts on the first refusal, so a half-applied
# batch never survives in the cache).
DEMO_LEDGER_ENV = {"AGGREGATE_CACHE_MAXSIZE": "1000000", "AGGREGATE_CACHE_FASTFORWARD": "n",
                   "DEEPCOPY_FROM_AGGREGATE_CACHE": "n"}


def relax_sqlite_sync(ledger) -> bool:
    """No fsync per batch during the bulk load: SQLite WAL with synchronous=NORMAL, PostgreSQL
    with synchronous_commit=off on the ledger's own connections (never the server's settings).

    A crash loses at most the last batches, never consistency; the demo is rerun from scratch anyway.
    """
    pool = getattr(getattr(ledger.recorder, "datastore", None), "pool", None)
    if pool is not None and hasattr(pool, "_configure") and hasattr(pool, "_pool"):
        return _relax_postgres(pool)
    if pool is None or not hasattr(pool, "_create_connection"):
        return False
    create = pool._create_connection

    def relaxed():
        conn = create()
        conn._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    pool._create_connection = relaxed
    for conn in list(pool._pool):
        conn._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
    return True


def _relax_postgres(pool) -> bool:
    configure = pool._configure

    def relaxed(conn) -> None:
        if configure:
            configure(conn)
        conn.execute("SET synchronous_commit TO off")

    pool._configure = relaxed
    for conn in list(pool._pool):
        conn.execute("SET synchronous_commit TO off")
    return True


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while the demo plans and records: the city's aggregates and plan are
    millions of long-lived objects that every full collection walks again, and almost nothing here is
    cyclic (1,500 ASN x 5 years: 11 full collections freed 20 objects, and recording took 10-20 %
    longer with them). The collector resumes afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class DemoRefused(RuntimeError):
    """A generated event was refused by the ledger: a bug in the generator, never silenced."""


def timed(events: list[Planned]) -> Iterator[tuple[Planned, datetime]]:
    """Spread each day's events across office hours (WIB); the late burst keeps its own times."""
    for _, group in groupby(events, key=lambda e: e.day):
        day_events = list(group)
        regular = [e for e in day_events if e.at is None]
        for i, e in enumerate(day_events):
            if e.at is not None:
                yield e, e.at
            else:
                yield e, moment(e.day, (i + 0.5) / len(regular))


def batches(events: list[Planned]) -> Iterator[tuple[str, list[tuple[Planned, datetime]]]]:
    """Runs of one actor in recording order, at most BATCH events each (one actor per request)."""
    run: list[tuple[Planned, datetime]] = []
    for e, at in timed(events):
        if run and (run[0][0].actor != e.actor or len(run) >= BATCH):
            yield run[0][0].actor, run
            run = []
        run.append((e, at))
    if run:
        yield run[0][0].actor, run


def record(ledger, clock: SimClock, events: list[Planned], advance: Callable[[int], None]) -> int:
    """Record every event through the bulk path (the same rules, bytes and positions as one
    `Ledger.record` per run, BULK_EVENTS to a transaction); how many positions the ledger gained.
    A `Ref` in an event's data becomes the id its labelled event was given (committed in an earlier bulk)."""
    before = ledger.head()
    runs = list(batches(events))
    ids: dict[str, str] = {}
    for group in bulks(runs):
        postings = [Posting([resolved(e, ids) for e, _ in run], actor, batch=True, source="demo")
                    for actor, run in group]

        def schedule(i: int) -> None:
            clock.schedule([at for _, at in group[i][1]])

        def refused(i: int, exc: LedgerError) -> None:
            index = _index(exc.message)
            body = group[i][1][index][0].body if index is not None else None
            raise DemoRefused(f"the ledger refused a generated event ({exc.message}): {body}") from exc

        def done(i: int, receipts: list[dict[str, Any]]) -> None:
            ids.update({e.label: r["event_id"] for (e, _), r in zip(group[i][1], receipts) if e.label})
            advance(len(postings[i].bodies))

        def single(i: int, posting: Posting) -> None:
            try:
                receipts, _ = ledger.record(posting.bodies, posting.actor, batch=True, source="demo")
            except LedgerError as exc:
                refused(i, exc)
            done(i, receipts)

        record_all(ledger, postings, single, schedule, done, refused)
    return ledger.head() - before


def resolved(e: Planned, ids: dict[str, str]) -> dict[str, Any]:
    """The body to post: each `Ref` in its data replaced by the id the ledger gave the event it names."""
    if not e.refers():
        return e.body
    data = {k: ids[v.label] if isinstance(v, Ref) else v for k, v in e.body["data"].items()}
    return {**e.body, "data": data}


def bulks(runs: list[tuple[str, list]]) -> Iterator[list[tuple[str, list]]]:
    """Consecutive runs of about BULK_EVENTS events: one transaction each. A run naming another event by
    `Ref` starts a new one, so the event it names is committed (and its id known) before it is posted."""
    group: list[tuple[str, list]] = []
    size = 0
    for run in runs:
        if group and any(e.refers() for e, _ in run[1]):
            yield group
            group, size = [], 0
        group.append(run)
        size += len(run[1])
        if size >= BULK_EVENTS:
            yield group
            group, size = [], 0
    if group:
        yield group


def _index(message: str) -> int | None:
    if message.startswith("events["):
        return int(message[len("events["):message.index("]")])
    return None
