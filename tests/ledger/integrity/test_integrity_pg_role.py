"""The service runs under a PostgreSQL role that may only INSERT and SELECT the ledger's tables."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from ledger.application import Ledger
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file
from ledger.integrity.verify import verify
from ledger.storage import access_log

LEDGER_TABLES = ("jejak_events", "jejak_leaves", "jejak_nodes", "jejak_checkpoints", "jejak_signing_keys",
                 "jejak_idempotency", "jejak_checkpoint_notes", "jejak_cosignatures", "jejak_key_rotations",
                 "jejak_access_log", "jejak_unit_names")


@pytest.fixture
def app_role(pg_database):
    """A login role granted INSERT and SELECT on the ledger's tables, nothing more; dropped afterwards."""
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute("DROP SCHEMA IF EXISTS public CASCADE")
        admin.execute("CREATE SCHEMA public")
    Ledger(pg_database).close()  # the owner creates the tables and the append-only triggers
    role = f"jejak_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        admin.execute(f"GRANT SELECT, INSERT ON {', '.join(LEDGER_TABLES)} TO {role}")
        admin.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    yield pg_database.replace("postgres@", f"{role}@", 1), role
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute(f"DROP OWNED BY {role}")
        admin.execute(f"DROP ROLE {role}")


def test_an_insert_and_select_only_role_records_signs_and_verifies(app_role, tmp_path):
    url, _ = app_role
    ledger = Ledger(url, env={"CREATE_TABLE": "false"})  # the role may not create anything
    try:
        receipts, _ = ledger.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
                                     for i in range(5)], "tester", batch=True)
        assert [r["position"] for r in receipts] == [1, 2, 3, 4, 5]
        key = tmp_path / "k.key"
        create_key_file(key)
        assert Checkpointer(ledger.recorder, key).issue()["tree_size"] == 5
        access_log.append(ledger.recorder, [access_log.entry("auditor-1", "auditor", "OPD-1", ["nik"], "/t")])
        assert verify(ledger.recorder, [load_key_file(key).public_key()]).ok
    finally:
        ledger.close()


def test_that_role_can_neither_change_events_nor_switch_the_trigger_off(app_role):
    url, _ = app_role
    ledger = Ledger(url, env={"CREATE_TABLE": "false"})
    ledger.record([{"type": "UnitRegistered", "subject": "OPD-1", "data": {"name": "Dinas"}}], "tester")
    ledger.close()
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in ("UPDATE jejak_events SET topic = 'x'", "DELETE FROM jejak_leaves",
                          "TRUNCATE jejak_nodes", "ALTER TABLE jejak_events DISABLE TRIGGER USER",
                          "UPDATE jejak_access_log SET role = 'x'", "DELETE FROM jejak_access_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
