"""`thaw`: the copy of a kept state each of its readers gets (ledger/stream.py keeps one played state per stream)."""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

IMMUTABLE = frozenset({str, int, float, bool, type(None), date, datetime, Decimal, uuid.UUID, bytes})


def thaw(value: Any) -> Any:
    """A copy whose containers are its own (a caller or an effect may change them), sharing only immutable leaves.

    Containers are copied whole (at C speed) and only their non-leaf values are visited: most of a state's
    values are leaves, and a call per leaf was half of `thaw`'s time (issue 21)."""
    kind = type(value)
    if kind in IMMUTABLE:
        return value
    if kind is dict:
        out = value.copy()
        for k, v in out.items():
            if type(v) not in IMMUTABLE:
                out[k] = thaw(v)
        return out
    if kind is list:
        out_list = value.copy()
        for i, v in enumerate(out_list):
            if type(v) not in IMMUTABLE:
                out_list[i] = thaw(v)
        return out_list
    if kind is tuple:
        for v in value:
            if type(v) not in IMMUTABLE:
                return tuple(thaw(v) for v in value)
        return value  # a tuple of leaves is itself immutable: shared, as the leaves are
    if kind is set:
        return set(value)
    return copy.deepcopy(value)
