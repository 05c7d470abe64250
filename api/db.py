"""SQLAlchemy engines for the API's own small tables, on the ledger's database."""

from __future__ import annotations

import sqlalchemy as sa

from ledger.config import database_url, is_postgres, sqlalchemy_postgres_url


def sqlalchemy_url(url: str) -> str:
    if is_postgres(url):
        return sqlalchemy_postgres_url(url)
    return url


def make_engine(url: str | None = None) -> sa.Engine:
    """A new engine; its owner disposes of it (never shared across a fork)."""
    url = database_url(url)
    if is_postgres(url):
        return sa.create_engine(sqlalchemy_url(url), pool_pre_ping=True, pool_size=5, max_overflow=10)
    return sa.create_engine(url, connect_args={"timeout": 30})
