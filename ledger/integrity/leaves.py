"""Leaf bytes (v2) of a stored event and RFC 6962 / RFC 9162 Merkle hashing.

A leaf covers exactly what is stored for the event, every byte of it (docs/INTEGRITY.md, "Leaf
v2"). Its canonical bytes are the UTF-8 JSON object, keys sorted, no whitespace:

    {"position":N,"state":"<the stored state, exactly, as one JSON string>",
     "stream_id":"<uuid>","topic":"<the stored topic>","version":V}

so a changed type tag (topic), an extra key in the stored state, a changed typed value or a
re-ordered key all change the leaf. Leaf hash = SHA-256(0x00 || canonical bytes); interior node
= SHA-256(0x01 || left || right); leaf index = position - 1. Building the bytes decodes nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any


def utc_text(moment: datetime) -> str:
    """A moment as the contract's UTC timestamp: 2025-04-01T03:04:05.123456Z (years before 1000 with
    their leading zeros, as ISO 8601 writes them: strftime's %Y drops them on Linux)."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc.year:04d}" + utc.strftime("-%m-%dT%H:%M:%S.%fZ")


def type_name(topic: str) -> str:
    return topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1]


# A str -> its JSON string literal: what JSONEncoder(ensure_ascii=False).encode returns for a str,
# without its per-call dispatch (the C function where there is one).
_STRING = json.encoder.encode_basestring
_SCAN = json.JSONDecoder().scan_once  # the C scanner json.loads runs, without its Python wrapper


def leaf_input(position: int, stream_id: Any, version: int, topic: str, state: bytes | str) -> bytes:
    """The canonical bytes (leaf v2) of one stored event: exactly what the leaf hash covers.

    Raises UnicodeDecodeError when the stored state is not UTF-8 (it was not written by Jejak).
    """
    return b'{"position":%d' % position + leaf_tail(stream_id, version, topic, state)


def leaf_tail(stream_id: Any, version: int, topic: str, state: bytes | str) -> bytes:
    """The part of `leaf_input` after the position: a writer computes it before it knows the position
    (before it takes the ledger's write lock), then `leaf_input_at` adds the position under the lock."""
    text = state if isinstance(state, str) else bytes(state).decode("utf-8")
    return (',"state":%s,"stream_id":%s,"topic":%s,"version":%d}' % (
        _STRING(text), _STRING(str(stream_id)), _STRING(topic), version)).encode("utf-8")


def leaf_input_at(position: int, tail: bytes) -> bytes:
    """`leaf_input` from its position and its precomputed `leaf_tail`."""
    return b'{"position":%d' % position + tail


def stored_event_id(state: bytes | str) -> str | None:
    """The `meta.event_id` of a stored state (None when it has none).

    Parsed as json.loads parses it: its C scanner is called directly when the text is one JSON
    value from its first to its last character (what Jejak stores; verify reads every event's),
    and anything else goes to json.loads itself, so the value and every error are its own.
    """
    text = state if isinstance(state, str) else bytes(state).decode("utf-8")
    try:
        body, end = _SCAN(text, 0)
    except (StopIteration, ValueError):
        body, end = None, -1
    if end != len(text):
        body = json.loads(text)
    meta = body.get("meta") if isinstance(body, dict) else None
    return meta.get("event_id") if isinstance(meta, dict) else None


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
