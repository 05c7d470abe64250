"""`jejak migrate` (Alembic): a new database is created and stamped, an older one is stamped without a change,
and a second run has nothing to do; on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

JEJAK = str(Path(sys.executable).parent / "jejak")


def migrate(url: str, tmp: Path, *args: str) -> dict:
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key")}
    done = subprocess.run([JEJAK, "migrate", "--json", *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def counts(url: str) -> dict[str, int]:
    from api.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                    for t in ("jejak_leaves", "jejak_nodes", "jejak_idempotency", "api_keys")}
    finally:
        engine.dispose()


def test_a_new_database_is_created_and_stamped_and_a_second_migrate_has_nothing_to_do(database_url, tmp_path):
    from api.migrate import head

    first = migrate(database_url, tmp_path, "--create")
    assert first == {"before": None, "after": head(), "head": head()}
    assert migrate(database_url, tmp_path) == {"before": head(), "after": head(), "head": head()}
    assert counts(database_url) == {"jejak_leaves": 0, "jejak_nodes": 0, "jejak_idempotency": 0, "api_keys": 0}


def test_a_ledger_from_before_migrations_is_stamped_at_the_baseline_and_keeps_every_row(database_url, tmp_path):
    from api.keys import KeyStore
    from api.migrate import head
    from ledger.application import Ledger

    ledger = Ledger(database_url)
    try:
        ledger.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
                       for i in range(5)], "clerk", batch=True, idempotency_key="k1")
    finally:
        ledger.close()
    store = KeyStore(database_url)
    store.create("clerk", "recorder")
    store.close()
    before = counts(database_url)
    assert migrate(database_url, tmp_path) == {"before": None, "after": head(), "head": head()}
    assert counts(database_url) == before == {"jejak_leaves": 5, "jejak_nodes": 3, "jejak_idempotency": 1,
                                              "api_keys": 1}
