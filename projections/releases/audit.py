"""The audit: each suppressed cell's minimum and maximum given everything published, by linear programming.

Every published cell of every release is fixed; every suppressed cell is a variable >= 0 (an
integer, relaxed: the LP interval contains the integer one, so a cell the LP leaves wide may
still be a little narrower in integers, never the other way round for pinning); the rows are
`table.rows` of every release. A cell published by any release is known, so releases that count
the same people on the same day constrain each other. The system splits into independent parts
(cells linked by no row cannot inform each other); each part is one HiGHS model whose objective
is changed per cell, minimised then maximised.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import highspy
import numpy as np

from projections.releases.highs import silent_model
from projections.releases.table import Cell, Row
from projections.releases.witnesses import search

MIN_SPREAD = 2  # a suppressed count must stay uncertain by at least ±2 people ...
SHARE = 0.5  # ... and by ±50 % of its true value: interval width >= max(4, the value)
TOLERANCE = 1e-6  # how far an offered point may miss a rule and still count as a solution (HiGHS's own is 1e-7)


def protected(value: int | None, lo: float, hi: float) -> bool:
    """The protection rule. `value` None (a cell of an earlier release, whose true value is not at hand):
    the conservative form, width >= max(4, hi), which holds for every value the interval allows."""
    width = hi - lo
    if math.isinf(width):
        return True
    bound = hi if value is None else value
    return width >= max(2 * MIN_SPREAD, 2 * SHARE * bound) - 1e-6


def linked(new: dict[Cell, Any], earlier: list[tuple[dict[Cell, int | None], list[Row]]]
           ) -> list[tuple[dict[Cell, int | None], list[Row]]]:
    """The earlier releases that share a cell with the new one, directly or through each other. The others
    form parts of the system the new release is in no rule with: they cannot narrow its cells, nor it theirs."""
    cells, out, left = set(new), [], list(earlier)
    grew = True
    while grew:
        grew = False
        for r in list(left):
            if cells.intersection(r[0]):
                out.append(r)
                left.remove(r)
                cells |= set(r[0])
                grew = True
    return out


class Audit:
    """The linear system of a set of releases; `interval(cell)` solves a suppressed cell's range."""

    def __init__(self, releases: Iterable[tuple[dict[Cell, int | None], list[Row]]]) -> None:
        self.known: dict[Cell, int] = {}
        hidden: set[Cell] = set()
        self.rows: list[Row] = []
        for values, rows in releases:
            for cell, v in values.items():
                if v is None:
                    hidden.add(cell)
                else:
                    self.known[cell] = v
            self.rows += rows
        self.hidden = hidden - set(self.known)
        self._parts: dict[Cell, Cell] = {}
        self._models: dict[Cell, tuple[Any, dict[Cell, int]]] = {}
        self._seen: dict[Cell, tuple[Any, Any]] = {}  # per part: the least and greatest value of each cell in any solution
        self._carried: dict[Cell, tuple[float, float]] = {}  # the same, per cell, of parts since dropped by `hide`
        self._rows_of: dict[Cell, list[int]] | None = None
        self._order: dict[Cell, list[Cell]] = {}  # per part: its cells in the order of the model's columns
        self._offered: dict[Cell, list[int]] = {}  # per cell: the offered points that give it a value
        self._offer: tuple[list[tuple[list[Cell], Any]], dict[Cell, int | None]] = ([], {})
        self.points: list[tuple[list[Cell], Any]] = []  # the solutions that widened some cell's range (`witnesses`)
        self.values: dict[Cell, int | None] = {}  # the true values of suppressed cells, when at hand (`aim`)
        self._searched: set[Cell] = set()  # the parts whose model `_search` has already run on
        self._link()

    def _find(self, c: Cell) -> Cell:
        parent = self._parts
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def part(self, cell: Cell) -> Cell:
        """The independent part of the system a suppressed cell belongs to."""
        return self._find(cell)

    def _link(self) -> None:
        self._by_part: dict[Cell, list[int]] = {}
        for cells, _ in self.rows:
            free = [c for c in cells if c in self.hidden]
            for c in free[1:]:
                a, b = self._find(free[0]), self._find(c)
                if a != b:
                    self._parts[a] = b
        for i, (cells, _) in enumerate(self.rows):
            free = [c for c in cells if c in self.hidden]
            if free:
                self._by_part.setdefault(self._find(free[0]), []).append(i)
        self._members: dict[Cell, list[Cell]] = {}
        for c in sorted(self.hidden):
            self._members.setdefault(self._find(c), []).append(c)

    def hide(self, cell: Cell) -> None:
        """Suppress a published cell (a complement): only the parts it joins are rebuilt. Their cells keep the
        ranges their solutions showed: each solution, with the cell at its published value, is a solution of
        the new system too (the value satisfied every rule), so those values stay inside every interval."""
        if self._rows_of is None:
            self._rows_of = {}
            for i, (cells, _) in enumerate(self.rows):
                for c in cells:
                    self._rows_of.setdefault(c, []).append(i)
        value = self.known.pop(cell)
        self.hidden.add(cell)
        rows = set(self._rows_of.get(cell, []))
        roots = {self._find(c) for i in rows for c in self.rows[i][0] if c in self.hidden and c != cell}
        for root in roots:
            if root in self._models:
                (_, index), (lo, hi) = self._models.pop(root), self._seen.pop(root)
                self._carried.update((c, (lo[j], hi[j])) for c, j in index.items())
            rows.update(self._by_part.pop(root, []))
        self._carried[cell] = (value, value)
        members = [cell] + [c for root in roots for c in self._members.pop(root)]
        for root in roots:
            self._parts[root] = cell
        self._parts[cell] = cell
        self._by_part[cell] = sorted(rows)
        self._members[cell] = sorted(members)

    def _model(self, cell: Cell) -> tuple[Any, dict[Cell, int]]:
        part = self._find(cell)
        if part in self._models:
            return self._models[part]
        h = silent_model()
        index: dict[Cell, int] = {}
        for c in self._members[part]:
            index[c] = len(index)
        h.addVars(len(index), np.zeros(len(index)), np.full(len(index), highspy.kHighsInf))
        matrix = np.zeros((len(self._by_part.get(part, [])), len(index)))
        bounds = np.zeros((2, len(matrix)))
        for r, i in enumerate(self._by_part.get(part, [])):
            cells, kind = self.rows[i]
            const = sum(k * self.known[c] for c, k in cells.items() if c in self.known)
            free = [(index[c], k) for c, k in cells.items() if c in index]
            upper = -const
            lower = upper if kind == "eq" else -highspy.kHighsInf
            h.addRow(lower, upper, len(free), np.array([j for j, _ in free], dtype=np.int32),
                     np.array([float(k) for _, k in free]))
            matrix[r, [j for j, _ in free]] = [k for _, k in free]
            bounds[:, r] = (lower, upper)
        self._models[part] = (h, index)
        self._order[part] = list(index)
        lo, hi = self._seen[part] = (np.full(len(index), np.inf), np.full(len(index), -np.inf))
        for c, j in index.items():
            if c in self._carried:
                lo[j], hi[j] = self._carried.pop(c)
        self._take_offered(part, index, matrix, bounds)
        self._spread(h, part, len(index))
        return h, index

    def aim(self, values: dict[Cell, int | None]) -> None:
        """The true values of the suppressed cells (the release's own): the first cell of a part its witnesses do
        not decide sets off a search for solutions that decide the part's other cells too (`search`)."""
        self.values = values

    def offer(self, points: list[tuple[list[Cell], Any]], values: dict[Cell, int | None]) -> None:
        """Solutions found by another audit of the same figures (its `points`), each a value per cell it solved;
        the cells it did not solve take their `values`. A point is a witness here only if it satisfies every
        rule of this system, checked when its part's model is built: a wrong point is ignored, never trusted."""
        self._offer = (points, values)
        for n, (cells, _) in enumerate(points):
            for c in cells:
                self._offered.setdefault(c, []).append(n)

    def _take_offered(self, part: Cell, index: dict[Cell, int], matrix: Any, bounds: Any) -> None:
        points, values = self._offer
        chosen = sorted({n for c in index for n in self._offered.get(c, [])})
        if not chosen:
            return
        unknown = [c for c in index if values.get(c) is None]  # no true value to fill in: the point must have one
        base = np.array([float(values.get(c) or 0) for c in index])
        xs = np.tile(base, (len(chosen), 1))
        for row, n in enumerate(chosen):
            cells, x = points[n]
            pairs = [(index[c], k) for k, c in enumerate(cells) if c in index]
            xs[row, [j for j, _ in pairs]] = x[[k for _, k in pairs]]
            if unknown and not set(unknown) <= set(cells):
                xs[row, :] = -1  # not a point of this part: never a witness
        sums = xs @ matrix.T
        ok = ((xs >= -TOLERANCE).all(axis=1) & (sums >= bounds[0] - TOLERANCE).all(axis=1)
              & (sums <= bounds[1] + TOLERANCE).all(axis=1))
        if ok.any():
            lo, hi = self._seen[part]
            np.minimum(lo, xs[ok].min(axis=0), out=lo)
            np.maximum(hi, xs[ok].max(axis=0), out=hi)

    def _spread(self, h: Any, part: Cell, n: int) -> None:
        """Two solves that push every cell of the part down at once, then up: their solutions are the
        witnesses that settle most cells of `protects` without a solve of their own."""
        every = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, every, np.ones(n))
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            h.run()
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                self._witness(h, part)
        h.changeColsCost(n, every, np.zeros(n))

    def _witness(self, h: Any, part: Cell) -> None:
        x = np.asarray(h.getSolution().col_value)
        lo, hi = self._seen[part]
        if (x < lo).any() or (x > hi).any():
            self.points.append((self._order[part], x))
        np.minimum(lo, x, out=lo)
        np.maximum(hi, x, out=hi)

    def protects(self, cell: Cell, value: int) -> bool:
        """`protected(value, *interval(cell))`, solving no more than needed: the true value lies in the
        interval and 0 bounds it below, so the maximum alone can already decide. Every optimal solution of the
        part is a feasible point, so the values the cell took in earlier solves (and its true value) lie in its
        interval: when they already span the width the rule asks, the cell is protected without a solve."""
        need = max(2 * MIN_SPREAD, 2 * SHARE * value) - 1e-6
        h, index = self._model(cell)
        part = self._find(cell)
        lo, top = self._seen[part]
        j = index[cell]
        if max(top[j], value) - min(lo[j], value) >= need:
            return True
        if part not in self._searched and self.values:
            self._searched.add(part)
            search(self, h, part, MIN_SPREAD, SHARE)
            if max(top[j], value) - min(lo[j], value) >= need:
                return True
        hi = self._solve(cell, (highspy.ObjSense.kMaximize,))[0]
        if hi - 0 < need:
            return False
        if value == 0 or math.isinf(hi):
            return True
        return protected(value, self._solve(cell, (highspy.ObjSense.kMinimize,))[0], hi)

    def protects_unknown(self, cell: Cell) -> bool:
        """`protected(None, *interval(cell))` for a cell of an earlier release, whose true value is not at hand:
        the rule then holds exactly when the minimum is 0 and the maximum at least 4 (or unbounded), which
        witnesses (solutions at 0 and at 4 or more) can already show."""
        if cell in self.known:
            return False
        _, index = self._model(cell)
        lo, hi = self._seen[self._find(cell)]
        j = index[cell]
        if lo[j] <= 1e-9 and hi[j] >= 2 * MIN_SPREAD - 1e-6:
            return True
        return protected(None, *self.interval(cell))

    def interval(self, cell: Cell) -> tuple[float, float]:
        """The least and greatest value of a suppressed cell consistent with everything published."""
        if cell in self.known:
            return self.known[cell], self.known[cell]
        lo, hi = self._solve(cell, (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize))
        return lo, hi

    def _solve(self, cell: Cell, senses: tuple[Any, ...]) -> list[float]:
        h, index = self._model(cell)
        j = index[cell]
        h.changeColCost(j, 1.0)
        out: list[float] = []
        for sense in senses:
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                out.append(h.getInfo().objective_function_value)
                self._witness(h, self._find(cell))
            elif sense == highspy.ObjSense.kMaximize and status in (
                    highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
                out.append(math.inf)  # the true values are a feasible point, so this is unbounded
            else:
                raise RuntimeError(f"the audit's LP for {cell} ended {h.modelStatusToString(status)}")
        h.changeColCost(j, 0.0)
        return out
