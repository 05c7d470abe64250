"""The shared SQLAlchemy metadata, the one tracking table, and the helpers every read model uses."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table

metadata = MetaData()

tracking = Table(
    "proj_tracking", metadata,
    Column("name", String(40), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


def replace(conn: Connection, table: Table, key: str, keys: Iterable[Any], rows: list[dict[str, Any]]) -> None:
    """Delete the rows of these keys and insert their new ones: an idempotent upsert of whole streams."""
    keys = list(keys)
    for i in range(0, len(keys), 500):
        conn.execute(table.delete().where(table.c[key].in_(keys[i:i + 500])))
    if rows:
        conn.execute(table.insert(), rows)


class Projection:
    """One read model: its tables, and how a chunk of events changes them."""

    name: str = ""
    tables: list[Table] = []

    def apply(self, conn: Connection, chunk: Any) -> None:
        raise NotImplementedError
