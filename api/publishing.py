"""Publishing the public statistics releases that are due: compute, audit, record, one after another.

Shared by `jejak releases publish` and `jejak demo`. Each release is recorded as one
`PublicReleasePublished` event by the system principal `jejak-releases`, and the releases read
model is caught up before the next one, which is audited against it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

RELEASES_PRINCIPAL = "jejak-releases"  # under the reserved `jejak-` prefix (api.keys): no API key can take it


def publish_due(ledger: Any, projections: Any, today: date, period: str | None = None,
                announce: Any = None) -> list[dict[str, Any]]:
    """Publish every release due by `today` (or only `period`'s, if due); returns one line per release:
    `{"id", "period", "content_hash", "position"}` or `{"id", "period", "refused": reason}`. A refused
    release records nothing and stops the run (a later one would be audited without it). `announce(i, n, id)`,
    when given, is told before each release is computed and audited (minutes each for a large city)."""
    from datetime import datetime

    from ledger.stream import WIB
    from projections.releases import ReleaseRefused, due_releases, period_of, prepare
    from projections.releases.figures import Source

    if today > datetime.now(WIB).date():
        # A release freezes what the ledger knows at 00:00 WIB of its date: published early, it would
        # miss what is recorded before then and could never be corrected.
        raise ValueError("--today: not after today (WIB): a release is published on or after its date")

    projections.catch_up(ledger)
    engine = projections.engine
    due = due_releases(ledger, engine, today)
    if period is not None:
        wanted = period_of(period)
        due = [p for p in due if p == wanted]
    source, out = Source(ledger, engine), []
    for i, p in enumerate(due, 1):
        if announce is not None:
            announce(i, len(due), p.release_id)
        try:
            event = prepare(ledger, engine, p, source)
        except ReleaseRefused as exc:
            out.append({"id": p.release_id, "period": p.key, "refused": str(exc)})
            break
        receipt = ledger.record([event], actor=RELEASES_PRINCIPAL, source="releases")
        projections.catch_up(ledger)
        out.append({"id": p.release_id, "period": p.key, "content_hash": event["data"]["content_hash"],
                    "receipt": receipt})
    return out
