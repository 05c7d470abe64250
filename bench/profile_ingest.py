"""cProfile of the write path (docs/PERFORMANCE.md, "Profiles"): batch `Ledger.record` or the bulk path.

    .venv/bin/python -m bench.profile_ingest [--path record|bulk] [--events 5000] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time

from bench import common
from bench.ingest import BULK_POSTINGS, EMPLOYEES
from ledger.application import Ledger
from ledger.bulk import Posting


def profile(backend: str, path: str, events: int, top: int) -> None:
    with common.database(backend) as url:
        ledger = Ledger(url, clock=common.StepClock())
        try:
            ledger.record(common.unit_bodies(), "bench", batch=True)
            ledger.record([common.appointment(i) for i in range(EMPLOYEES)], "bench", batch=True)
            step = 1000 * (BULK_POSTINGS if path == "bulk" else 1)
            profiler, t0 = cProfile.Profile(), time.perf_counter()
            profiler.enable()
            for start in range(0, events, step):
                batches = [[common.training(k, k % EMPLOYEES) for k in range(s, min(s + 1000, events))]
                           for s in range(start, min(start + step, events), 1000)]
                if path == "bulk":
                    ledger.record_bulk([Posting(b, "bench", batch=True) for b in batches])
                else:
                    ledger.record(batches[0], "bench", batch=True)
            profiler.disable()
            seconds = time.perf_counter() - t0
        finally:
            ledger.close()
    print(f"{backend} {path}: {events:,} events, {events / seconds:,.0f} events/s under cProfile; "
          f"load average {os.getloadavg()[0]:.2f} (a shared machine: rough)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", choices=["record", "bulk"], default="bulk")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        profile(backend, args.path, args.events, args.top)


if __name__ == "__main__":
    main()
