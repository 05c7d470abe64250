"""The triggers that make the ledger's evidence tables append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

# Append-only tables: a trigger refuses UPDATE, DELETE (and TRUNCATE on PostgreSQL). Tamper
# tests disable it first, as a database superuser could; `jejak verify` then finds the change.
APPEND_ONLY = ["jejak_leaves", "jejak_nodes", "jejak_checkpoints", "jejak_signing_keys", "jejak_checkpoint_notes",
               "jejak_cosignatures", "jejak_key_rotations", "jejak_erasures", "jejak_access_log"]
# Installed only when missing (and re-enabled when found disabled), so that several processes
# opening the ledger at once take no conflicting locks: CREATE OR REPLACE would deadlock them.
PG_REFUSE_FUNCTION = (
    "DO $do$ BEGIN IF to_regprocedure('jejak_refuse_change()') IS NULL THEN"
    " CREATE FUNCTION jejak_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
    " RAISE EXCEPTION USING MESSAGE = 'jejak: ' || TG_OP || ' on ' || TG_TABLE_NAME"
    " || ' is refused: the ledger is append-only', ERRCODE = 'insufficient_privilege'; END $f$;"
    " END IF; EXCEPTION WHEN duplicate_function THEN NULL; END $do$")


def pg_append_only(table: str) -> list[str]:
    out = []
    for name, when, each in (("jejak_append_only", "UPDATE OR DELETE", "ROW"),
                             ("jejak_no_truncate", "TRUNCATE", "STATEMENT")):
        found = f"FROM pg_trigger WHERE tgname = '{name}' AND tgrelid = '{table}'::regclass"
        out.append(
            f"DO $do$ BEGIN IF NOT EXISTS (SELECT 1 {found}) THEN"
            f" CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH {each} EXECUTE FUNCTION jejak_refuse_change();"
            f" ELSIF EXISTS (SELECT 1 {found} AND tgenabled = 'D') THEN ALTER TABLE {table} ENABLE TRIGGER {name};"
            " END IF; EXCEPTION WHEN duplicate_object THEN NULL; END $do$")
    return out


def sqlite_append_only(table: str) -> list[str]:
    return [f"CREATE TRIGGER IF NOT EXISTS jejak_append_only_{op.lower()}_{table} BEFORE {op} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, 'jejak: {op} on {table} is refused: the ledger is append-only'); END"
            for op in ("UPDATE", "DELETE")]
