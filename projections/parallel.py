"""Rebuilding projections in parallel processes: each has its own tracking row, so groups never interfere."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from typing import Any, Callable

# Relative cost of a projection in a rebuild (bench/projections.py): the audit index writes most.
WEIGHTS = {"audit_index": 4.0, "red_flags": 1.2, "public_stats": 1.2}


def groups(names: list[str], workers: int) -> list[list[str]]:
    """Split projections into at most `workers` groups of similar cost (largest first)."""
    bins: list[tuple[float, list[str]]] = [(0.0, []) for _ in range(max(1, min(workers, len(names))))]
    for name in sorted(names, key=lambda n: (-WEIGHTS.get(n, 0.6), n)):
        i = min(range(len(bins)), key=lambda k: bins[k][0])
        bins[i] = (bins[i][0] + WEIGHTS.get(name, 0.6), bins[i][1] + [name])
    return [b[1] for b in bins if b[1]]


def _rebuild_group(kind: type, url: str, names: list[str], chunk_size: int) -> int:
    from ledger.application import Ledger

    ledger, projections = Ledger(url), kind(url)
    try:
        return projections.catch_up(ledger, names, chunk_size=chunk_size)
    finally:
        projections.close()
        ledger.close()


def rebuild(projections: Any, names: list[str], workers: int, chunk_size: int,
            on_progress: Callable[[int], None] | None = None) -> int:
    """Catch up already-reset projections from zero in `workers` processes; progress is the slowest position.

    Each process opens its own `type(projections)` (the runner's class, passed in, so that this module
    never imports the runner that calls it)."""
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    with ProcessPoolExecutor(len(groups(names, workers)), mp_context=context) as pool:
        futures = [pool.submit(_rebuild_group, type(projections), projections.url, g, chunk_size) for g in groups(names, workers)]
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=0.3, return_when=FIRST_EXCEPTION)
            if any(f.done() and f.exception() for f in futures):
                break
            if on_progress:
                positions = projections.positions()
                on_progress(min(positions[n] for n in names))
        return max(f.result() for f in futures)
