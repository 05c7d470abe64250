"""Public statistics releases (issue 16): each published release of the portal's figures, frozen."""

from __future__ import annotations

from ledger.events.base import LedgerCreated, catalogued
from ledger.fields import Str

RELEASE_ID = r"R-[0-9]{4}(-[0-9]{2})?"  # R-2025 (a year) or R-2026-08 (a month)


@catalogued
class PublicReleasePublished(LedgerCreated):
    """A release of the public figures, published: its period and its content, as served, byte for byte.

    `content` is the canonical JSON text of the release (sorted keys, no spaces, UTF-8) and
    `content_hash` its SHA-256 in hex, so anyone holding what was served can prove it is what the
    ledger recorded, and the event's inclusion proof proves the record was never rewritten.
    Only the publisher (`jejak releases publish`, principal `jejak-releases`) records one: a release is
    computed by the ledger from what it knows, never asserted by a caller.
    """
    RECORDED_BY = "jejak-releases"

    STREAM = "release"
    DATA = {
        "period": Str(max_length=7, pattern=r"[0-9]{4}(-[0-9]{2})?"),
        "content_hash": Str(max_length=64, pattern=r"[0-9a-f]{64}"),
        "content": Str(max_length=4_000_000, multiline=False),
    }
