"""One SQLAlchemy engine per database URL and process, for the API's own small tables."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from ledger.store import database_url, is_postgres

_engines: dict[str, sa.Engine] = {}
_lock = threading.Lock()


def sqlalchemy_url(url: str) -> str:
    if is_postgres(url):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def engine_for(url: str | None = None) -> sa.Engine:
    url = database_url(url)
    with _lock:
        if url not in _engines:
            kwargs = {"pool_pre_ping": True} if is_postgres(url) else {"connect_args": {"timeout": 30}}
            _engines[url] = sa.create_engine(sqlalchemy_url(url), **kwargs)
        return _engines[url]
