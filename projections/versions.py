"""Read-model versions: a read model whose code says another version than its tracking row is rebuilt.

Each `Projection` declares `version`; `proj_tracking.version` keeps the version its rows were built
with. Changing what a read model stores without changing its columns (which `Projections` already
notices) is announced by raising `version`: the next open of the read models (`jejak serve`,
`projections follow`, any catch-up) empties that read model and sets its position to zero, in one
transaction holding its tracking row, and the catch-up that follows rebuilds it from the ledger.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

import sqlalchemy
from sqlalchemy import select, update

from projections.tables import tracking

log = logging.getLogger("jejak.projections")


def add_version_column(engine: sqlalchemy.Engine) -> None:
    """Give a tracking table made before versions its `version` column; its rows count as version 1."""
    if "version" in {c["name"] for c in sqlalchemy.inspect(engine).get_columns(tracking.name)}:
        return
    postgres = engine.dialect.name == "postgresql"
    ddl = f"ALTER TABLE {tracking.name} ADD COLUMN {'IF NOT EXISTS ' if postgres else ''}version INTEGER NOT NULL DEFAULT 1"
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(ddl))
    except sqlalchemy.exc.OperationalError as exc:  # SQLite: another process added it first
        if "duplicate column" not in str(exc):
            raise


def reset_changed(engine: sqlalchemy.Engine, projections: Mapping[str, Any]) -> list[str]:
    """Empty and rewind every read model whose stored version is not its code's; their names."""
    with engine.connect() as conn:
        stored = dict(conn.execute(select(tracking.c.name, tracking.c.version)).all())
    changed = []
    for name, projection in projections.items():
        if stored.get(name, projection.version) == projection.version:
            continue
        with engine.begin() as conn:
            row = tracking.c.name == name
            conn.execute(update(tracking).where(row).values(position=tracking.c.position))  # lock the row
            if conn.execute(select(tracking.c.version).where(row)).scalar_one() == projection.version:
                continue  # another process did it meanwhile
            for table in reversed(projection.tables):
                conn.execute(table.delete())
            conn.execute(update(tracking).where(row).values(position=0, version=projection.version))
        log.warning("read model %s: version %s in the database, %s in the code; emptied, it rebuilds from the ledger",
                    name, stored[name], projection.version)
        changed.append(name)
    return changed
