"""Public statistics releases as published: one row per `PublicReleasePublished`, its content byte for byte."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Connection, DateTime, String, Table, Text

from projections.models.feedback import naive_utc
from projections.tables import Projection, metadata, replace

release = Table(
    "proj_public_release", metadata,
    Column("id", String(16), primary_key=True),
    Column("period", String(7), nullable=False),
    Column("published_at", DateTime, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("position", BigInteger, nullable=False, index=True),
    Column("content", Text, nullable=False),  # the canonical JSON text the hash covers, served as is
)


class Releases(Projection):
    """Each release's row, from the event itself (never recomputed)."""

    name = "public_releases"
    rebuild_without_indexes = True  # rows are found by primary key only
    tables = [release]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("release")
        rows = []
        for t in touched:
            first = next((f for f in t.facts if f["type"] == "PublicReleasePublished"), None)
            if first is None or t.state() is None:
                continue
            d = first["data"]
            rows.append({"id": t.subject, "period": d["period"], "published_at": naive_utc(first["at"]),
                         "content_hash": d["content_hash"], "position": first.get("p"), "content": d["content"]})
        replace(conn, release, "id", [t.subject for t in touched], rows)
