"""One release from start to finish: its figures, disclosure control, the audit, the event's data."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from ledger.release import canonical, content_hash
from projections.queries.releases import published_contents
from projections.releases.audit import MIN_SPREAD, SHARE
from projections.releases.disclosure import MIN_COUNT, MIN_GROUP, ReleaseRefused, check, protect
from projections.releases.figures import Source, figures
from projections.releases.schedule import CORRECTION_MONTHS, Period, due
from projections.releases.table import cells, render, rows

__all__ = ["ReleaseRefused", "due_releases", "prepare"]

PARAMETERS = {"min_count": MIN_COUNT, "min_group": MIN_GROUP, "protection_spread": MIN_SPREAD,
              "protection_share": SHARE, "correction_months": CORRECTION_MONTHS}


def due_releases(ledger: Any, engine: Engine, today: date) -> list[Period]:
    """The releases due by `today` that are not published yet, in publication order."""
    first = ledger.feed(0, 1)
    if not first:
        return []
    done = {c["release"] for c in published_contents(engine)}
    return [p for p in due(int(first[0]["recorded_at"][:4]), today) if p.release_id not in done]


def prepare(ledger: Any, engine: Engine, period: Period, source: Source | None = None) -> dict[str, Any]:
    """The `PublicReleasePublished` event for `period`, audited against every release already published.

    Raises ReleaseRefused when some suppressed cell cannot be kept protected: nothing is then recorded.
    """
    source = source or Source(ledger, engine)
    content = figures(source, period)
    earlier = [(cells(c), rows(c)) for c in published_contents(engine)]
    points: list[Any] = []
    hidden = protect(content, earlier, points)
    bad = check(content, hidden, earlier, points)
    if bad:
        raise ReleaseRefused(f"release {period.release_id} not published: {', '.join(bad[:5])} not protected")
    published = render(content, hidden)
    for g in [published["city"], *published["items"]]:
        fb = g["feedback"]
        if fb.pop("answered") < MIN_COUNT:
            fb["median_response_hours"] = {"suppressed": True}
    published["parameters"] = PARAMETERS
    text = canonical(published)
    return {"type": "PublicReleasePublished", "subject": period.release_id,
            "data": {"period": period.key, "content_hash": content_hash(text), "content": text}}
