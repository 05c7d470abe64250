"""Tamper evidence at scale: `jejak verify` beside the raw read rate, proof latencies at large sizes.

    .venv/bin/python -m bench.integrity                 # 100,000 events, SQLite and PostgreSQL
    .venv/bin/python -m bench.integrity --events 1000000
    .venv/bin/python -m bench.integrity --million --backends postgres

Events are recorded through `Ledger.record` (real rules) in batches of 1,000: units
registered and their yearly training budgets. Goals (issue 5): verify at least half
the raw read rate; inclusion and consistency proofs under 5 ms at p99.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import StepClock, database, progress, summary_ms, table, timed, write_results
from ledger.application import Ledger, open_reader
from ledger.integrity.checkpoints import Checkpointer, create_key_file
from ledger.integrity.tree import StoredTree
from ledger.integrity.verifier import root_from_inclusion, verify_consistency
from ledger.integrity.verify import PAGE, verify
from projections.runner import Projections
from projections.verify import compare_with_rebuild

BATCH = 1000
UNITS_PER_BATCH = 100


def batch_bodies(b: int) -> list[dict[str, Any]]:
    """100 new units and 900 budget allocations for them: 1,000 valid events."""
    codes = [f"B{b}-{u}" for u in range(UNITS_PER_BATCH)]
    bodies = [{"type": "UnitRegistered", "subject": c, "data": {"name": f"Unit kerja {c}"}} for c in codes]
    per_unit = (BATCH - UNITS_PER_BATCH) // UNITS_PER_BATCH
    bodies += [{"type": "TrainingBudgetAllocated", "subject": c, "data": {"year": 2018 + y, "amount": 25_000_000}}
               for c in codes for y in range(per_unit)]
    return bodies


def fill(ledger: Ledger, events: int) -> float:
    with progress() as bar:
        task = bar.add_task("recording", total=events)
        start = time.perf_counter()
        for b in range(events // BATCH):
            ledger.record(batch_bodies(b), "bench", batch=True)
            bar.update(task, advance=BATCH)
    return time.perf_counter() - start


def raw_read(ledger: Ledger, total: int) -> float:
    """Read every event once, in the pages verify reads: the baseline verify is compared with."""
    def scan() -> None:
        for start in range(1, total + 1, PAGE):
            ledger.recorder.select_notifications(start, PAGE)
    return timed(scan)


def decoding_read(ledger: Ledger, total: int) -> float:
    """Read and JSON-decode every event: the floor for any checker that must look inside events."""
    def scan() -> None:
        for start in range(1, total + 1, PAGE):
            for note in ledger.recorder.select_notifications(start, PAGE):
                json.loads(note.state)
    return timed(scan)


def timed_verify(ledger: Ledger, url: str, anchors: list[Any], workers: int, label: str) -> float:
    total = ledger.head()
    with progress() as bar:
        task = bar.add_task(label, total=total)
        t0 = time.perf_counter()
        result = verify(ledger.recorder, anchors, lambda done, n: bar.update(task, completed=done),
                        url=url, workers=workers, open_reader=open_reader)
        elapsed = time.perf_counter() - t0
    assert result.ok, result.problems[:3]
    return elapsed


def timed_read_model_check(ledger: Ledger, url: str) -> float:
    """`jejak verify --projections`' extra work: catch the live read models up (not timed), then
    rebuild them all into scratch and compare row by row (timed)."""
    live = Projections(url)
    try:
        live.catch_up(ledger)
    finally:
        live.close()
    t0 = time.perf_counter()
    differing = compare_with_rebuild(ledger, url)
    elapsed = time.perf_counter() - t0
    assert differing == [], differing[:3]
    return elapsed


def proofs(tree: StoredTree, size: int, samples: int) -> dict[str, Any]:
    rng = random.Random(9162)
    inclusion, consistency = [], []
    root = tree.head(size)[1]
    for _ in range(samples):
        p = rng.randrange(1, size + 1)
        t0 = time.perf_counter()
        proof = tree.inclusion(p, size)
        inclusion.append(time.perf_counter() - t0)
        assert root_from_inclusion(p - 1, size, bytes.fromhex(proof["leaf_hash"]),
                                   [bytes.fromhex(h) for h in proof["audit_path"]]) == root
        first = rng.randrange(1, size)
        t0 = time.perf_counter()
        c = tree.consistency(first, size)
        consistency.append(time.perf_counter() - t0)
        if len(consistency) <= 20:  # spot-check correctness without timing the check
            assert verify_consistency(first, size, tree.head(first)[1], root, [bytes.fromhex(h) for h in c["proof"]])
    return {"inclusion": summary_ms(inclusion), "consistency": summary_ms(consistency),
            "inclusion_path_len": len(proof["audit_path"])}


def run(backend: str, events: int, samples: int, workers: int) -> dict[str, Any]:
    with database(backend) as url, tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(url, clock=StepClock())
        try:
            record_s = fill(ledger, events)
            key = Path(tmp) / "bench.key"
            create_key_file(key)
            checkpointer = Checkpointer(ledger.recorder, key)
            checkpointer.issue()
            total = ledger.head()
            raw_s, decode_s = raw_read(ledger, total), decoding_read(ledger, total)
            anchors = [checkpointer.key().public_key()]
            verify_s = timed_verify(ledger, url, anchors, 1, f"verify {backend}")
            parallel_s = timed_verify(ledger, url, anchors, workers, f"verify {backend} x{workers}")
            latencies = proofs(StoredTree(ledger.recorder), total, samples)
            read_models_s = timed_read_model_check(ledger, url)
        finally:
            ledger.close()
    raw_rate, verify_rate = total / raw_s, total / min(verify_s, parallel_s)
    return {"backend": backend, "events": total, "record_events_per_s": round(total / record_s),
            "raw_read_events_per_s": round(raw_rate), "decoding_read_events_per_s": round(total / decode_s),
            "verify_events_per_s_1_process": round(total / verify_s),
            f"verify_events_per_s_{workers}_workers": round(total / parallel_s),
            "verify_events_per_s": round(verify_rate), "verify_over_raw": round(verify_rate / raw_rate, 3),
            "verify_s": round(min(verify_s, parallel_s), 2),
            "verify_projections_s": round(read_models_s, 2), **latencies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000, help="events to record (multiple of 1,000)")
    parser.add_argument("--million", action="store_true", help="shorthand for --events 1000000")
    parser.add_argument("--samples", type=int, default=1000, help="proofs timed per kind")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="processes for the parallel verify")
    args = parser.parse_args()
    events = 1_000_000 if args.million else args.events
    if events < BATCH or events % BATCH:
        parser.error("--events: a positive multiple of 1,000")
    results = [run(b.strip(), events, args.samples, args.workers) for b in args.backends.split(",")]
    table(f"jejak verify and proofs at {events:,} events",
          ["backend", "events", "raw read ev/s", "read+decode ev/s", "verify ev/s", "verify/raw", "incl p50 ms",
           "incl p99 ms", "cons p50 ms", "cons p99 ms"],
          [[r["backend"], r["events"], r["raw_read_events_per_s"], r["decoding_read_events_per_s"],
            r["verify_events_per_s"], r["verify_over_raw"],
            r["inclusion"]["p50_ms"], r["inclusion"]["p99_ms"], r["consistency"]["p50_ms"],
            r["consistency"]["p99_ms"]] for r in results])
    path = write_results("integrity", {"events": events, "results": results,
                                       "goals": {"verify_over_raw": 0.5, "proof_p99_ms": 5}})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
