"""Opaque, stable page cursors: a keyset position, tagged with the list it belongs to."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from api.errors import ApiError

# Keyset positions are stored as 64-bit integers on both backends; a bigger one could only be forged, and
# would reach the database driver as an overflow (a 500) instead of a refusal naming the cursor.
INT_RANGE = (-(2 ** 63), 2 ** 63 - 1)


def encode(kind: str, value: Any) -> str:
    raw = json.dumps({"k": kind, "v": value}, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str | None, expect: type | tuple[type, ...]) -> Any:
    """The keyset value inside a cursor of this list, or a 400 naming `cursor`."""
    if cursor is None or cursor == "":
        return None
    bad = ApiError("validation_failed", "cursor: not a cursor of this list; pass back `next_cursor` unchanged",
                   field="cursor")
    if len(cursor) > 512:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(body, dict) or body.get("k") != kind:
        raise bad
    value = body.get("v")
    if isinstance(value, bool) or not isinstance(value, expect):
        raise bad
    if isinstance(value, int) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise bad
    return value
