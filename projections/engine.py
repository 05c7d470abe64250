"""The read models' engine on the events' own database, and the errors that mean that database is busy."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy
from eventsourcing import persistence as es_persistence
from sqlalchemy import event

from ledger.config import is_postgres, sqlalchemy_postgres_url, sqlite_path

SQLITE_BUSY_MS = 30000
TRANSIENT = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError,
             es_persistence.OperationalError, es_persistence.InterfaceError)


def make_engine(url: str) -> sqlalchemy.Engine:
    """An engine on the events' own database: the same SQLite file, or the same PostgreSQL."""
    if is_postgres(url):
        sa_url = sqlalchemy_postgres_url(url)
        engine = sqlalchemy.create_engine(sa_url, pool_size=3, max_overflow=5, pool_pre_ping=True)

        @event.listens_for(engine, "connect")
        def _planner(dbapi_conn: Any, _: Any) -> None:
            # Plan for SSDs (PostgreSQL's docs suggest ~1.1; its default 4 assumes spinning disks). An
            # actor's events come in runs (one system's batches), and with 4 the planner walks the
            # primary key back through another actor's run filtering by actor (9 ms at 1 M events)
            # instead of reading the (actor, position) index (0.07 ms).
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET random_page_cost = {float(os.environ.get('JEJAK_PG_RANDOM_PAGE_COST', '1.1'))}")
            dbapi_conn.commit()

        return engine
    path = sqlite_path(url)
    engine = sqlalchemy.create_engine(f"sqlite:///{path}", connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _: Any) -> None:  # the event store writes the same file
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    return engine
