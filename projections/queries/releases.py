"""What the public reads of the releases: the list, one release's text exactly as published, the latest."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from projections.models.releases import release
from projections.queries.shapes import _utc


def _item(r: Any) -> dict[str, Any]:
    return {"id": r.id, "period": r.period, "published_at": _utc(r.published_at), "content_hash": r.content_hash,
            "position": r.position}


def releases(engine: Engine, after: int = 0, limit: int = 100) -> tuple[list[dict[str, Any]], int | None]:
    """Releases in publication order (ledger position) after the cursor `after`, and the next cursor."""
    with engine.connect() as conn:
        found = conn.execute(select(release.c.id, release.c.period, release.c.published_at, release.c.content_hash,
                                    release.c.position).where(release.c.position > after)
                             .order_by(release.c.position).limit(limit + 1)).all()
    items = [_item(r) for r in found[:limit]]
    return items, (items[-1]["position"] if len(found) > limit else None)


def release_text(engine: Engine, release_id: str | None = None) -> tuple[dict[str, Any], str] | None:
    """A release's list item and its content text as published; without an id the latest; None if none."""
    query = select(release)
    query = query.where(release.c.id == release_id) if release_id else query.order_by(release.c.position.desc())
    with engine.connect() as conn:
        r = conn.execute(query.limit(1)).first()
    return (_item(r), r.content) if r else None


def is_release_position(engine: Engine, position: int) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(release.c.id).where(release.c.position == position)).first() is not None


def published_contents(engine: Engine) -> list[dict[str, Any]]:
    """Every published release's content, oldest first (what the audit solves against)."""
    with engine.connect() as conn:
        return [json.loads(t) for t in conn.execute(select(release.c.content).order_by(release.c.position)).scalars()]
