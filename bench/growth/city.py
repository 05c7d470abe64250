"""The city that grows: its units, employees and operators, the batches they record, and the audit index.

One employee (WHO) has a 1,000-event career; the filler batches are training records of the
others, 1,000 different employees each, recorded STEP apart from START.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterator

from api.demo.recording import DEMO_LEDGER_ENV, relax_sqlite_sync
from bench.common import SK, UNIT, console, nip, progress
from bench.reads import WHO, career
from ledger.application import Ledger
from ledger.bulk import Posting

UNITS = [UNIT] + [f"OPD-{i:02d}" for i in range(1, 35)]
EMPLOYEES = 8000  # Binjai's ASN: at 1 M events each has ~125, about 25 years of a career
ACTORS = [f"operator-{i:02d}" for i in range(50)]
BATCH = 1000
BULK = 5  # filler batches per transaction of the bulk path (5,000 events, as the demo records)
STEP = timedelta(seconds=30)
START = datetime(2025, 1, 6, 1, tzinfo=timezone.utc)


class Clock:
    """Recording times STEP apart from START; resumable at any position."""

    def __init__(self, position: int = 0) -> None:
        self.now = START + STEP * position

    def __call__(self) -> datetime:
        self.now += STEP
        return self.now


def staff(i: int) -> int:
    """The i-th filler employee's NIP index (WHO and the evaluator 1 are the career's)."""
    return 10 + i


def opening(employees: int = EMPLOYEES, career_events: int = 1000) -> list[list[dict[str, Any]]]:
    """Units, their budgets, every employee's appointment, then the 1,000-event career: batches."""
    units = [{"type": "UnitRegistered", "subject": u, "data": {"name": f"Unit kerja {u}"}} for u in UNITS]
    units += [{"type": "TrainingBudgetAllocated", "subject": u, "data": {"year": 2025, "amount": 10**12}}
              for u in UNITS]
    people = [1, WHO] + [staff(i) for i in range(employees)]
    appointments = [{"type": "EmployeeAppointed", "subject": nip(i), "effective_date": "2010-01-01",
                     "legal_basis": SK, "data": {"employment_type": "pns", "name": f"Pegawai {i}", "grade": "III/a",
                                                 "position": {"type": "pelaksana", "title": "Pengadministrasi Umum"},
                                                 "unit": UNIT if i in (1, WHO) else UNITS[i % len(UNITS)]}}
                    for i in people]
    bodies = units + appointments
    batches = [bodies[s:s + BATCH] for s in range(0, len(bodies), BATCH)]
    life = career(career_events)
    return batches + [life[s:s + 500] for s in range(0, len(life), 500)]


def filler(n: int, employees: int = EMPLOYEES) -> list[dict[str, Any]]:
    """The n-th filler batch: 1,000 training records of 1,000 different employees."""
    out = []
    for j in range(BATCH):
        k = n * BATCH + j
        who = staff((k * 7) % employees)
        day = date(2025, 1, 6) + timedelta(days=k % 330)
        out.append({"type": "TrainingCompleted", "subject": nip(who), "correlation_id": f"growth-{k}",
                    "data": {"path": "klasikal", "form": "pelatihan_teknis", "title": f"Pelatihan teknis {k % 97}",
                             "provider": "BPSDM Provinsi Sumatera Utara", "start_date": day.isoformat(),
                             "end_date": day.isoformat(), "jp": 8, "cost": 0,
                             "funding_unit": UNITS[who % len(UNITS)]}})
    return out


def _follow_audit_index(url: str, stop: Any) -> None:
    """A follow worker of the audit index alone, as a deployment runs one beside its writer (its own process)."""
    from projections.runner import Projections

    ledger, projections = Ledger(url), Projections(url)
    try:
        projections.follow(ledger, stop=stop, names=["audit_index"])
    finally:
        projections.close()
        ledger.close()


@contextlib.contextmanager
def following(url: str, enabled: bool) -> Iterator[None]:
    """While recording, a second process keeps the audit index caught up (--follow); the index step then
    applies only what is left. Off: the index is built after the recording, in one catch-up."""
    if not enabled:
        yield
        return
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    worker = context.Process(target=_follow_audit_index, args=(url, stop), name="growth-follow", daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()


def grow(url: str, target: int, label: str, employees: int = EMPLOYEES, career_events: int = 1000,
         follow: bool = False) -> dict[str, Any]:
    """Record batches until the ledger holds at least `target` events; returns the build time and rate."""
    probe = Ledger(url)
    head = probe.head()
    probe.close()
    ledger = Ledger(url, clock=Clock(head), env=DEMO_LEDGER_ENV)
    relax_sqlite_sync(ledger)  # a bulk load: no fsync per batch (measured ingest is bench.ingest's)
    try:
        t0 = time.perf_counter()
        with following(url, follow), progress() as bar:
            task = bar.add_task(f"{label}: recording to {target:,}", total=target, completed=head)
            if head == 0:
                for i, bodies in enumerate(opening(employees, career_events)):
                    ledger.record(bodies, ACTORS[i % len(ACTORS)], batch=True)
                    bar.update(task, completed=ledger.head())
            n = ledger.head() // BATCH
            while ledger.head() < target:  # the bulk path: BULK batches of the filler to a transaction
                postings, left = [], target - ledger.head()
                while left > 0 and len(postings) < BULK:
                    bodies = filler(n, employees)[:min(BATCH, left)]
                    postings.append(Posting(bodies, ACTORS[n % len(ACTORS)], batch=True))
                    left -= len(bodies)
                    n += 1
                ledger.record_bulk(postings)
                bar.update(task, completed=ledger.head())
        elapsed = time.perf_counter() - t0
        added = ledger.head() - head
        return {"events_added": added, "record_s": round(elapsed, 1),
                "record_events_per_s": round(added / elapsed) if elapsed else None}
    finally:
        ledger.close()


def index(url: str, label: str) -> dict[str, Any]:
    """Bring the audit index (the read model behind GET /v1/audit) up to the ledger's head."""
    from projections.runner import Projections

    ledger, projections = Ledger(url), Projections(url)
    try:
        before = projections.positions()["audit_index"]
        t0 = time.perf_counter()
        with console.status(f"{label}: audit index catch-up from {before:,} to {ledger.head():,}"):
            projections.catch_up(ledger, ["audit_index"])
            # as a long catch-up does itself (>= 10,000 events); a cached database may have been built
            # before that, or caught up nothing now
            projections.analyze(["audit_index"])
        elapsed = time.perf_counter() - t0
        applied = ledger.head() - before
        return {"audit_index_events": applied, "audit_index_s": round(elapsed, 1),
                "audit_index_events_per_s": round(applied / elapsed) if elapsed else None}
    finally:
        projections.close()
        ledger.close()
