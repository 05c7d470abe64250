"""Issue 16's linear attack as a citizen writes it: every published release's JSON, one LP, each hidden cell's range.

Deliberately not the gate's own model (`projections.releases.table` and `audit`): a blind spot the two
shared would go unseen. A cell is named by (as_of, unit or KOTA, path), so releases counting the same day
share it; the rules are the identities a reader knows (types add up to the total, PNS within the total,
20 JP staff = PNS, met + below = staff, ratings at most the total, feedback parts add up to the total, the
city is the sum of its units). The system is solved in its connected parts: rows sharing no unknown with
the others bound only their own unknowns (the true figures are a feasible point of the whole).
"""

from __future__ import annotations

import math
from typing import Any, Iterator

import highspy
import numpy as np

Cell = tuple[str, ...]


def _groups(body: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "KOTA", body["city"]
    for g in body["items"]:
        yield g["code"], g


def _paths(g: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    yield from (("headcount", "total"), ("headcount", "pns"))
    yield from (("headcount", "by_position_type", t) for t in g["headcount"]["by_position_type"])
    for section in ("training", "predikat"):
        yield from ((section, y, k) for y, cells in g[section].items() for k in cells)
    yield ("feedback", "total")
    yield from (("feedback", p, k) for p in ("by_status", "by_classification") for k in g["feedback"][p])


def _value(g: dict[str, Any], path: tuple[str, ...]) -> int | None:
    for k in path:
        g = g[k]
    return g if isinstance(g, int) and not isinstance(g, bool) else None


def system(bodies: list[dict[str, Any]]) -> tuple[dict[Cell, int | None], list[tuple[dict[Cell, int], str]]]:
    """Every cell of every release (None when suppressed) and every rule: coefficients, "eq" (= 0) or "le" (<= 0)."""
    values: dict[Cell, int | None] = {}
    rows: list[tuple[dict[Cell, int], str]] = []
    for b in bodies:
        on = b["as_of"]
        for code, g in _groups(b):
            values.update({(on, code, *p): _value(g, p) for p in _paths(g)})

            def c(*p: str, code: str = code) -> Cell:
                return (on, code, *p)
            types = g["headcount"]["by_position_type"]
            rows.append(({c("headcount", "total"): 1,
                          **{c("headcount", "by_position_type", t): -1 for t in types}}, "eq"))
            rows.append(({c("headcount", "pns"): 1, c("headcount", "total"): -1}, "le"))
            for y in g["training"]:
                rows.append(({c("training", y, "staff"): 1, c("headcount", "pns"): -1}, "eq"))
                rows.append(({c("training", y, "met_20_jp"): 1, c("training", y, "below_20_jp"): 1,
                              c("training", y, "staff"): -1}, "eq"))
            for y, ratings in g["predikat"].items():
                rows.append(({**{c("predikat", y, r): 1 for r in ratings}, c("headcount", "total"): -1}, "le"))
            for part in ("by_status", "by_classification"):
                rows.append(({c("feedback", "total"): 1, **{c("feedback", part, k): -1 for k in g["feedback"][part]}},
                             "eq"))
        for p in _paths(b["city"]):
            rows.append(({(on, "KOTA", *p): 1, **{(on, g["code"], *p): -1 for g in b["items"]}}, "eq"))
    return values, rows


def parts(values: dict[Cell, int | None], rows: list[tuple[dict[Cell, int], str]]) -> list[list[Cell]]:
    """The suppressed cells grouped by the rules that link them (directly or through each other)."""
    parent = {c: c for c, v in values.items() if v is None}

    def find(c: Cell) -> Cell:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c
    for coeffs, _ in rows:
        free = [c for c in coeffs if c in parent]
        for o in free[1:]:
            parent[find(o)] = find(free[0])
    out: dict[Cell, list[Cell]] = {}
    for c in parent:
        out.setdefault(find(c), []).append(c)
    return list(out.values())


def intervals(values: dict[Cell, int | None], rows: list[tuple[dict[Cell, int], str]]
              ) -> dict[Cell, tuple[float, float]]:
    """Each suppressed cell's least and greatest value consistent with everything published (LP, HiGHS)."""
    out: dict[Cell, tuple[float, float]] = {}
    for members in parts(values, rows):
        index = {c: i for i, c in enumerate(members)}
        h = highspy.Highs()
        h.silent()
        h.setOptionValue("presolve", "off")
        h.addVars(len(index), np.zeros(len(index)), np.full(len(index), highspy.kHighsInf))
        for coeffs, kind in rows:
            free = [(index[c], k) for c, k in coeffs.items() if c in index]
            if not free:
                continue
            const = sum(k * values[c] for c, k in coeffs.items() if values.get(c) is not None)
            h.addRow(-const if kind == "eq" else -highspy.kHighsInf, -const, len(free),
                     np.array([j for j, _ in free], dtype=np.int32), np.array([float(k) for _, k in free]))
        for c, j in index.items():
            h.changeColCost(j, 1.0)
            bounds = []
            for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
                h.changeObjectiveSense(sense)
                h.run()
                status = h.getModelStatus()
                if status == highspy.HighsModelStatus.kOptimal:
                    bounds.append(h.getInfo().objective_function_value)
                elif sense == highspy.ObjSense.kMaximize:
                    bounds.append(math.inf)  # feasible (the truth is a point of it) and unbounded above
                else:
                    raise RuntimeError(f"{c}: {h.modelStatusToString(status)}")
            h.changeColCost(j, 0.0)
            out[c] = (bounds[0], bounds[1])
    return out
