"""What the query planner works with on the read models' tables: secondary indexes and statistics.

A rebuild drops the secondary indexes of emptied tables and creates them once at the end; every
start creates those that are missing; a long catch-up refreshes the statistics.
"""

from __future__ import annotations

import time
from typing import Iterable

import sqlalchemy
from sqlalchemy.schema import CreateIndex, DropIndex

from ledger.config import is_postgres


def secondary(tables: Iterable[sqlalchemy.Table]) -> list[sqlalchemy.Index]:
    """The secondary indexes of these tables, each table's sorted by name."""
    return [ix for t in tables for ix in sorted(t.indexes, key=lambda i: str(i.name))]


def ensure(engine: sqlalchemy.Engine, wanted: list[sqlalchemy.Index]) -> None:
    """Create every one of these indexes that is missing (several processes may).

    The catalogue is read first: DDL, even `IF NOT EXISTS`, may lock each table (PostgreSQL) or the
    whole file (SQLite) against a follower's writes at every start.
    """
    inspector = sqlalchemy.inspect(engine)
    present = {ix["name"] for table in sorted({ix.table.name for ix in wanted})  # type: ignore[attr-defined]
               for ix in inspector.get_indexes(table)}
    wanted = [ix for ix in wanted if ix.name not in present]
    for attempt in range(3 if wanted else 0):
        try:
            with engine.begin() as conn:
                for ix in wanted:
                    conn.execute(CreateIndex(ix, if_not_exists=True))
            return
        except sqlalchemy.exc.DBAPIError:  # another process created the same index at the same moment
            if attempt == 2:
                raise
            time.sleep(0.2)


def drop(engine: sqlalchemy.Engine, indexes: list[sqlalchemy.Index]) -> None:
    """Drop these indexes, in one transaction."""
    with engine.begin() as conn:
        for ix in indexes:
            conn.execute(DropIndex(ix, if_exists=True))


def analyze(engine: sqlalchemy.Engine, url: str, tables: list[str]) -> None:
    """Refresh the query planner's statistics of these tables.

    Tables that grew by thousands of rows since the last ANALYZE mislead the planner: on a
    just-built PostgreSQL database of 1 M events the audit query by actor took 110 ms (a bitmap
    scan and a sort of every match) instead of 0.07 ms (the (actor, position) index read
    backwards). PostgreSQL's autovacuum would get there later; a rebuild or a long catch-up
    does it at once. SQLite samples at most 1,000 rows per index.
    """
    with engine.begin() as conn:
        if not is_postgres(url):
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
        for table in tables:  # our own table names, never input
            conn.exec_driver_sql(f"ANALYZE {table}")
