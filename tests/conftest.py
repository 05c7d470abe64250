"""Shared fixtures: every storage test runs on a real SQLite file and the real PostgreSQL.

PostgreSQL: one database per test session (created here, dropped at the end);
each test gets an empty `public` schema. In CI a missing PostgreSQL fails the
run: it is never skipped.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

PG_ADMIN = os.environ.get("JEJAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session (per xdist worker), dropped afterwards."""
    name = f"jejak_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:  # a failure, not a skip: see .ci/run
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}. Start it (see .ci/run).")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def reset_pg(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A database URL with nothing in it: a new SQLite file, or an emptied PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    reset_pg(url)
    return url


@pytest.fixture
def ledger(database_url):
    from ledger.application import Ledger

    app = Ledger(database_url)
    yield app
    app.close()
