"""Where a read-model rebuild spends its time: each read model's `apply` timed, and one profiled under cProfile.

Run: .venv/bin/python -m bench.profile_projections [--employees 600] [--years 3] [--db /tmp/city.db]
     [--profile audit_index] [--top 25]
A demo city is generated and recorded once into the SQLite file (kept for the next run); its log is read
and decoded once, then every read model is rebuilt from those events in 100,000-event chunks (as the
demo does), each `apply` timed; then the one named by --profile is rebuilt again under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import time
from datetime import date
from pathlib import Path
from typing import Any

from api.demo.generator import generate
from api.demo.recording import DEMO_LEDGER_ENV, SimClock, record, relax_sqlite_sync
from ledger.application import Ledger
from projections.runner import Projections
from projections.source import read


def city(db: Path, employees: int, years: int) -> Ledger:
    """The demo city's ledger, recorded into `db` unless it is already there."""
    clock = SimClock()
    fresh = not db.exists()
    ledger = Ledger(f"sqlite:///{db}", clock=clock, env=DEMO_LEDGER_ENV)
    if fresh:
        relax_sqlite_sync(ledger)
        t0 = time.perf_counter()
        world = generate(employees, years, seed=1, today=date(2026, 11, 28))
        record(ledger, clock, world.plan.ordered(), lambda n: None)
        print(f"recorded {ledger.head()} positions in {time.perf_counter() - t0:.1f} s")
    return ledger


def timed(projections: Projections, seconds: dict[str, list[float]]) -> None:
    """Add each read model's `apply` seconds, [wall, CPU of this process], to `seconds`."""
    for name, projection in projections.projections.items():
        def apply(conn: Any, chunk: Any, _apply: Any = projection.apply, _name: str = name) -> None:
            t0, c0 = time.perf_counter(), time.process_time()
            _apply(conn, chunk)
            spent = seconds.setdefault(_name, [0.0, 0.0])
            spent[0] += time.perf_counter() - t0
            spent[1] += time.process_time() - c0
        projection.apply = apply  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=600)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--db", default="/tmp/profile-projections-city.db")
    parser.add_argument("--profile", default="audit_index")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    db = Path(args.db)
    ledger = city(db, args.employees, args.years)
    out = db.with_name(db.stem + "-read-models.db")
    t0 = time.perf_counter()
    c0 = time.process_time()
    events = read(ledger, 0, ledger.head() + 1)
    print(f"read and decoded {len(events)} events in {time.perf_counter() - t0:.2f} s"
          f" ({time.process_time() - c0:.2f} s CPU)")
    out.unlink(missing_ok=True)
    projections = Projections(f"sqlite:///{out}")
    seconds: dict[str, list[float]] = {}
    timed(projections, seconds)
    t0, c0 = time.perf_counter(), time.process_time()
    projections.rebuild(ledger, recorded=events, chunk_size=100_000)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"rebuild of every read model from the decoded events: {total:.2f} s ({cpu:.2f} s CPU);"
          " apply seconds (wall, CPU):")
    for name, (wall, used) in sorted(seconds.items(), key=lambda kv: -kv[1][1]):
        print(f"  {name:16} {wall:6.2f} {used:6.2f}")
    projections.close()
    if args.profile:
        projections = Projections(f"sqlite:///{out}")
        profile = cProfile.Profile()
        gc.disable()
        profile.enable()
        projections.rebuild(ledger, args.profile, recorded=events, chunk_size=100_000)
        profile.disable()
        gc.enable()
        projections.close()
        profile.dump_stats(str(db.with_suffix(".prof")))  # for pstats' print_callees and the like
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    ledger.close()


if __name__ == "__main__":
    main()
