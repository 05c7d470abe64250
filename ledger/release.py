"""Release aggregate: one public statistics release, published once and never changed."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ledger import rules
from ledger.errors import RuleViolated, ValidationFailed
from ledger.events.release import RELEASE_ID
from ledger.stream import Stream


def canonical(value: Any) -> str:
    """The canonical JSON text of a release's content: sorted keys, no spaces, non-ASCII kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PublicRelease(Stream):
    """A release, keyed by its id (`R-2025`, `R-2026-08`)."""

    KIND = "release"

    def start(self) -> dict[str, Any]:
        return {"id": self.key}


def decide(release: PublicRelease | None, type_: str, data: dict[str, Any], meta: dict[str, Any]) -> list[rules.Warning]:
    """A release is published once, under the id of its period, with the hash of exactly its content."""
    key = meta["subject"]
    if release is not None:
        raise RuleViolated("release_once", f"release {key} is already published; a release never changes",
                           f"rilis {key} sudah diterbitkan; rilis tidak pernah diubah", field="subject")
    if not re.fullmatch(RELEASE_ID, key) or key != f"R-{data['period']}":
        raise ValidationFailed(f"subject: the release of period {data['period']} is R-{data['period']}",
                               field="subject")
    if content_hash(data["content"]) != data["content_hash"]:
        raise ValidationFailed("data.content_hash: not the SHA-256 of data.content", field="data.content_hash")
    try:
        parsed = json.loads(data["content"])
    except ValueError:
        raise ValidationFailed("data.content: not JSON", field="data.content") from None
    if canonical(parsed) != data["content"]:
        raise ValidationFailed("data.content: not canonical JSON (sorted keys, no spaces)", field="data.content")
    return []
