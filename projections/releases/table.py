"""A release as cells and the linear rules that bind them: what an attacker can solve with.

A cell is one published count, named across releases by what it counts: (as-of date, unit or
KOTA, path), so two releases counting the same people on the same day share the cell. The rules
are every identity a reader knows: position types add up to the total, PNS are part of the
total, the 20 JP staff are the PNS and met plus below is staff, ratings never exceed the staff,
feedback by status and by classification each add up to the total, and the city is the sum of
its units, cell by cell.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

SUPPRESSED = {"suppressed": True}
CITY = "KOTA"
Cell = tuple[str, ...]
Row = tuple[dict[Cell, int], str]  # coefficients, and "eq" (sum = 0) or "le" (sum <= 0)


def _paths(group: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    yield ("headcount", "total")
    yield ("headcount", "pns")
    for t in group["headcount"]["by_position_type"]:
        yield ("headcount", "by_position_type", t)
    for year, cells in group["training"].items():
        for k in cells:
            yield ("training", year, k)
    for year, cells in group["predikat"].items():
        for k in cells:
            yield ("predikat", year, k)
    yield ("feedback", "total")
    for part in ("by_status", "by_classification"):
        for k in group["feedback"][part]:
            yield ("feedback", part, k)


def _get(group: dict[str, Any], path: tuple[str, ...]) -> Any:
    for k in path:
        group = group[k]
    return group


def _set(group: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for k in path[:-1]:
        group = group[k]
    group[path[-1]] = value


def _groups(content: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield CITY, content["city"]
    for g in content["items"]:
        yield g["code"], g


def cells(content: dict[str, Any]) -> dict[Cell, int | None]:
    """Every count of the release by cell name: its value, or None when suppressed."""
    out: dict[Cell, int | None] = {}
    for code, g in _groups(content):
        for path in _paths(g):
            v = _get(g, path)
            out[(content["as_of"], code, *path)] = v if isinstance(v, int) and not isinstance(v, bool) else None
    return out


def rows(content: dict[str, Any]) -> list[Row]:
    """Every linear identity that binds the release's cells."""
    on = content["as_of"]
    out: list[Row] = []
    for code, g in _groups(content):
        def c(*path: str) -> Cell:
            return (on, code, *path)
        out.append(({c("headcount", "total"): 1, **{c("headcount", "by_position_type", t): -1
                     for t in g["headcount"]["by_position_type"]}}, "eq"))
        out.append(({c("headcount", "pns"): 1, c("headcount", "total"): -1}, "le"))
        for year in g["training"]:
            out.append(({c("training", year, "staff"): 1, c("headcount", "pns"): -1}, "eq"))
            out.append(({c("training", year, "met_20_jp"): 1, c("training", year, "below_20_jp"): 1,
                         c("training", year, "staff"): -1}, "eq"))
        for year, ratings in g["predikat"].items():
            out.append(({**{c("predikat", year, r): 1 for r in ratings}, c("headcount", "total"): -1}, "le"))
        for part in ("by_status", "by_classification"):
            out.append(({c("feedback", "total"): 1, **{c("feedback", part, k): -1
                         for k in g["feedback"][part]}}, "eq"))
    for path in _paths(content["city"]):
        out.append(({(on, CITY, *path): 1, **{(on, g["code"], *path): -1 for g in content["items"]}}, "eq"))
    return out


def render(content: dict[str, Any], suppressed: set[Cell]) -> dict[str, Any]:
    """The content with each suppressed cell replaced by the marker (every category stays present)."""
    out = copy.deepcopy(content)
    for code, g in _groups(out):
        for path in list(_paths(g)):
            if (out["as_of"], code, *path) in suppressed:
                _set(g, path, dict(SUPPRESSED))
    return out
