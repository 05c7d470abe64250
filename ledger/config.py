"""Persistence settings from the environment: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

DEFAULT_URL = "sqlite:///jejak.db"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("JEJAK_DATABASE_URL") or DEFAULT_URL


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def sqlite_path(url: str) -> str:
    """`sqlite:///relative.db` or `sqlite:////absolute/path.db` to a file path."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"JEJAK_DATABASE_URL: expected sqlite:///FILE or postgresql://..., got {url!r}")
    return url[len("sqlite:///"):]


def event_store_env(url: str | None = None) -> dict[str, str]:
    """The `eventsourcing` environment for a database URL."""
    url = database_url(url)
    if is_postgres(url):
        u = urlparse(url.replace("postgresql+psycopg://", "postgresql://"))
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "ledger.storage.recorders:PostgresLedgerRecorder",
            "POSTGRES_DBNAME": (u.path or "/jejak").lstrip("/"),
            "POSTGRES_HOST": u.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(u.port or 5432),
            "POSTGRES_USER": unquote(u.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(u.password or ""),
            "POSTGRES_LOCK_TIMEOUT": os.environ.get("JEJAK_LOCK_TIMEOUT", "5"),
            "POSTGRES_POOL_SIZE": os.environ.get("JEJAK_POOL_SIZE", "5"),
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONNECT_TIMEOUT": "5",
        }
    path = sqlite_path(url)
    if path not in (":memory:",) and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "ledger.storage.recorders:SQLiteLedgerRecorder",
        "SQLITE_DBNAME": path,
        "SQLITE_LOCK_TIMEOUT": os.environ.get("JEJAK_LOCK_TIMEOUT", "10"),
    }
