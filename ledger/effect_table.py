"""The one table of effects (each event type's change to its stream's state) and how an effect is written;
the effects themselves are in ledger/effects.py (employees) and ledger/other_effects.py (the other streams)."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date
from typing import Any, Callable

from ledger import events as ev

State = MutableMapping[str, Any]
Data = dict[str, Any]
Fact = dict[str, Any]
DateOf = Callable[[Fact], date]
Effect = Callable[[State, Data, Fact, DateOf], None]

EFFECTS: dict[str, Effect] = {}


def effect(*types: type[ev.LedgerEvent]) -> Callable[[Effect], Effect]:
    """Register the decorated function as the effect of each event type named; a type has one."""
    def register(fn: Effect) -> Effect:
        for cls in types:
            if cls.__name__ in EFFECTS:
                raise ValueError(f"{cls.__name__} already has an effect ({EFFECTS[cls.__name__].__name__})")
            EFFECTS[cls.__name__] = fn
        return fn
    return register


def add_to(totals: dict[Any, int], key: Any, amount: int) -> None:
    totals[key] = totals.get(key, 0) + amount
