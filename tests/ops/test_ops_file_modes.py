"""Issue 19: the database, its WAL, backups, restored copies and export bundles hold personal data, so each is
created readable and writable by its owner only (0600), whatever the operator's umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.integrity.bundle import export
from ledger.integrity.checkpoints import Checkpointer, create_key_file
from ledger.storage.backup import backup, restore

UNIT = {"type": "UnitRegistered", "subject": "BKPSDM", "data": {"name": "Badan Kepegawaian"}}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask():
    """The usual 022 umask, which leaves files the library creates world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def sqlite_ledger(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'jejak.db'}"
    ledger = Ledger(url)
    ledger.record([UNIT], "clerk")
    yield url, ledger, tmp_path / "data" / "jejak.db"
    ledger.close()


def test_a_new_sqlite_database_and_its_wal_and_shm_are_readable_by_their_owner_only(sqlite_ledger):
    _, _, db = sqlite_ledger
    companions = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
    assert all(p.exists() for p in companions), "the ledger runs SQLite in WAL mode"
    assert {str(p): oct(mode(p)) for p in [db, *companions]} == {str(p): "0o600" for p in [db, *companions]}


def test_a_backup_and_its_restored_copy_are_readable_by_their_owner_only(sqlite_ledger, tmp_path):
    url, _, _ = sqlite_ledger
    out = tmp_path / "backups" / "jejak.backup"
    out.parent.mkdir()
    backup(url, out)
    assert oct(mode(out)) == "0o600"
    restored = tmp_path / "restored" / "jejak.db"
    restore(out, f"sqlite:///{restored}")
    assert oct(mode(restored)) == "0o600"


def test_an_export_bundle_is_readable_by_its_owner_only(sqlite_ledger, tmp_path):
    _, ledger, _ = sqlite_ledger
    key = tmp_path / "signing.key"
    create_key_file(key)
    checkpointer = Checkpointer(ledger.recorder, key)
    checkpointer.issue()
    out = tmp_path / "bundles" / "bundle.zip"
    export(ledger.recorder, checkpointer, out)
    assert oct(mode(out)) == "0o600"


def test_an_existing_database_keeps_the_mode_its_operator_gave_it(tmp_path):
    db = tmp_path / "shared.db"
    Ledger(f"sqlite:///{db}").close()
    db.chmod(0o640)
    Ledger(f"sqlite:///{db}").close()
    assert oct(mode(db)) == "0o640"


def test_a_postgresql_backup_is_readable_by_its_owner_only(pg_database, tmp_path):
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:  # an empty schema, as tests/conftest.py does
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    ledger = Ledger(pg_database)
    try:
        ledger.record([UNIT], "clerk")
    finally:
        ledger.close()
    out = tmp_path / "jejak.dump"
    backup(pg_database, out)
    assert oct(mode(out)) == "0o600"
