"""Read latency of one long career: current, `as_of`, `valid_at` and both, beside raw SELECTs.

An employee with --events events (default 1,000: trainings, yearly SKP plans and evaluations,
promotions) is read through `Ledger.state`; the baseline is a raw SELECT of the same stream's
stored rows (all of them: Jejak reads no snapshots).

    .venv/bin/python -m bench.reads [--events 1000] [--reads 200] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
from datetime import date, timedelta
from typing import Any, Callable

import psycopg

from bench.common import (SK, UNIT, appointment, console, database, nip, progress, sqlite_file, StepClock,
                          summary_ms, table, timed, unit_bodies, write_results)
from ledger.application import Ledger
from ledger.rules import PNS_GRADES
from ledger.stream import stream_id

WHO = 7


def career(events: int) -> list[dict[str, Any]]:
    """Promotions each April and October from 2010, a plan and evaluation a year, trainings between."""
    subject = nip(WHO)
    bodies: list[dict[str, Any]] = []
    grades = PNS_GRADES[PNS_GRADES.index("III/a"):]
    tmts = [date(2010 + i // 2, 4 if i % 2 == 0 else 10, 1) for i in range(len(grades) - 1)]
    for a, b, tmt in zip(grades, grades[1:], tmts):
        bodies.append({"type": "PromotionGranted", "subject": subject, "effective_date": tmt.isoformat(),
                       "legal_basis": SK, "data": {"from_grade": a, "to_grade": b, "kind": "pilihan"}})
    for year in range(2010, 2026):
        bodies.append({"type": "PerformancePlanned", "subject": subject,
                       "data": {"year": year, "approach": "kuantitatif", "evaluator": nip(1),
                                "results": [{"indicator": "Layanan kepegawaian", "target": "100%"}]}})
        bodies.append({"type": "PerformanceEvaluated", "subject": subject,
                       "data": {"period": {"year": year, "kind": "annual"}, "results_rating": "sesuai",
                                "behaviour_rating": "sesuai", "predikat": "baik", "evaluator": nip(1)}})
    i = 0
    while len(bodies) < events - 1:
        day = date(2010, 1, 4) + timedelta(days=(i * 11) % 5800)
        bodies.append({"type": "TrainingCompleted", "subject": subject,
                       "data": {"path": "nonklasikal", "form": "e_learning", "title": f"Modul {i}",
                                "provider": "LAN", "start_date": day.isoformat(), "end_date": day.isoformat(),
                                "jp": 2, "cost": 0, "funding_unit": UNIT}})
        i += 1
    # Plans must precede their evaluations; TMT order is the ledger's business, not the posting order.
    return bodies[:events - 1]


def build(url: str, events: int) -> list[Any]:
    ledger = Ledger(url, clock=StepClock())
    try:
        ledger.record(unit_bodies(), "bench", batch=True)
        ledger.record([appointment(1), appointment(WHO)], "bench", batch=True)
        bodies = career(events)
        with progress() as bar:
            task = bar.add_task(f"recording {events} events of one career", total=len(bodies))
            for start in range(0, len(bodies), 500):
                chunk = bodies[start:start + 500]
                ledger.record(chunk, "bench", batch=True)
                bar.advance(task, len(chunk))
        return [e.timestamp for e in ledger.events.get(stream_id("employee", nip(WHO)))]
    finally:
        ledger.close()


def sample(fn: Callable[[], Any], n: int, bar: Any, task: Any) -> list[float]:
    fn()  # warm: connections, statement caches
    out = []
    for _ in range(n):
        out.append(timed(fn))
        bar.advance(task)
    return out


def raw_reader(backend: str, url: str) -> tuple[Callable[[str], Any], Callable[[], None]]:
    """Raw SELECT of a stream's rows, all of them (Jejak reads no snapshots since issue 14)."""
    if backend == "sqlite":
        conn: Any = sqlite3.connect(sqlite_file(url))
        q = "?"
    else:
        conn = psycopg.connect(url, autocommit=True)
        q = "%s"
    events = "SELECT state FROM stored_events WHERE originator_id = {q} ORDER BY originator_version"
    if backend == "postgres":
        events = events.replace("stored_events", "jejak_events")

    def all_rows(sid: str) -> Any:
        return conn.execute(events.format(q=q), (sid,)).fetchall()

    return all_rows, conn.close


def measure(backend: str, events: int, reads: int) -> dict[str, Any]:
    console.print(f"[bold]{backend}[/]: one employee with {events} events, {reads} reads per kind")
    rnd = random.Random(1)
    with database(backend) as url:
        stamps = build(url, events)
        ledger = Ledger(url)
        cold = Ledger(url, env={"JEJAK_AGGREGATE_CACHE": "0"})  # every read decodes the stream's events
        sid = stream_id("employee", nip(WHO))
        key = sid.hex if backend == "sqlite" else str(sid)
        all_rows, close = raw_reader(backend, url)
        try:
            assert len(all_rows(key)) == events, "raw baseline reads the wrong table"
            kinds: dict[str, Callable[[], Any]] = {
                "raw: all rows of the stream": lambda: all_rows(key),
                "state (current)": lambda: ledger.state("employee", nip(WHO)),
                "state as_of": lambda: ledger.state("employee", nip(WHO), as_of=rnd.choice(stamps)),
                "state valid_at": lambda: ledger.state(
                    "employee", nip(WHO), valid_at=date(2010, 1, 1) + timedelta(days=rnd.randrange(5800))),
                "state as_of + valid_at": lambda: ledger.state(
                    "employee", nip(WHO), as_of=rnd.choice(stamps[len(stamps) // 2:]),
                    valid_at=date(2010, 1, 1) + timedelta(days=rnd.randrange(5800))),
                "state as_of, no aggregate cache": lambda: cold.state("employee", nip(WHO),
                                                                      as_of=rnd.choice(stamps)),
            }
            out = {}
            with progress() as bar:
                for name, fn in kinds.items():
                    task = bar.add_task(name, total=reads)
                    out[name] = summary_ms(sample(fn, reads, bar, task))
        finally:
            close()
            cold.close()
            ledger.close()
    return {"events": events, "reads": reads, "latency": out}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000, help="events in the employee's stream")
    parser.add_argument("--reads", type=int, default=200, help="reads per kind")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    if args.events < 40:
        parser.error("--events: at least 40, so the career holds its promotions and evaluations")
    results = {b: measure(b, args.events, args.reads) for b in args.backends.split(",")}
    rows = []
    for backend, r in results.items():
        base = r["latency"]["raw: all rows of the stream"]["p50_ms"]
        for name, s in r["latency"].items():
            rows.append([backend, name, r["events"], s["p50_ms"], s["p99_ms"], f"{s['p50_ms'] / base:.1f}x"])
    table("Reads of one employee's stream (ms)", ["backend", "read", "events", "p50 ms", "p99 ms", "p50 × raw all"],
          rows)
    console.print(f"written {write_results('reads', {'results': results})}")


if __name__ == "__main__":
    main()
