"""Growth: audit query, as_of/valid_at replay and proof latency at 10 k, 100 k and 1 M events.

One ledger per backend grows through `Ledger.record` in batches of 1,000 (real rules, real
leaf hashes and Merkle nodes): first one employee with a 1,000-event career, then training
records of 8,000 employees in 35 OPD by 50 operators, 30 s apart. At each size the audit
index is brought up to date (the read model `GET /v1/audit` reads) and, in the same run:

  audit actor / subject / unit+day   `projections.queries.audit`, the function the API calls
  as_of / valid_at                   `Ledger.state` of the 1,000-event employee as a server reads
                                     it (the process's aggregate cache warm: the events after the
                                     cached version, then the fold), beside a raw SELECT of its rows
  as_of cold                         the same on a Ledger without the cache (snapshot + tail decoded
                                     on every read: a server's first read of that stream)
  inclusion / consistency proof      `StoredTree.inclusion` / `.consistency` at the full size

Each figure is the median over --repeat rounds of its p50 and p99; the slope column says
whether it stays flat, grows like log n, or grows linearly from the smallest to the largest size.

    .venv/bin/python -m bench.growth [--sizes 10000,100000,1000000] [--backends sqlite,postgres]
                                     [--samples 200] [--repeat 3] [--keep]

--keep caches each size's database (SQLite: a file copy; PostgreSQL: a template database) under
$TMPDIR/jejak-bench-growth, keyed by backend, size and seed, so a rerun skips the build.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import psycopg

from api.demo.recording import DEMO_LEDGER_ENV, relax_sqlite_sync
from bench.common import (PG_ADMIN, SK, UNIT, console, nip, progress, sqlite_file, summary_ms, table,
                          timed, write_results)
from bench.reads import WHO, career, raw_reader
from ledger.application import Ledger
from ledger.integrity.tree import StoredTree
from ledger.stream import stream_id

SIZES = (10_000, 100_000, 1_000_000)
UNITS = [UNIT] + [f"OPD-{i:02d}" for i in range(1, 35)]
EMPLOYEES = 8000  # Binjai's ASN: at 1 M events each has ~125, about 25 years of a career
ACTORS = [f"operator-{i:02d}" for i in range(50)]
BATCH = 1000
STEP = timedelta(seconds=30)
START = datetime(2025, 1, 6, 1, tzinfo=timezone.utc)
CACHE = Path(tempfile.gettempdir()) / "jejak-bench-growth"
FIGURES = ("audit by actor", "audit by subject", "audit by unit + day", "as_of", "valid_at", "as_of cold",
           "inclusion proof", "consistency proof")


class Clock:
    """Recording times STEP apart from START; resumable at any position."""

    def __init__(self, position: int = 0) -> None:
        self.now = START + STEP * position

    def __call__(self) -> datetime:
        self.now += STEP
        return self.now


# --- the city that grows -------------------------------------------------------------------------

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


def grow(url: str, target: int, label: str, employees: int = EMPLOYEES, career_events: int = 1000) -> dict[str, Any]:
    """Record batches until the ledger holds at least `target` events; returns the build time and rate."""
    probe = Ledger(url)
    head = probe.head()
    probe.close()
    ledger = Ledger(url, clock=Clock(head), env=DEMO_LEDGER_ENV)
    relax_sqlite_sync(ledger)  # a bulk load: no fsync per batch (measured ingest is bench.ingest's)
    try:
        t0 = time.perf_counter()
        with progress() as bar:
            task = bar.add_task(f"{label}: recording to {target:,}", total=target, completed=head)
            if head == 0:
                for i, bodies in enumerate(opening(employees, career_events)):
                    ledger.record(bodies, ACTORS[i % len(ACTORS)], batch=True)
                    bar.update(task, completed=ledger.head())
            n = ledger.head() // BATCH
            while ledger.head() < target:
                bodies = filler(n, employees)[:max(1, min(BATCH, target - ledger.head()))]
                ledger.record(bodies, ACTORS[n % len(ACTORS)], batch=True)
                n += 1
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


# --- measuring one size --------------------------------------------------------------------------

def measure(backend: str, url: str, samples: int, repeat: int, employees: int = EMPLOYEES,
            career_events: int = 1000) -> dict[str, Any]:
    """Every figure's p50/p99 (median over `repeat` rounds of `samples` calls) at the ledger's size."""
    from projections import queries
    from projections.runner import make_engine

    ledger, engine = Ledger(url), make_engine(url)
    cold = Ledger(url, env={"JEJAK_AGGREGATE_CACHE": "0"})
    tree = StoredTree(ledger.recorder)
    sid = stream_id("employee", nip(WHO))
    all_rows, _, close_raw = raw_reader(backend, url)
    try:
        size = ledger.head()
        stamps = [e.timestamp for e in ledger.events.get(sid)]
        assert len(stamps) == career_events, f"the career employee has {len(stamps)} events, not {career_events}"
        first, last = START + STEP, START + STEP * size
        days = max(1, (last - first).days)
        fillers = [staff(i) for i in range(employees)]
        actors = ACTORS[:max(1, min(len(ACTORS), size // BATCH))]  # those who recorded a batch by now
        rng = random.Random(size)

        def day() -> tuple[datetime, datetime]:
            lo = first + timedelta(days=rng.randrange(days)) if days > 1 else first
            return lo, lo + timedelta(days=1)

        def unit_day() -> Any:
            lo, hi = day()
            return queries.audit(engine, unit=rng.choice(UNITS[1:]), since=lo, until=hi)

        def inclusion() -> Any:
            return tree.inclusion(rng.randrange(1, size + 1), size)

        def consistency() -> Any:
            return tree.consistency(rng.randrange(1, size), size)

        key = sid.hex if backend == "sqlite" else str(sid)
        kinds: dict[str, Callable[[], Any]] = {
            "raw: the employee's rows": lambda: all_rows(key),
            "audit by actor": lambda: queries.audit(engine, actor=rng.choice(actors)),
            "audit by subject": lambda: queries.audit(engine, subject=nip(rng.choice(fillers))),
            "audit by unit + day": unit_day,
            "as_of": lambda: ledger.state("employee", nip(WHO), as_of=rng.choice(stamps)),
            "valid_at": lambda: ledger.state("employee", nip(WHO),
                                             valid_at=date(2010, 1, 1) + timedelta(days=rng.randrange(5800))),
            "as_of cold": lambda: cold.state("employee", nip(WHO), as_of=rng.choice(stamps)),
            "inclusion proof": inclusion,
            "consistency proof": consistency,
        }
        assert queries.audit(engine, actor=ACTORS[0]), "the audit index is empty: catch-up did not run"
        rounds: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
        with progress() as bar:
            task = bar.add_task(f"{backend} at {size:,}: {len(kinds)} kinds x {repeat} rounds",
                                total=len(kinds) * repeat * samples)
            for _ in range(repeat):
                for name, fn in kinds.items():
                    fn()  # warm: connection, statement cache
                    times = []
                    for _ in range(samples):
                        times.append(timed(fn))
                        bar.advance(task)
                    rounds[name].append(summary_ms(times))
        out = {name: {"p50_ms": round(statistics.median(r["p50_ms"] for r in rs), 3),
                      "p99_ms": round(statistics.median(r["p99_ms"] for r in rs), 3),
                      "rounds_p99_ms": [r["p99_ms"] for r in rs], "n": samples * repeat}
               for name, rs in rounds.items()}
        return {"events": size, "latency": out}
    finally:
        close_raw()
        engine.dispose()
        cold.close()
        ledger.close()


# --- how a figure grows --------------------------------------------------------------------------

def slope(sizes: list[int], values: list[float]) -> dict[str, Any]:
    """Classify growth from the first to the last size: flat, log n, sublinear or linear.

    b is the exponent of a power law through the end points (value ~ n^b). Linear growth from
    10 k to 1 M multiplies a figure by 100 (b = 1); log n growth by log(1M)/log(10k) = 1.5.
    """
    if len(sizes) < 2 or min(values) <= 0:
        return {"growth": None, "b": None, "x": None}
    x = values[-1] / values[0]
    b = math.log(x) / math.log(sizes[-1] / sizes[0])
    logs = math.log(sizes[-1]) / math.log(sizes[0])
    if x <= 1.35:
        kind = "flat"
    elif x <= max(1.35, logs * 1.35):
        kind = "log n"
    elif b < 0.7:
        kind = "sublinear"
    else:
        kind = "linear"
    return {"growth": kind, "b": round(b, 2), "x": round(x, 2)}


def slopes(points: list[dict[str, Any]]) -> dict[str, Any]:
    sizes = [p["events"] for p in points]
    out = {}
    for name in points[0]["latency"]:
        p50 = [p["latency"][name]["p50_ms"] for p in points]
        p99 = [p["latency"][name]["p99_ms"] for p in points]
        out[name] = {"p50": slope(sizes, p50), "p99": slope(sizes, p99)}
    return out


# --- databases: one growing database per backend, optionally cached per size ----------------------

@contextlib.contextmanager
def workspace(backend: str) -> Iterator[dict[str, str]]:
    """The growing database (and what identifies it), dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="jejak-bench-growth-") as tmp:
            yield {"url": f"sqlite:///{Path(tmp) / 'growth.db'}"}
        return
    name = f"jejak_growth_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"url": f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}", "name": name}
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cache_name(backend: str, size: int, seed: int, employees: int = EMPLOYEES) -> str:
    key = f"s{seed}_{size}_e{employees}"
    return f"jejak_growth_cache_{key}" if backend == "postgres" else f"sqlite-{key.replace('_', '-')}.db"


