"""A search for solutions that settle many suppressed cells at once, before any cell is solved on its own.

A part of the audit's system can hold thousands of suppressed cells (most of a small OPD's counts
are under 5); solving each cell's maximum and minimum is two LPs per cell. Yet a cell is protected as
soon as two solutions of the system, or one and its true value, lie `max(4, v)` apart: any solution
is a witness (`Audit.protects`). So each round solves the part once with an objective that pushes
every cell still undecided away from the values seen so far (up when it sits nearer the lowest,
down otherwise; random weights, so the cells tied by a rule take turns), and keeps the solution.
Rounds stop when every cell is decided or three rounds in a row decide no new one; the cells left
are then solved one by one as before. A witness only ever shows an interval at least that wide, so
the search changes no decision, only how many LPs reach it.
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np

ROUNDS = 60
STALE = 3  # rounds in a row that decide no new cell: stop searching


def search(audit: Any, h: Any, part: Any, spread: float, share: float) -> None:
    """Solve `part` (model `h`) in rounds aimed at the cells of `audit.values` that `protected` (±`spread`,
    ±`share` of the value) does not yet find decided by the part's witnesses; each solution becomes a witness."""
    order = audit._order[part]
    aimed = [(j, audit.values[c]) for j, c in enumerate(order) if audit.values.get(c) is not None]
    if not aimed:
        return
    js = np.array([j for j, _ in aimed], dtype=np.int64)
    v = np.array([float(x) for _, x in aimed])
    need = np.maximum(2 * spread, 2 * share * v) - 1e-6
    lo, hi = audit._seen[part]
    n = len(order)
    every = np.arange(n, dtype=np.int32)
    rng = np.random.default_rng(n)  # fixed: the same figures search the same way
    best, stale = len(js) + 1, 0
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    for _ in range(ROUNDS):
        top, bottom = np.maximum(hi[js], v), np.minimum(lo[js], v)
        open_ = top - bottom < need
        left = int(open_.sum())
        if left == 0:
            break
        stale = stale + 1 if left >= best else 0
        best = min(best, left)
        if stale >= STALE:
            break
        up = (v - bottom) <= (top - v)
        sign = np.where(up, -1.0, 1.0)  # minimised: a negative cost pushes the cell up
        cost = np.zeros(n)
        cost[js[open_]] = (sign * rng.uniform(0.5, 1.5, len(js)))[open_]
        h.changeColsCost(n, every, cost)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break  # unbounded that way: the cells are solved one by one, which knows what that means
        audit._witness(h, part)
    h.changeColsCost(n, every, np.zeros(n))
