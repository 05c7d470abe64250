"""Persistence settings from the environment: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

DEFAULT_URL = "sqlite:///jejak.db"
PRIVATE = 0o600  # the database, its backups and exports hold personal data: readable by their owner only


class ConfigurationError(ValueError):
    """A setting from the environment is unusable; the message starts with the variable's name."""


def create_private_file(path: str | Path) -> bool:
    """Create `path` empty and readable by its owner only, unless it exists; whether it was created.

    SQLite gives a database's -wal, -shm and -journal files the mode of the database file itself, so a
    database created this way keeps its companions private too.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        return False
    return True


def whole_number(text: str | int, minimum: int = 0, maximum: int | None = None) -> int:
    """The one reading of a whole-number setting: digits (an optional sign), within its bounds; a
    ValueError that says what is expected otherwise ("1.5", "lots" and "" are refused alike)."""
    bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
    try:
        value = int(str(text).strip(), 10)
    except ValueError:
        raise ValueError(f"expected a whole number {bounds}, got {text!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"expected a whole number {bounds}, got {text!r}")
    return value


def setting_int(name: str, default: int, minimum: int = 0) -> int:
    """A whole-number setting from the environment, or a ConfigurationError naming the variable."""
    text = os.environ.get(name, "").strip() or str(default)
    try:
        return whole_number(text, minimum)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={text!r}: {exc}") from None


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("JEJAK_DATABASE_URL") or DEFAULT_URL


SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def postgres_schema() -> str:
    """JEJAK_POSTGRES_SCHEMA: the PostgreSQL schema that holds every table of this ledger (default public).

    It is the `eventsourcing` library's POSTGRES_SCHEMA for the events, and the first (only) entry of the
    search_path of every connection, so Jejak's own tables and the read models follow it too. The library's
    own name, POSTGRES_SCHEMA, is read when JEJAK_POSTGRES_SCHEMA is unset: otherwise the library alone
    would follow it and the events would sit in one schema while Jejak's tables sat in another.
    """
    text = (os.environ.get("JEJAK_POSTGRES_SCHEMA", "").strip() or os.environ.get("POSTGRES_SCHEMA", "").strip()
            or "public")
    if not SCHEMA_NAME.fullmatch(text):
        raise ConfigurationError(f"JEJAK_POSTGRES_SCHEMA={text!r}: expected a lower-case name such as jejak_binjai "
                                 "(a-z, 0-9 and _, not starting with a digit, at most 63)")
    return text


def sqlalchemy_postgres_url(url: str) -> str:
    """A psycopg SQLAlchemy URL whose connections use the ledger's schema, unless `url` names its own
    search_path (as `jejak verify --projections` does for its scratch schema)."""
    sa_url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if "options=" in sa_url:
        return sa_url
    return sa_url + ("&" if "?" in sa_url else "?") + f"options=-csearch_path%3D{postgres_schema()}"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def sqlite_path(url: str) -> str:
    """`sqlite:///relative.db` or `sqlite:////absolute/path.db` to a file path."""
    if not url.startswith("sqlite:///"):
        raise ConfigurationError(f"JEJAK_DATABASE_URL={url!r}: expected sqlite:///FILE or postgresql://...")
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
            "POSTGRES_LOCK_TIMEOUT": str(setting_int("JEJAK_LOCK_TIMEOUT", 5, minimum=1)),
            "POSTGRES_POOL_SIZE": str(setting_int("JEJAK_POOL_SIZE", 5, minimum=1)),
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # No ping before each use of a pooled connection: it was a round trip per query (a warm
            # as_of made four instead of two; at 900 k events, under load, as_of p50 6.7 -> 5.3 ms, an
            # inclusion proof 6.9 -> 3.1 ms). A connection a restart has ended fails its query, is
            # dropped by the pool and the read retried (the library's and `retry_read`), the write by
            # `retry_write`: tests/reliability/test_pg_terminate.py and test_pg_terminate_reads.py.
            "POSTGRES_PRE_PING": "n",
            "POSTGRES_SCHEMA": postgres_schema(),
        }
    path = sqlite_path(url)
    lock_timeout = setting_int("JEJAK_LOCK_TIMEOUT", 10, minimum=1)
    if path not in (":memory:",) and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        create_private_file(path)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "ledger.storage.recorders:SQLiteLedgerRecorder",
        "SQLITE_DBNAME": path,
        "SQLITE_LOCK_TIMEOUT": str(lock_timeout),
    }