def cached(backend: str, size: int, seed: int, employees: int = EMPLOYEES) -> bool:
    if backend == "sqlite":
        return (CACHE / cache_name(backend, size, seed, employees)).exists()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (cache_name(backend, size, seed, employees),)).fetchone() is not None


def copy_database(backend: str, work: dict[str, str], size: int, seed: int, *, save: bool,
                  employees: int = EMPLOYEES) -> None:
    """Save the work database as the cache of `size` (save=True), or restore the work database from it."""
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        live, kept = Path(sqlite_file(work["url"])), CACHE / cache_name(backend, size, seed, employees)
        src, dst = (live, kept) if save else (kept, live)
        for suffix in ("-wal", "-shm"):
            Path(str(dst) + suffix).unlink(missing_ok=True)
        shutil.copyfile(src, dst)
        for suffix in ("-wal", "-shm"):
            if Path(str(src) + suffix).exists():
                shutil.copyfile(str(src) + suffix, str(dst) + suffix)
        return
    kept = cache_name(backend, size, seed, employees)
    src, dst = (work["name"], kept) if save else (kept, work["name"])
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dst}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{dst}" TEMPLATE "{src}"')


def run(backend: str, sizes: list[int], samples: int, repeat: int, keep: bool = False, seed: int = 1,
        employees: int = EMPLOYEES, career_events: int = 1000) -> dict[str, Any]:
    """Grow one ledger through `sizes`, measuring at each; returns points, build figures and slopes."""
    points, builds = [], []
    with workspace(backend) as work:
        for size in sizes:
            label = f"{backend} {size:,}"
            if keep and cached(backend, size, seed, employees):
                copy_database(backend, work, size, seed, save=False, employees=employees)
                # the read models as this code keeps them: indexes added since the cache was made, statistics
                build = {"cached": True, **index(work["url"], label)}
            else:
                build = {**grow(work["url"], size, label, employees, career_events), **index(work["url"], label)}
                if keep:
                    copy_database(backend, work, size, seed, save=True, employees=employees)
            point = measure(backend, work["url"], samples, repeat, employees, career_events)
            builds.append({"events": point["events"], **build})
            points.append(point)
            console.print(f"  {label}: " + ", ".join(
                f"{k} {v['p50_ms']}/{v['p99_ms']} ms" for k, v in point["latency"].items()))
    return {"points": points, "builds": builds, "slopes": slopes(points) if len(points) > 1 else {},
            "employees": employees, "career_events": career_events}


