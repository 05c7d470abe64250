"""Measuring the grown ledger: every figure's latency at one size, and how a figure grows across sizes."""

from __future__ import annotations

import math
import random
import statistics
from datetime import date, datetime, timedelta
from typing import Any, Callable

from bench.common import nip, progress, summary_ms, timed
from bench.growth.city import ACTORS, BATCH, EMPLOYEES, START, STEP, UNITS, staff
from bench.reads import WHO, raw_reader
from ledger.application import Ledger
from ledger.integrity.tree import StoredTree
from ledger.stream import stream_id

FIGURES = ("audit by actor", "audit by subject", "audit by unit + day", "as_of", "valid_at", "as_of cold",
           "inclusion proof", "consistency proof")


def measure(backend: str, url: str, samples: int, repeat: int, employees: int = EMPLOYEES,
            career_events: int = 1000) -> dict[str, Any]:
    """Every figure's p50/p99 (median over `repeat` rounds of `samples` calls) at the ledger's size."""
    from projections import queries
    from projections.engine import make_engine

    ledger, engine = Ledger(url), make_engine(url)
    cold = Ledger(url, env={"JEJAK_AGGREGATE_CACHE": "0"})
    tree = StoredTree(ledger.recorder)
    sid = stream_id("employee", nip(WHO))
    all_rows, close_raw = raw_reader(backend, url)
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
        return {"events": size, "latency": sample(kinds, samples, repeat, f"{backend} at {size:,}")}
    finally:
        close_raw()
        engine.dispose()
        cold.close()
        ledger.close()


def sample(kinds: dict[str, Callable[[], Any]], samples: int, repeat: int, label: str) -> dict[str, Any]:
    """Each kind's p50/p99 and every round's p99: medians over `repeat` rounds of `samples` calls each."""
    rounds: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    with progress() as bar:
        task = bar.add_task(f"{label}: {len(kinds)} kinds x {repeat} rounds",
                            total=len(kinds) * repeat * samples)
        for _ in range(repeat):
            for name, fn in kinds.items():
                fn()  # warm: connection, statement cache
                times = []
                for _ in range(samples):
                    times.append(timed(fn))
                    bar.advance(task)
                rounds[name].append(summary_ms(times))
    return {name: {"p50_ms": round(statistics.median(r["p50_ms"] for r in rs), 3),
                   "p99_ms": round(statistics.median(r["p99_ms"] for r in rs), 3),
                   "rounds_p99_ms": [r["p99_ms"] for r in rs], "n": samples * repeat}
            for name, rs in rounds.items()}


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
