"""JEJAK_POSTGRES_SCHEMA: two ledgers in two schemas of one PostgreSQL database are two ledgers.

Every table follows the setting: the library's events, Jejak's own jejak_* tables (leaves, nodes,
idempotency claims, checkpoints, keys), the read models and the API keys. PostgreSQL only: a SQLite
ledger is its file, and the setting does not apply to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

JEJAK = str(Path(sys.executable).parent / "jejak")


def tables_in(url: str, schema: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))}


def fill(url: str, codes: list[str]) -> list[str]:
    """Record a unit per code with an idempotency key, catch the read models up, make an API key."""
    from api.keys import KeyStore
    from ledger.application import Ledger
    from projections.runner import Projections

    ledger = Ledger(url)
    try:
        ids = [ledger.record([{"type": "UnitRegistered", "subject": c, "data": {"name": f"Unit {c}"}}], "clerk",
                             idempotency_key=f"key-{c}")[0][0]["event_id"] for c in codes]
        projections = Projections(url)
        try:
            projections.catch_up(ledger)
        finally:
            projections.close()
    finally:
        ledger.close()
    store = KeyStore(url)
    try:
        store.create(f"clerk-{codes[0].lower()}", "recorder")
    finally:
        store.close()
    return ids


def feed(url: str) -> list[str]:
    from ledger.application import Ledger

    ledger = Ledger(url)
    try:
        return [e["subject"] for e in ledger.feed(0, 100)]
    finally:
        ledger.close()


def verify(url: str, schema: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_POSTGRES_SCHEMA": schema,
           "JEJAK_SIGNING_KEY": str(tmp / f"{schema}.key")}
    subprocess.run([JEJAK, "signing-key", "create"], env=env, capture_output=True, text=True, timeout=60, check=True)
    signed = subprocess.run([JEJAK, "checkpoint"], env=env, capture_output=True, text=True, timeout=120)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    pem = tmp / f"{schema}.pem"
    pem.write_text(subprocess.run([JEJAK, "signing-key", "public"], env=env, capture_output=True, text=True,
                                  timeout=60, check=True).stdout)
    return subprocess.run([JEJAK, "verify", "--projections", "--public-key", str(pem)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_two_ledgers_in_two_schemas_of_one_database_do_not_see_each_other(pg_database, monkeypatch, tmp_path):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
        conn.execute("DROP SCHEMA IF EXISTS city_a CASCADE")
        conn.execute("DROP SCHEMA IF EXISTS city_b CASCADE")
    monkeypatch.setenv("JEJAK_POSTGRES_SCHEMA", "city_a")
    a_ids = fill(pg_database, ["BKPSDM", "DINKES"])
    monkeypatch.setenv("JEJAK_POSTGRES_SCHEMA", "city_b")
    b_ids = fill(pg_database, ["BAPPEDA"])  # the same idempotency key space, positions from 1 again
    assert feed(pg_database) == ["BAPPEDA"]
    monkeypatch.setenv("JEJAK_POSTGRES_SCHEMA", "city_a")
    assert feed(pg_database) == ["BKPSDM", "DINKES"]

    a, b = tables_in(pg_database, "city_a"), tables_in(pg_database, "city_b")
    assert a == b and {"jejak_events", "jejak_leaves", "jejak_idempotency", "api_keys"} <= a, a
    assert tables_in(pg_database, "public") == set(), "a table was created outside the ledger's schema"
    with psycopg.connect(pg_database) as conn:
        leaves = {s: [r[0] for r in conn.execute(f"SELECT event_id FROM {s}.jejak_leaves ORDER BY position")]
                  for s in ("city_a", "city_b")}
        keys = {s: [r[0] for r in conn.execute(f"SELECT name FROM {s}.api_keys")] for s in ("city_a", "city_b")}
    assert leaves == {"city_a": a_ids, "city_b": b_ids}
    assert keys == {"city_a": ["clerk-bkpsdm"], "city_b": ["clerk-bappeda"]}
    monkeypatch.delenv("JEJAK_POSTGRES_SCHEMA")
    for schema in ("city_a", "city_b"):
        done = verify(pg_database, schema, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("value", ["City-A", "1city", "a; DROP SCHEMA public"])
def test_a_schema_name_that_is_not_a_plain_lower_case_name_is_refused_by_name(value, monkeypatch):
    from ledger.config import ConfigurationError, event_store_env
    from ledger.settings import SettingError, load

    monkeypatch.setenv("JEJAK_POSTGRES_SCHEMA", value)
    with pytest.raises(ConfigurationError, match="^JEJAK_POSTGRES_SCHEMA="):
        event_store_env("postgresql://postgres@127.0.0.1:5432/jejak")
    with pytest.raises(SettingError, match="^JEJAK_POSTGRES_SCHEMA: "):
        load({"JEJAK_POSTGRES_SCHEMA": value})


def test_the_librarys_own_postgres_schema_setting_moves_jejaks_tables_with_the_events(monkeypatch):
    """POSTGRES_SCHEMA alone (the eventsourcing library's name) must not split a ledger across two schemas."""
    from ledger.config import postgres_schema

    monkeypatch.delenv("JEJAK_POSTGRES_SCHEMA", raising=False)
    monkeypatch.setenv("POSTGRES_SCHEMA", "jejak_binjai")
    assert postgres_schema() == "jejak_binjai"
    monkeypatch.setenv("JEJAK_POSTGRES_SCHEMA", "jejak_medan")  # Jejak's own name wins when both are set
    assert postgres_schema() == "jejak_medan"
