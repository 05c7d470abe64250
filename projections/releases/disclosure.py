"""Disclosure control: primary suppression of small and homogeneous groups, then complements until the audit passes.

Primary rules (docs/PORTAL.md "Releases"): a headcount or feedback count under `MIN_COUNT` (0 to 4)
is suppressed; a group's ratings (predikat) and its 20 JP attainment are published only when the
group has at least `MIN_GROUP` people and no category holds all of them or all but fewer than
`MIN_COUNT`, and then each rating under `MIN_COUNT` is suppressed too. Every category is always
present, suppressed or not, so the presence of a key says nothing. Complements: each suppressed
cell in turn is solved (`audit.Audit`) against this release and every earlier one; while its
interval is narrower than the protection (`audit.protected`), the smallest published cell of a
rule it appears in (this release's only) is suppressed as well. Suppressing more only widens
intervals, so a cell found protected stays protected.
"""

from __future__ import annotations

from typing import Any

from projections.releases.audit import Audit, linked
from projections.releases.table import CITY, Cell, Row, cells, rows

MIN_COUNT = 5
MIN_GROUP = 10


class ReleaseRefused(Exception):
    """The release cannot be published: some cell would not stay protected."""


def primary(content: dict[str, Any]) -> set[Cell]:
    """Cells suppressed by the rules on their own group (before any complement)."""
    on, out = content["as_of"], set()
    for code, g in [(CITY, content["city"])] + [(u["code"], u) for u in content["items"]]:
        def c(*path: str) -> Cell:
            return (on, code, *path)
        hc = g["headcount"]
        out |= {c("headcount", k) for k in ("total", "pns") if hc[k] < MIN_COUNT}
        out |= {c("headcount", "by_position_type", t) for t, n in hc["by_position_type"].items() if n < MIN_COUNT}
        for year, t in g["training"].items():
            if t["staff"] < MIN_COUNT:
                out.add(c("training", year, "staff"))
            if not publishable([t["met_20_jp"], t["below_20_jp"]]):
                out |= {c("training", year, "met_20_jp"), c("training", year, "below_20_jp")}
        for year, ratings in g["predikat"].items():
            whole = not publishable(list(ratings.values()))
            out |= {c("predikat", year, r) for r, n in ratings.items() if whole or n < MIN_COUNT}
        fb = g["feedback"]
        out |= {c("feedback", "total")} if fb["total"] < MIN_COUNT else set()
        for part in ("by_status", "by_classification"):
            out |= {c("feedback", part, k) for k, n in fb[part].items() if n < MIN_COUNT}
    return out


def publishable(counts: list[int]) -> bool:
    """A distribution over a group may be shown: at least MIN_GROUP people, and not (nearly) all in one category."""
    n = sum(counts)
    return n >= MIN_GROUP and n - max(counts) >= MIN_COUNT


def masked(truth: dict[Cell, int | None], hidden: set[Cell]) -> dict[Cell, int | None]:
    return {c: (None if c in hidden else v) for c, v in truth.items()}


def protect(content: dict[str, Any], earlier: list[tuple[dict[Cell, int | None], list[Row]]],
            points: list[tuple[list[Cell], Any]] | None = None) -> set[Cell]:
    """Primary suppression plus the complements that keep every suppressed cell protected; raises
    ReleaseRefused when no complement is left to choose. `points`, when given, receives the audit's
    solutions, for the gate (`check`) to verify and use as witnesses instead of solving again."""
    truth, own_rows = cells(content), rows(content)
    earlier = linked(truth, earlier)
    hidden = primary(content)
    known_before = {c for values, _ in earlier for c, v in values.items() if v is not None}
    rows_of: dict[Cell, list[dict[Cell, int]]] = {}
    for coeffs, _ in own_rows:
        for c in coeffs:
            rows_of.setdefault(c, []).append(coeffs)
    queue = sorted(hidden)
    audit = Audit(earlier + [(masked(truth, hidden), own_rows)])
    audit.aim(truth)
    while queue:
        cell = queue.pop(0)
        while not audit.protects(cell, truth[cell]):
            choices = _complements(cell, hidden, rows_of, truth, known_before)
            if not choices:
                raise ReleaseRefused(f"{'/'.join(cell)}: interval narrower than the protection and no complement left")
            hidden.add(choices[0][1])
            queue.append(choices[0][1])
            audit.hide(choices[0][1])
    if points is not None:
        points += audit.points
    return hidden


def _complements(cell: Cell, hidden: set[Cell], rows_of: dict[Cell, list[dict[Cell, int]]],
                 truth: dict[Cell, int | None], fixed: set[Cell]) -> list[tuple[int, Cell]]:
    """Published cells of this release that could widen `cell`'s interval, nearest rules first: those of the
    rules it is in, else of the rules of the suppressed cells those rules reach, and so on; smallest first."""
    seen, frontier = {cell}, [cell]
    while frontier:
        choices, nxt = set(), []
        for c in frontier:
            for coeffs in rows_of.get(c, []):
                for o in coeffs:
                    if o in seen:
                        continue
                    seen.add(o)
                    if o in hidden or o in fixed:
                        nxt.append(o)
                    elif o in truth:
                        choices.add((truth[o], o))
        if choices:
            return sorted(choices)
        frontier = nxt
    return []


def check(content: dict[str, Any], hidden: set[Cell], earlier: list[tuple[dict[Cell, int | None], list[Row]]],
          points: list[tuple[list[Cell], Any]] | None = None) -> list[str]:
    """The gate before publishing: every suppressed cell of this release (true value at hand) and of earlier ones
    (the conservative rule) solved over all releases; the cells that are not protected (none: publish). The
    gate builds its own system from the figures; `points` (from `protect`) are only solutions it may use as
    witnesses once it has checked each against its own rules, so a cell is decided exactly as by its solves."""
    truth = cells(content)
    earlier = linked(truth, earlier)
    audit = Audit(earlier + [(masked(truth, hidden), rows(content))])
    audit.aim(truth)
    if points:
        audit.offer(points, truth)
    bad = [c for c in sorted(hidden) if not audit.protects(c, truth[c])]
    # An earlier cell can only have narrowed if the new release shares a rule with its part of the system.
    touched = {audit.part(c) for c in hidden if c in audit.hidden}
    for values, _ in earlier:
        bad += [c for c, v in values.items() if v is None and c in audit.hidden and audit.part(c) in touched
                and not audit.protects_unknown(c)]
    return ["/".join(c) for c in bad]
