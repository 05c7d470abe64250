"""Write throughput: Jejak's `Ledger.record` beside bare `eventsourcing` and raw inserts of the same rows.

Each backend (SQLite file, PostgreSQL database created and dropped here) is measured in one run:
  raw       sqlite3 / psycopg INSERTs of rows the size Jejak stores (the floor)
  es        a bare eventsourcing Application: load, trigger, save (the library's own cost)
  jejak     Ledger.record: parse, rules, gapless position, leaf hash, Merkle nodes, receipts
in two modes: single (one event per transaction) and batch (--batch events per transaction).

    .venv/bin/python -m bench.ingest [--events 1000] [--batch 1000] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import sqlite3
import uuid
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.common import (appointment, console, database, progress, sqlite_file, StepClock, table, timed,
                          training, unit_bodies, write_results)
from ledger.application import DateAsISO, Ledger

EMPLOYEES = 50


# --- Jejak -----------------------------------------------------------------------------------

def jejak(url: str, events: int, batch: int, batch_events: int | None = None) -> tuple[dict[str, float], list[Any],
                                                                                     list[Any]]:
    """Record `events` singly, then `batch_events` (default: `events`) in batches; timings, rows, payloads."""
    batch_events = events if batch_events is None else batch_events
    ledger = Ledger(url, clock=StepClock())
    try:
        ledger.record(unit_bodies(), "bench", batch=True)
        ledger.record([appointment(i) for i in range(EMPLOYEES)], "bench", batch=True)
        first = ledger.head() + 1
        with progress() as bar:
            task = bar.add_task("jejak single", total=events)

            def single() -> None:
                for i in range(events):
                    ledger.record([training(i, i % EMPLOYEES)], "bench")
                    bar.advance(task)
            t_single = timed(single)
            task = bar.add_task("jejak batch", total=batch_events)

            def batched() -> None:
                for start in range(0, batch_events, batch):
                    n = min(batch, batch_events - start)
                    ledger.record([training(events + start + j, (start + j) % EMPLOYEES) for j in range(n)],
                                  "bench", batch=True)
                    bar.advance(task, n)
            t_batch = timed(batched)
        rows = list(ledger.recorder.select_notifications(first, events + batch_events))
        payloads = [(e.data, e.meta) for e in map(ledger.mapper.to_domain_event, rows)]
        return {"single": t_single, "batch": t_batch}, rows, payloads
    finally:
        ledger.close()


# --- Jejak's bulk path (jejak import, the demo) ------------------------------------------------

BULK_POSTINGS = 5  # requests of `batch` events per bulk transaction, as the demo records (5,000 events)


def bulk(url: str, events: int, batch: int, projected: bool = False) -> float:
    """Seconds to record `events` trainings through `Ledger.record_bulk` (BULK_POSTINGS requests of `batch`
    to a transaction); with `projected`, each transaction followed by a catch-up of all read models."""
    from ledger.bulk import Posting
    from projections.runner import Projections

    ledger = Ledger(url, clock=StepClock())
    projections = Projections(url) if projected else None
    try:
        ledger.record(unit_bodies(), "bench", batch=True)
        ledger.record([appointment(i) for i in range(EMPLOYEES)], "bench", batch=True)
        if projections is not None:
            projections.catch_up(ledger)
        step = batch * BULK_POSTINGS

        def run() -> None:
            for start in range(0, events, step):
                postings = [Posting([training(i, i % EMPLOYEES) for i in range(s, min(s + batch, events))],
                                    "bench", batch=True) for s in range(start, min(start + step, events), batch)]
                ledger.record_bulk(postings)
                if projections is not None:
                    projections.catch_up(ledger)
        return timed(run)
    finally:
        if projections is not None:
            projections.close()
        ledger.close()


# --- bare eventsourcing ------------------------------------------------------------------------

class Doc(Aggregate):
    """A stream with one event type carrying the same data and meta as a Jejak event."""

    @event("Registered")
    def __init__(self) -> None:
        self.count = 0

    @event("Recorded")
    def record(self, data: dict[str, Any], meta: dict[str, Any]) -> None:
        self.count += 1


class BareApp(Application):
    """The library's own write path: load, trigger, save."""

    def register_transcodings(self, transcoder: Any) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())  # the same typed payload as Jejak's

    def register(self) -> uuid.UUID:
        doc = Doc()
        self.save(doc)
        return doc.id

    def add(self, doc_id: uuid.UUID, data: dict[str, Any], meta: dict[str, Any]) -> None:
        doc = self.repository.get(doc_id)
        doc.record(data, meta)
        self.save(doc)

    def add_many(self, doc_ids: list[uuid.UUID], payloads: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        docs = {i: self.repository.get(i) for i in set(doc_ids)}
        for doc_id, (data, meta) in zip(doc_ids, payloads):
            docs[doc_id].record(data, meta)
        self.save(*docs.values())


def es_env(url: str) -> dict[str, str]:
    from ledger.config import event_store_env
    env = event_store_env(url)
    env.pop("APPLICATION_RECORDER_TOPIC")  # the library's own recorder, not Jejak's
    return env


def bare(url: str, payloads: list[tuple[dict[str, Any], dict[str, Any]]], batch: int,
         single: int | None = None) -> dict[str, float]:
    """Save payloads[:single] one per save, then payloads[single:] in saves of `batch` (default: all, twice)."""
    app = BareApp(env=es_env(url))
    try:
        ids = [app.register() for _ in range(EMPLOYEES)]
        ones, many = (payloads, payloads) if single is None else (payloads[:single], payloads[single:])
        with progress() as bar:
            task = bar.add_task("eventsourcing single", total=len(ones))

            def one_by_one() -> None:
                for i, (data, meta) in enumerate(ones):
                    app.add(ids[i % EMPLOYEES], data, meta)
                    bar.advance(task)
            t_single = timed(one_by_one)
            task = bar.add_task("eventsourcing batch", total=len(many))

            def batched() -> None:
                for start in range(0, len(many), batch):
                    chunk = many[start:start + batch]
                    app.add_many([ids[(start + j) % EMPLOYEES] for j in range(len(chunk))], chunk)
                    bar.advance(task, len(chunk))
            t_batch = timed(batched)
        return {"single": t_single, "batch": t_batch}
    finally:
        app.close()


# --- raw inserts -------------------------------------------------------------------------------

def raw_rows(rows: list[Any]) -> list[tuple[str, int, str, bytes]]:
    """Jejak's stored rows, re-keyed to fresh streams: the same bytes per row."""
    streams = [str(uuid.uuid4()) for _ in range(EMPLOYEES)]
    return [(streams[i % EMPLOYEES], i // EMPLOYEES + 1, r.topic, bytes(r.state)) for i, r in enumerate(rows)]


def raw_sqlite(url: str, rows: list[tuple[str, int, str, bytes]], batch: int,
               single_rows: int | None = None) -> dict[str, float]:
    """Insert rows[:single_rows] one per transaction, then rows[single_rows:] in batches (default: all, twice)."""
    ones, many = (rows, rows) if single_rows is None else (rows[:single_rows], rows[single_rows:])
    conn = sqlite3.connect(sqlite_file(url), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # as eventsourcing's SQLite datastore does
    sql = "INSERT INTO raw_{} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)"
    for mode in ("single", "batch"):
        conn.execute(f"CREATE TABLE raw_{mode} (originator_id TEXT, originator_version INTEGER, topic TEXT,"
                     " state BLOB, PRIMARY KEY (originator_id, originator_version))")
    out = {}
    with progress() as bar:
        task = bar.add_task("raw sqlite3", total=len(ones) + len(many))

        def single() -> None:
            for r in ones:
                conn.execute("BEGIN")
                conn.execute(sql.format("single"), r)
                conn.execute("COMMIT")
                bar.advance(task)

        def batched() -> None:
            for start in range(0, len(many), batch):
                conn.execute("BEGIN")
                conn.executemany(sql.format("batch"), many[start:start + batch])
                conn.execute("COMMIT")
                bar.advance(task, len(many[start:start + batch]))
        out["single"], out["batch"] = timed(single), timed(batched)
    conn.close()
    return out


def raw_postgres(url: str, rows: list[tuple[str, int, str, bytes]], batch: int,
                 single_rows: int | None = None) -> dict[str, float]:
    """Insert rows[:single_rows] one per transaction, then rows[single_rows:] in batches (default: all, twice)."""
    ones, many = (rows, rows) if single_rows is None else (rows[:single_rows], rows[single_rows:])
    conn = psycopg.connect(url, autocommit=True)
    sql = "INSERT INTO raw_{} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
    for mode in ("single", "batch"):
        conn.execute(f"CREATE TABLE raw_{mode} (originator_id uuid, originator_version integer, topic text,"
                     " state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version))")
    out = {}
    with progress() as bar:
        task = bar.add_task("raw psycopg", total=len(ones) + len(many))

        def single() -> None:
            for r in ones:
                with conn.transaction():
                    conn.execute(sql.format("single"), r)
                bar.advance(task)

        def batched() -> None:
            for start in range(0, len(many), batch):
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(sql.format("batch"), many[start:start + batch])
                bar.advance(task, len(many[start:start + batch]))
        out["single"], out["batch"] = timed(single), timed(batched)
    conn.close()
    return out


# --- the run -----------------------------------------------------------------------------------

def measure(backend: str, events: int, batch: int) -> dict[str, Any]:
    console.print(f"[bold]{backend}[/]: {events} events single, {events} in batches of {batch}")
    with database(backend) as url:
        t_jejak, rows, payloads = jejak(url, events, batch)
    rows, payloads = rows[:events], payloads[:events]  # the same rows for both modes, as before
    with database(backend) as url:
        t_es = bare(url, payloads, batch)
    rr = raw_rows(rows)
    with database(backend) as url:
        t_raw = raw_sqlite(url, rr, batch) if backend == "sqlite" else raw_postgres(url, rr, batch)
    size = sum(len(r[3]) for r in rr) / len(rr)
    return {"events": events, "batch": batch, "row_bytes": round(size),
            "seconds": {"raw": t_raw, "eventsourcing": t_es, "jejak": t_jejak}}


def report(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for backend, r in results.items():
        for mode in ("single", "batch"):
            base = r["seconds"]["raw"][mode]
            for subject in ("raw", "eventsourcing", "jejak"):
                s = r["seconds"][subject][mode]
                rows.append([backend, mode, subject, r["events"], f"{s:.2f}", f"{r['events'] / s:,.0f}",
                             f"{s / r['events'] * 1e6:,.0f}", f"{s / base:.1f}x"])
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000, help="events per mode and subject (default 1000)")
    parser.add_argument("--batch", type=int, default=1000, help="events per batch transaction (max 1000)")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    if not 1 <= args.batch <= 1000:
        parser.error("--batch: Ledger.record takes 1 to 1000 events")
    results = {b: measure(b, args.events, args.batch) for b in args.backends.split(",")}
    rows = report(results)
    table("Ingest: Jejak beside bare eventsourcing and raw inserts of the same rows",
          ["backend", "mode", "subject", "events", "seconds", "events/s", "µs/event", "× raw"], rows)
    path = write_results("ingest", {"results": results, "table": [
        dict(zip(["backend", "mode", "subject", "events", "seconds", "events_per_s", "us_per_event", "x_raw"], r))
        for r in rows]})
    console.print(f"written {path}")


if __name__ == "__main__":
    main()
