"""Keeping every read model exactly as the notification log says: catch up, follow, rebuild.

Exactly once: each chunk of events is applied to one projection in ONE transaction that
first locks the projection's tracking row, re-reads its position, skips what is already
applied, writes the rows and moves the position. A crash anywhere inside leaves neither
rows nor position; a redelivered event is skipped by position, and every handler is an
idempotent replace as well. Gaps in positions are never waited on.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from typing import Any, Callable, Iterable

import sqlalchemy
from sqlalchemy import select, update

from ledger.config import database_url as env_database_url
from projections import indexes, versions
from projections.engine import TRANSIENT, make_engine
from projections.models.audit_index import AuditIndex
from projections.models.evaluations import Evaluations
from projections.models.feedback import Feedback
from projections.models.internships import Internships
from projections.models.public_stats import PublicStats
from projections.models.releases import Releases
from projections.models.red_flags import RedFlags
from projections.models.roster import Roster
from projections.progress import with_bar
from projections.source import Chunk, Event, Facts, read
from projections.tables import Projection, metadata, tracking
from projections.models.training import Training
from projections.models.unit_budget import UnitBudget

PROJECTIONS: list[type[Projection]] = [Roster, Training, Evaluations, UnitBudget, Internships, Feedback,
                                       PublicStats, Releases, AuditIndex, RedFlags]
NAMES = [p.name for p in PROJECTIONS]
CHUNK_SIZE = 1000
# A backlog this long (a bulk import, the demo, a follower behind) is applied in chunks this large: each
# read model then commits and refolds its streams a fifth as often (catch-up of 5,000-event bulks: ~1.9x).
BACKLOG_CHUNK_SIZE = 5000
REBUILD_CHUNK_SIZE = 25000  # larger chunks fold each stream fewer times; SQLite writers wait ~2 s at most
ANALYZE_AFTER = 10_000  # events applied since the planner's statistics were last refreshed


log = logging.getLogger("jejak.projections")


class UnknownProjection(ValueError):
    """A projection name that does not exist; the message lists those that do."""


class Projections:
    """All read models on one database, with their tracking positions."""

    def __init__(self, database_url: str | None = None, chunk_size: int = CHUNK_SIZE) -> None:
        self.url = env_database_url(database_url)
        self.engine = make_engine(self.url)
        self.chunk_size = chunk_size
        self.projections: dict[str, Projection] = {p.name: p() for p in PROJECTIONS}
        # Test seam: called inside a chunk's transaction after its rows, before its tracking position.
        self.fault: Callable[[str, list[Event]], None] | None = None
        self._facts: Facts | None = None
        self._lock = threading.RLock()  # the facts cache and memos belong to one catch-up at a time
        self._unanalyzed = 0
        self._recorded: list[Event] | None = None  # during a rebuild given them: the log's events as written
        stale = self._stale()
        metadata.create_all(self.engine)
        versions.add_version_column(self.engine)
        with self.engine.begin() as conn:
            known = set(conn.execute(select(tracking.c.name)).scalars())
            missing = [{"name": n, "position": 0, "version": self.projections[n].version}
                       for n in NAMES if n not in known]
            if missing:
                conn.execute(tracking.insert(), missing)
            if stale:
                conn.execute(update(tracking).where(tracking.c.name.in_(stale)).values(position=0))
        versions.reset_changed(self.engine, self.projections)
        self.ensure_indexes()  # a rebuild that was interrupted may have left them dropped

    def _stale(self) -> list[str]:
        """Drop the tables of projections whose stored columns differ from the code's; they rebuild from zero."""
        inspector = sqlalchemy.inspect(self.engine)
        existing = set(inspector.get_table_names())
        stale = []
        for name, projection in self.projections.items():
            for table in projection.tables:
                if table.name in existing and {c["name"] for c in inspector.get_columns(table.name)} != set(table.c.keys()):
                    stale.append(name)
                    break
        for name in stale:
            for table in reversed(self.projections[name].tables):
                table.drop(self.engine, checkfirst=True)
        return stale

    def _indexes(self, names: Iterable[str]) -> list[sqlalchemy.Index]:
        return indexes.secondary(t for n in names for t in self.projections[n].tables)

    def ensure_indexes(self, names: Iterable[str] | None = None) -> None:
        """Create every secondary index of these projections' tables that is missing (several processes may)."""
        indexes.ensure(self.engine, self._indexes(names if names is not None else NAMES))

    def _drop_indexes(self, names: Iterable[str]) -> None:
        """Drop the secondary indexes of emptied tables: a rebuild fills them first and sorts each index once.

        Only of read models that find their rows by primary key: a handler that looks rows up by a
        secondary index would scan its table once per chunk and stream without it (quadratic).
        """
        indexes.drop(self.engine, self._indexes(n for n in names if self.projections[n].rebuild_without_indexes))

    def close(self) -> None:
        self.engine.dispose()

    # --- reading positions ------------------------------------------------------

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {n: p for n, p in conn.execute(select(tracking.c.name, tracking.c.position))}

    def status(self, ledger: Any) -> list[dict[str, Any]]:
        """Position, head and lag (events not yet applied) per projection."""
        head = ledger.head()
        positions = self.positions()
        return [{"name": n, "position": positions.get(n, 0), "head": head, "lag": max(head - positions.get(n, 0), 0)}
                for n in NAMES]

    def _check(self, names: Iterable[str]) -> list[str]:
        names = list(names)
        for n in names:
            if n not in self.projections:
                raise UnknownProjection(f"projection {n!r} does not exist; choose one of {', '.join(NAMES)}")
        return names

    # --- applying -----------------------------------------------------------------

    def _facts_for(self, ledger: Any) -> Facts:
        if self._facts is None or self._facts.ledger is not ledger:
            self._facts = Facts(ledger, int(os.environ.get("JEJAK_PROJECTION_FACTS") or 1_000_000))
        return self._facts

    def catch_up(self, ledger: Any, names: Iterable[str] | None = None, *, chunk_size: int | None = None,
                 on_chunk: Callable[[int], None] | None = None, analyze: bool = True) -> int:
        """Apply every event not yet applied; returns how many events some projection applied."""
        with self._lock:
            applied = self._catch_up(ledger, names, chunk_size, on_chunk)
            self._unanalyzed += applied
            if analyze and self._unanalyzed >= ANALYZE_AFTER:
                self.analyze(names)
            return applied

    def analyze(self, names: Iterable[str] | None = None) -> None:
        """Refresh the query planner's statistics of the read models' tables (`indexes.analyze` says why).

        Statistics only steer plans, so a busy database skips this (logged) rather than failing the catch-up.
        """
        tables = [t.name for n in (names if names is not None else NAMES) for t in self.projections[n].tables]
        try:
            indexes.analyze(self.engine, self.url, tables)
            self._unanalyzed = 0
        except TRANSIENT as exc:
            log.warning("ANALYZE of the read models skipped (%s); the next long catch-up tries again", exc)

    def _catch_up(self, ledger: Any, names: Iterable[str] | None, chunk_size: int | None,
                  on_chunk: Callable[[int], None] | None) -> int:
        wanted = self._check(names if names is not None else NAMES)
        size = chunk_size or self.chunk_size
        positions = self.positions()
        after = min(positions[n] for n in wanted)
        if chunk_size is None and size < BACKLOG_CHUNK_SIZE and ledger.head() - after >= BACKLOG_CHUNK_SIZE:
            size = BACKLOG_CHUNK_SIZE
        facts = self._facts_for(ledger)
        applied = 0
        while True:
            events = self._read(ledger, after, size)
            if not events:
                return applied
            facts.add(events)
            self._prefetch(facts, events)
            chunk = Chunk(events, facts)
            most = 0
            for n in wanted:
                if positions[n] < events[-1].position:
                    most = max(most, self._apply(n, events, chunk, facts))
                    positions[n] = events[-1].position
            facts.trim()  # after the chunk: its streams stay while the read models apply it (see `_prefetch`)
            applied += most
            after = events[-1].position
            if on_chunk:
                on_chunk(after)

    def _read(self, ledger: Any, after: int, size: int) -> list[Event]:
        """The log's events after `after`: from the rebuild's `recorded` events while they reach, then the log."""
        memory = self._recorded
        if memory is not None and after < len(memory):
            return memory[after:after + size]
        return read(ledger, after, size)

    @staticmethod
    def _prefetch(facts: Facts, events: list[Event]) -> None:
        """Load every stream the chunk needs from the ledger before any read-model transaction opens.

        On SQLite a read-model transaction holds the database's write lock from its first statement;
        a ledger read inside it queues on the event store's connection pool, where an API writer
        may already wait for that same lock: both then wait out the busy timeout (503s, stalls).
        """
        latest = {e.stream_id: e for e in events}
        for e in latest.values():
            facts.at_least(e.stream_id, e.kind, e.subject, e.version)

    def _apply(self, name: str, events: list[Event], chunk: Chunk, facts: Facts) -> int:
        projection = self.projections[name]
        with self.engine.begin() as conn:
            row = tracking.c.name == name
            conn.execute(update(tracking).where(row).values(position=tracking.c.position))  # lock the row
            done = conn.execute(select(tracking.c.position).where(row)).scalar_one()
            todo = events if events[0].position > done else [e for e in events if e.position > done]
            if not todo:
                return 0
            projection.apply(conn, chunk if len(todo) == len(events) else Chunk(todo, facts, chunk.steps))
            if self.fault is not None:
                self.fault(name, todo)
            conn.execute(update(tracking).where(row).values(position=todo[-1].position))
        return len(todo)

    def reset(self, names: Iterable[str] | None = None) -> None:
        """Empty the projections' tables and set their positions to zero, in one transaction."""
        wanted = self._check(names if names is not None else NAMES)
        with self.engine.begin() as conn:
            conn.execute(update(tracking).where(tracking.c.name.in_(wanted)).values(position=0))
            for n in wanted:
                for table in reversed(self.projections[n].tables):
                    conn.execute(table.delete())

    def rebuild(self, ledger: Any, name: str | None = None, progress: bool = False,
                chunk_size: int | None = None, workers: int = 1, recorded: list[Event] | None = None) -> int:
        """Rebuild one projection (or all) from position zero, in `workers` processes; optionally with a bar.

        `recorded`: the log's events from position 1 on as their writer holds them (`source.recorded`), so a
        one-process rebuild decodes only what lies beyond them; not exactly positions 1, 2, ...: ignored."""
        if recorded is not None and any(e.position != i for i, e in enumerate(recorded, 1)):
            recorded = None
        self._recorded = recorded
        try:
            return self._rebuild(ledger, name, progress, chunk_size, workers)
        finally:
            self._recorded = None

    def _rebuild(self, ledger: Any, name: str | None, progress: bool, chunk_size: int | None, workers: int) -> int:
        names = self._check([name] if name else NAMES)
        chunk_size = chunk_size or max(self.chunk_size, REBUILD_CHUNK_SIZE)
        self.reset(names)
        if workers > 1 and len(names) > 1:  # the workers' own start-up ensures indexes, so they are kept here
            from projections import parallel

            if not progress:
                applied = parallel.rebuild(self, names, workers, chunk_size)
            else:
                applied = with_bar(ledger, name,
                                   lambda tick: parallel.rebuild(self, names, workers, chunk_size, tick))
            self.analyze(names)
            return applied
        # Secondary indexes are dropped while the emptied tables fill and created once at the end. Interrupted,
        # the next start (`__init__`) creates them again; positions and rows stay exactly-once either way.
        self._drop_indexes(names)
        collecting = gc.isenabled()
        gc.disable()  # ~20 % of a rebuild went to full collections of the growing facts cache; little here is cyclic
        try:
            if not progress:
                applied = self.catch_up(ledger, names, chunk_size=chunk_size, analyze=False)
            else:
                applied = with_bar(ledger, name, lambda tick: self.catch_up(
                    ledger, names, chunk_size=chunk_size, on_chunk=tick, analyze=False))
        finally:
            if collecting:
                gc.enable()
            self.ensure_indexes(names)
        self.analyze(names)  # after the indexes exist: SQLite keeps its statistics per index
        return applied

    def follow(self, ledger: Any, interval: float = 0.5, stop: Any = None,
               on_progress: Callable[[int], None] | None = None, names: Iterable[str] | None = None) -> None:
        """Keep the projections in `names` (all when None) current until `stop` is set: poll, apply, sleep when
        idle."""
        stop = stop or threading.Event()
        names = list(names) if names is not None else None
        while not stop.is_set():
            try:
                n = self.catch_up(ledger, names)
            except TRANSIENT:  # a busy or restarting database: the next poll retries
                n = 0
                time.sleep(interval)
            if n and on_progress:
                on_progress(n)
            if not n:
                stop.wait(interval)