def rows(results: dict[str, Any]) -> list[list[Any]]:
    out = []
    for backend, r in results.items():
        for name in r["points"][0]["latency"]:
            cells = []
            for p in r["points"]:
                s = p["latency"][name]
                cells.append(f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}")
            sl = r["slopes"].get(name, {})
            growth = (f"{sl['p50']['growth']} (x{sl['p50']['x']}) / {sl['p99']['growth']} (x{sl['p99']['x']})"
                      if sl else "-")
            out.append([backend, name, *cells, growth])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="ascending ledger sizes in events")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--samples", type=int, default=200, help="calls per figure per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; figures are their medians")
    parser.add_argument("--keep", action="store_true", help=f"cache each size's database under {CACHE}")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if sizes != sorted(sizes) or sizes[0] < 10_000:
        parser.error("--sizes: ascending, the smallest at least 10,000 (the city and the career take ~9,100)")
    results = {b: run(b, sizes, args.samples, args.repeat, args.keep) for b in args.backends.split(",")}
    table("Growth: p50 / p99 ms at each size (median of rounds); growth from the first to the last size",
          ["backend", "figure", *[f"{s:,} events" for s in sizes], "growth p50 / p99"], rows(results))
    path = write_results("growth", {"sizes": sizes, "samples": args.samples, "repeat": args.repeat,
                                    "results": results})
    console.print(f"written {path}")


if __name__ == "__main__":
    main()
