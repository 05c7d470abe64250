"""Canonical bytes of a stored event and RFC 6962 / RFC 9162 Merkle hashing.

Canonical bytes of an event (documented in docs/INTEGRITY.md) are the UTF-8
JSON object with keys sorted and no whitespace:

    {"data": {...}, "metadata": {...}, "position": N, "recorded_at": "...Z",
     "stream_id": "<uuid>", "type": "PromotionGranted", "version": V}

Values typed in storage (dates, decimals, datetimes) appear as their ISO /
decimal strings. Leaf hash = SHA-256(0x00 || canonical bytes); interior node
= SHA-256(0x01 || left || right); leaf index = position - 1.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any


def _unwrap(obj: dict[str, Any]) -> Any:
    """json.loads hook: the event store's typed values ({"_type_", "_data_"}) become plain JSON."""
    if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
        if obj["_type_"] == "datetime_iso":
            text = obj["_data_"]
            # The common case, already UTC with microseconds, needs no parsing (verify's hot path).
            if len(text) == 32 and text.endswith("+00:00"):
                return text[:26] + "Z"
            return utc_text(datetime.fromisoformat(text))
        return obj["_data_"]
    return obj


_DECODER = json.JSONDecoder(object_hook=_unwrap)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utc_text(moment: datetime) -> str:
    """A moment as the contract's UTC timestamp: 2025-04-01T03:04:05.123456Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def type_name(topic: str) -> str:
    return topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def canonical_event(position: int, stream_id: str, version: int, topic: str, state: bytes) -> dict[str, Any]:
    """The canonical object of one stored event (state as written by the event store)."""
    text = state if isinstance(state, str) else bytes(state).decode("utf-8")
    body = _DECODER.decode(text)
    return {
        "position": position,
        "stream_id": str(stream_id),
        "version": version,
        "type": type_name(topic),
        "recorded_at": body["timestamp"],
        "metadata": body.get("meta", {}),
        "data": body.get("data", {}),
    }


def canonical_bytes(obj: dict[str, Any]) -> bytes:
    return _ENCODER.encode(obj).encode("utf-8")


def leaf_hash(canonical: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + canonical).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def parents_completed_by(index: int, leaf: bytes, left_sibling: Any) -> list[tuple[int, int, bytes]]:
    """Complete subtree roots that appending leaf `index` closes: [(level, idx, hash)].

    `left_sibling(level, idx)` returns the stored hash of a complete subtree.
    """
    out = []
    level, idx, current = 0, index, leaf
    while idx % 2 == 1:
        current = node_hash(left_sibling(level, idx - 1), current)
        level, idx = level + 1, idx // 2
        out.append((level, idx, current))
    return out
