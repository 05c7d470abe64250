"""Whole-ledger export (`jejak export`, `GET /v1/ledger/export`) beside the raw read of the log.

    .venv/bin/python -m bench.export                         # 20,000 events, SQLite and PostgreSQL
    .venv/bin/python -m bench.export --events 100000 --backends sqlite

The export writes every event's canonical bytes and its inclusion proof against one checkpoint,
then zips them. Figures: the raw read rate (events/s: `select_notifications` pages, nothing
decoded), the export rate, and the one-proof-at-a-time rate the export had before its proofs came
by page (timed on the first --old-sample events only: it is slow). Goal (issue 19): 1 M events
within the gunicorn worker timeout of 120 s, i.e. at least 8,334 events/s; the 1 M figure printed
is a linear extrapolation unless --events is 1,000,000.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import StepClock, database, table, timed, write_results
from bench.integrity import BATCH, fill, raw_read
from ledger.application import Ledger
from ledger.integrity.bundle import export
from ledger.integrity.checkpoints import Checkpointer, create_key_file
from ledger.integrity.tree import StoredTree

WORKER_TIMEOUT_S = 120


def one_by_one(ledger: Ledger, size: int, count: int) -> float:
    """Seconds for `count` proofs the old way: StoredTree.inclusion per event."""
    tree = StoredTree(ledger.recorder)
    t0 = time.perf_counter()
    for p in range(1, count + 1):
        tree.inclusion(p, size)
    return time.perf_counter() - t0


def run(backend: str, events: int, old_sample: int) -> dict[str, Any]:
    with database(backend) as url, tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(url, clock=StepClock())
        try:
            fill(ledger, events)
            key = Path(tmp) / "bench.key"
            create_key_file(key)
            checkpointer = Checkpointer(ledger.recorder, key)
            checkpointer.issue()
            total = ledger.head()
            raw_s = raw_read(ledger, total)
            out = Path(tmp) / "bundle.zip"
            cpu = time.process_time()
            export_s = timed(lambda: export(ledger.recorder, checkpointer, out))
            cpu = time.process_time() - cpu  # this process's CPU: what a loaded machine does not inflate
            size = out.stat().st_size
            sample = min(old_sample, total)
            old_s = one_by_one(ledger, total, sample)
        finally:
            ledger.close()
    rate = total / export_s
    return {"backend": backend, "events": total, "raw_read_events_per_s": round(total / raw_s),
            "export_events_per_s": round(rate), "export_s": round(export_s, 2),
            "export_cpu_s": round(cpu, 2), "export_events_per_cpu_s": round(total / cpu),
            "export_over_raw": round(rate / (total / raw_s), 3),
            "one_by_one_proofs_per_s": round(sample / old_s), "bundle_bytes": size,
            "export_1m_s_extrapolated": round(1_000_000 / rate, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="events to record (multiple of 1,000)")
    parser.add_argument("--old-sample", type=int, default=5_000, help="proofs timed the one-by-one way")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    args = parser.parse_args()
    if args.events < BATCH or args.events % BATCH:
        parser.error("--events: a positive multiple of 1,000")
    results = [run(b.strip(), args.events, args.old_sample) for b in args.backends.split(",")]
    table(f"whole-ledger export at {args.events:,} events",
          ["backend", "events", "raw read ev/s", "export ev/s", "export ev/CPU s", "export/raw", "old proofs/s",
           "1 M export s (extrap.)"],
          [[r["backend"], r["events"], r["raw_read_events_per_s"], r["export_events_per_s"],
            r["export_events_per_cpu_s"], r["export_over_raw"],
            r["one_by_one_proofs_per_s"], r["export_1m_s_extrapolated"]] for r in results])
    path = write_results("export", {"events": args.events, "results": results,
                                    "goals": {"export_1m_s": WORKER_TIMEOUT_S}})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
