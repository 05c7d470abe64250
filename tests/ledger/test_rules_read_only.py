"""The rules read the stream's kept state without a deep copy (`employee.current`), so they must never change
it: a demo city, with every kind of career event and its planted irregularities, is decided here on a state
frozen all the way down, and each planted irregularity still carries exactly its findings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from api.demo.generator import generate
from api.demo.recording import DEMO_LEDGER_ENV, SimClock, record, relax_sqlite_sync
from ledger import employee
from ledger.application import Ledger


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise TypeError("a rule wrote into the employee's kept state")


class FrozenDict(dict):
    """A dict (so `isinstance(x, dict)` still holds) that refuses every write."""

    __setitem__ = __delitem__ = update = pop = popitem = setdefault = clear = __ior__ = _refuse


class FrozenList(list):
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse


def frozen(value: Any) -> Any:
    """`value` with every dict, list and set refusing writes, all the way down."""
    if isinstance(value, dict):
        return FrozenDict({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(frozen(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def test_frozen_catches_a_rule_that_writes_into_the_state():
    state = frozen({"penalties": {"a": {"kind": "x"}}, "cltn": [(date(2025, 1, 1), date(2025, 2, 1))]})
    with pytest.raises(TypeError):
        state["penalties"]["b"] = {}
    with pytest.raises(TypeError):
        state["cltn"].append(None)
    with pytest.raises(TypeError):
        state["penalties"]["a"].update(kind="y")


def test_a_demo_city_decided_on_a_frozen_state_carries_exactly_its_planted_findings(database_url, monkeypatch):
    read = employee.current
    reads = []

    def current(emp):
        state = read(emp)
        reads.append(state is not None)
        return None if state is None else frozen(state)

    monkeypatch.setattr(employee, "current", current)
    world = generate(200, 2, seed=5, today=date(2026, 11, 28))
    clock = SimClock()
    city = Ledger(database_url, clock=clock, env=DEMO_LEDGER_ENV)
    relax_sqlite_sync(city)
    try:
        record(city, clock, world.plan.ordered(), lambda n: None)
        feed, after = [], 0
        while batch := city.feed(after, 1000):
            feed += batch
            after = batch[-1]["position"]
    finally:
        city.close()
    assert len(reads) > 1000 and all(reads)
    found = sorted((e["subject"], e["type"], sorted(f["rule"] for f in e["findings"])) for e in feed if e["findings"])
    assert found == sorted((p["subject"], p["type"], sorted(p["rules"])) for p in world.planted if p["rules"])
