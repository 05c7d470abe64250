"""The growth's databases: one growing database per backend, optionally cached per size (--keep)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import psycopg

from bench.common import PG_ADMIN, sqlite_file
from bench.growth.city import EMPLOYEES

CACHE = Path(tempfile.gettempdir()) / "jejak-bench-growth"


@contextlib.contextmanager
def workspace(backend: str) -> Iterator[dict[str, str]]:
    """The growing database (and what identifies it), dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="jejak-bench-growth-") as tmp:
            yield {"url": f"sqlite:///{Path(tmp) / 'growth.db'}"}
        return
    name = f"jejak_growth_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"url": f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}", "name": name}
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cache_name(backend: str, size: int, seed: int, employees: int = EMPLOYEES) -> str:
    key = f"s{seed}_{size}_e{employees}"
    return f"jejak_growth_cache_{key}" if backend == "postgres" else f"sqlite-{key.replace('_', '-')}.db"


def cached(backend: str, size: int, seed: int, employees: int = EMPLOYEES) -> bool:
    if backend == "sqlite":
        return (CACHE / cache_name(backend, size, seed, employees)).exists()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (cache_name(backend, size, seed, employees),)).fetchone() is not None


def copy_database(backend: str, work: dict[str, str], size: int, seed: int, *, save: bool,
                  employees: int = EMPLOYEES) -> None:
    """Save the work database as the cache of `size` (save=True), or restore the work database from it."""
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        live, kept = Path(sqlite_file(work["url"])), CACHE / cache_name(backend, size, seed, employees)
        src, dst = (live, kept) if save else (kept, live)
        for suffix in ("-wal", "-shm"):
            Path(str(dst) + suffix).unlink(missing_ok=True)
        shutil.copyfile(src, dst)
        for suffix in ("-wal", "-shm"):
            if Path(str(src) + suffix).exists():
                shutil.copyfile(str(src) + suffix, str(dst) + suffix)
        return
    kept = cache_name(backend, size, seed, employees)
    src, dst = (work["name"], kept) if save else (kept, work["name"])
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dst}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{dst}" TEMPLATE "{src}"')


def disk_bytes(backend: str, work: dict[str, str]) -> int:
    """What the database takes on disk now (SQLite: the file and its WAL; PostgreSQL: pg_database_size)."""
    if backend == "sqlite":
        live = Path(sqlite_file(work["url"]))
        return sum(p.stat().st_size for p in (live, Path(f"{live}-wal")) if p.exists())
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        return int(admin.execute("SELECT pg_database_size(%s)", (work["name"],)).fetchone()[0])
