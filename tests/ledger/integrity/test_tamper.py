"""Tampering with the database directly is found by `jejak verify`, on SQLite and PostgreSQL.

Each test edits the tables as a database superuser could: it first disables the
append-only triggers Jejak installs, then changes the events. `jejak verify` must
exit 1 naming the first bad position; a bundle exported before the tampering must
still verify offline; and when the attacker covers their tracks by rebuilding the
Merkle tables from the altered events, the next checkpoint cannot be proven
consistent with the one signed before.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import uuid

import psycopg
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.cli.integrity import verify, verify_bundle
from ledger.application import open_reader
from ledger.integrity.bundle import export
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file, public_pem
from ledger.integrity.tree import StoredTree
from ledger.storage.recorders import Cursor, after_insert
from ledger.integrity.verifier import key_id, signed_text, verify_consistency


class Tamperer:
    """Direct access to the ledger's tables, with the append-only triggers switched off."""

    def __init__(self, url: str) -> None:
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            self.conn = psycopg.connect(url, autocommit=True)
            self.events, self.id = "jejak_events", "notification_id"
        else:
            self.conn = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
            self.events, self.id = "stored_events", "rowid"

    def disable_triggers(self) -> None:
        """Jejak reinstalls its triggers whenever it opens the ledger, so switch them off each time."""
        if self.postgres:
            for table in ("jejak_events", "jejak_leaves", "jejak_nodes", "jejak_checkpoints", "jejak_signing_keys",
                          "jejak_checkpoint_notes", "jejak_cosignatures", "jejak_key_rotations"):
                self.conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                self.conn.execute(f"DROP TRIGGER {name}")

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        self.disable_triggers()
        statement = statement.replace("EVENTS", self.events).replace("ID", self.id)
        cur = self.conn.execute(statement.replace("?", "%s") if self.postgres else statement, params)
        return cur.fetchall() if cur.description else []

    def state(self, position: int) -> bytes:
        return bytes(self.sql("SELECT state FROM EVENTS WHERE ID = ?", (position,))[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        self.sql("UPDATE EVENTS SET state = ? WHERE ID = ?", (state, position))

    def set_topic(self, position: int, topic: str) -> None:
        self.sql("UPDATE EVENTS SET topic = ? WHERE ID = ?", (topic, position))

    def move(self, old: int, new: int) -> None:
        self.sql("UPDATE EVENTS SET ID = ? WHERE ID = ?", (new, old))

    def shift(self, first: int, by: int) -> None:
        """Renumber positions >= first by `by` (in two steps, so unique ids never collide)."""
        self.sql("UPDATE EVENTS SET ID = ID + 1000000 WHERE ID >= ?", (first,))
        self.sql("UPDATE EVENTS SET ID = ID - 1000000 + ? WHERE ID >= ?", (by, 1000000 + first))

    def rebuild_merkle_tables(self, recorder) -> None:
        """Cover the tracks: renumber the events gaplessly and recompute every leaf and subtree."""
        ids = [r[0] for r in self.sql("SELECT ID FROM EVENTS ORDER BY ID")]
        for new, old in enumerate(ids, start=1):
            if new != old:
                self.move(old, new)
        self.sql("DELETE FROM jejak_leaves")
        self.sql("DELETE FROM jejak_nodes")
        notes = recorder.select_notifications(1, len(ids) + 1)
        cursor = self.conn.cursor()
        after_insert(Cursor(cursor, postgres=self.postgres), [(n.id, n) for n in notes])
        cursor.close()

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def world(ledger, database_url, tmp_path, monkeypatch):
    """40 events, a checkpoint at 20 with a bundle exported then, and a checkpoint at 40."""
    key = tmp_path / "jejak-signing.key"
    create_key_file(key)
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(key))
    monkeypatch.setenv("JEJAK_DATABASE_URL", database_url)
    checkpointer = Checkpointer(ledger.recorder, key)
    units = [{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}} for i in range(30)]
    ledger.record(units[:20], "tester", batch=True)
    first = checkpointer.issue()
    bundle = tmp_path / "before.zip"
    export(ledger.recorder, checkpointer, bundle)
    ledger.record(units[20:], "tester", batch=True)
    ledger.record([{"type": "TrainingBudgetAllocated", "subject": f"OPD-{i}", "data": {"year": 2025, "amount": 10_000}}
                   for i in range(10)], "tester", batch=True)
    checkpointer.issue()
    tamperer = Tamperer(database_url)
    public = tmp_path / "jejak-public.pem"  # what Jejak published and the auditor pinned
    public.write_text(public_pem(load_key_file(key).public_key()))
    yield {"ledger": ledger, "checkpointer": checkpointer, "first": first, "bundle": bundle, "db": tamperer,
           "key": key, "url": database_url, "public": public}
    tamperer.close()


def run_verify(world, *args: str) -> tuple[int, str]:
    """`jejak verify` as an auditor runs it: with the public key Jejak published, pinned."""
    result = CliRunner().invoke(verify, ["--public-key", str(world["public"]), *args],
                                env={"JEJAK_DATABASE_URL": world["url"], "JEJAK_SIGNING_KEY": str(world["key"])})
    return result.exit_code, result.output


def assert_detected(world, position: int, words: str) -> None:
    code, output = run_verify(world)
    assert code == 1, output
    assert f"first bad event at position {position}" in output
    assert f"position {position}: " in output and words in output


def assert_bundle_still_verifies(world) -> None:
    result = CliRunner().invoke(verify_bundle, [str(world["bundle"]), "--public-key", str(world["public"])])
    assert result.exit_code == 0, result.output
    assert "valid: 20 events" in result.output


def assert_next_checkpoint_inconsistent(world) -> None:
    db, ledger = world["db"], world["ledger"]
    db.rebuild_merkle_tables(ledger.recorder)
    ledger.record([{"type": "UnitRegistered", "subject": f"LATER-{i}", "data": {"name": f"Baru {i}"}} for i in range(12)],
                  "tester", batch=True)
    earlier, later = world["first"], world["checkpointer"].issue()
    proof = StoredTree(ledger.recorder).consistency(earlier["tree_size"], later["tree_size"])["proof"]
    assert not verify_consistency(earlier["tree_size"], later["tree_size"], bytes.fromhex(earlier["root_hash"]),
                                  bytes.fromhex(later["root_hash"]), [bytes.fromhex(h) for h in proof])
    code, output = run_verify(world)
    assert code == 1 and "not consistent" in output, output


def test_an_untouched_ledger_verifies(world):
    code, output = run_verify(world)
    assert code == 0, output
    assert "intact: 40 events, 2 checkpoints" in output


def test_the_append_only_trigger_refuses_changes_to_events(ledger, database_url):
    ledger.record([{"type": "UnitRegistered", "subject": "OPD-X", "data": {"name": "Dinas X"}}], "tester")
    table = "jejak_events" if database_url.startswith("postgresql") else "stored_events"
    if database_url.startswith("postgresql"):
        with psycopg.connect(database_url, autocommit=True) as conn:
            for statement in (f"UPDATE {table} SET topic = 'x'", f"DELETE FROM {table}", f"TRUNCATE {table}",
                              "DELETE FROM jejak_leaves", "UPDATE jejak_leaves SET version = 0"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    conn.execute(statement)
    else:
        conn = sqlite3.connect(database_url[len("sqlite:///"):])
        for statement in (f"UPDATE {table} SET topic = 'x'", f"DELETE FROM {table}", "DELETE FROM jejak_leaves"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
        conn.close()
    assert ledger.head() == 1


def test_one_changed_byte_of_an_events_data_is_found(world):
    db = world["db"]
    state = db.state(7)
    assert b"Dinas 6" in state
    db.set_state(7, state.replace(b"Dinas 6", b"Dinas 8", 1))
    assert_detected(world, 7, "differs from what was recorded")
    assert_bundle_still_verifies(world)
    assert_next_checkpoint_inconsistent(world)


def test_a_changed_actor_is_found(world):
    db = world["db"]
    db.set_state(9, db.state(9).replace(b'"actor":"tester"', b'"actor":"someone-else"', 1))
    assert_detected(world, 9, "differs from what was recorded")
    assert_bundle_still_verifies(world)
    assert_next_checkpoint_inconsistent(world)


def test_a_deleted_event_is_found(world):
    world["db"].sql("DELETE FROM EVENTS WHERE ID = ?", (12,))
    assert_detected(world, 12, "missing")
    assert_bundle_still_verifies(world)
    assert_next_checkpoint_inconsistent(world)


def test_two_swapped_events_are_found(world):
    db = world["db"]
    db.move(5, 1000)
    db.move(17, 5)
    db.move(1000, 17)
    assert_detected(world, 5, "differs from what was recorded")
    assert_bundle_still_verifies(world)
    assert_next_checkpoint_inconsistent(world)


def test_a_forged_event_inserted_in_the_middle_is_found(world):
    db = world["db"]
    forged = re.sub(rb'"event_id":"[0-9a-f-]{36}"', f'"event_id":"{uuid.uuid4()}"'.encode(),
                    db.state(10).replace(b"Dinas 9", b"Dinas Palsu", 1))
    db.shift(10, 1)
    db.sql("INSERT INTO EVENTS (originator_id, originator_version, topic, state, ID) VALUES (?, 1, ?, ?, ?)",
           (str(uuid.uuid4()), "ledger.events:UnitRegistered", forged, 10))
    assert_detected(world, 10, "differs from what was recorded")
    assert_bundle_still_verifies(world)
    assert_next_checkpoint_inconsistent(world)


def test_a_truncated_tail_is_found(world):
    world["db"].sql("DELETE FROM EVENTS WHERE ID > ?", (15,))
    assert_detected(world, 16, "missing")
    assert_bundle_still_verifies(world)
    assert_next_checkpoint_inconsistent(world)


def test_a_truncated_tail_with_its_leaves_is_found_by_the_checkpoints(world):
    db = world["db"]
    db.sql("DELETE FROM EVENTS WHERE ID > ?", (35,))
    db.rebuild_merkle_tables(world["ledger"].recorder)
    assert_detected(world, 36, "the ledger ends at 35")


def test_the_latest_checkpoint_replaced_by_one_signed_with_another_key_is_found(world):
    db, latest = world["db"], world["checkpointer"].latest()
    rogue = Ed25519PrivateKey.generate()
    rogue_id = key_id(rogue.public_key())
    text = signed_text(latest["tree_size"], latest["root_hash"], latest["issued_at"])
    db.sql("UPDATE jejak_checkpoints SET key_id = ?, signature = ? WHERE tree_size = ? AND issued_at = ?",
           (rogue_id, base64.b64encode(rogue.sign(text.encode())).decode(), latest["tree_size"],
            latest["issued_at"]))
    # The attacker also slips the rogue public key into the key table, vouching for itself.
    db.sql("INSERT INTO jejak_signing_keys (key_id, public_key, created_at, endorses, endorsement)"
           " VALUES (?, ?, ?, ?, ?)", (rogue_id, public_pem(rogue.public_key()), latest["issued_at"], "[]",
                                       base64.b64encode(rogue.sign(b"x")).decode()))
    assert_detected(world, 40, "not a trusted key")
    assert_bundle_still_verifies(world)


def test_a_bundle_checked_with_the_wrong_public_key_is_refused(world, tmp_path):
    other = tmp_path / "other.pem"
    other.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    result = CliRunner().invoke(verify_bundle, [str(world["bundle"]), "--public-key", str(other)])
    assert result.exit_code == 1 and "not a trusted key" in result.output


def test_verify_with_worker_processes_names_the_same_position(world, monkeypatch):
    import ledger.integrity.verify as verify_module

    monkeypatch.setattr(verify_module, "PARALLEL_PAGES", 0)  # use the workers even for one page
    db = world["db"]
    db.set_state(13, db.state(13).replace(b"Dinas 12", b"Dinas 21", 1))
    result = verify_module.verify(world["ledger"].recorder, [], url=world["url"], workers=2,
                                  open_reader=open_reader)
    assert result.first_bad_position == 13 and "differs from what was recorded" in result.problems[0].message


# Bytes outside the leaf (issue 14): a leaf v2 covers the stored topic and every byte of the stored state.

def test_a_changed_type_tag_is_found(world):
    """The stored topic names the class the event loads as: a topic that keeps the type's last name
    but names another module (so a v1 leaf, which kept only the name, did not change) is found."""
    world["db"].set_topic(8, "ledger.events_forged:UnitRegistered")
    assert_detected(world, 8, "differs from what was recorded")
    assert_bundle_still_verifies(world)


def test_an_extra_key_in_the_stored_state_is_found(world):
    db = world["db"]
    db.set_state(11, db.state(11).replace(b'{"timestamp"', b'{"predikat":"sangat_kurang","timestamp"', 1))
    assert_detected(world, 11, "differs from what was recorded")


def test_a_changed_originator_topic_of_a_creating_event_is_found(world):
    db = world["db"]
    state = db.state(3)
    assert b'"originator_topic":"ledger.unit:Unit"' in state
    db.set_state(3, state.replace(b'"originator_topic":"ledger.unit:Unit"',
                                  b'"originator_topic":"ledger.employee:Employee"', 1))
    assert_detected(world, 3, "differs from what was recorded")


def test_a_typed_value_turned_into_plain_text_is_found(world):
    """A typed timestamp rewritten as a plain string decodes to the same moment in a v1 leaf."""
    db = world["db"]
    state = db.state(6)
    start = state.index(b'{"_type_":"datetime_iso","_data_":"')
    end = state.index(b"}", start) + 1
    moment = state[start:end].split(b'"_data_":')[1].rstrip(b"}")
    db.set_state(6, state[:start] + moment + state[end:])
    assert_detected(world, 6, "differs from what was recorded")


# What verify reads of each row (issue 21: it reads the rows' bytes with their leaves in one query):
# every column a leaf stands for is still checked.

def test_a_changed_event_id_in_the_recorded_leaf_is_found(world):
    """The leaf's event id is not hashed (the state carries it): it is compared with the state's."""
    world["db"].sql("UPDATE jejak_leaves SET event_id = ? WHERE position = ?", (str(uuid.uuid4()), 6))
    assert_detected(world, 6, "id, stream or version differ from its recorded leaf")


def test_a_changed_stream_in_the_recorded_leaf_is_found(world):
    world["db"].sql("UPDATE jejak_leaves SET stream_id = ? WHERE position = ?", (str(uuid.uuid4()), 14))
    assert_detected(world, 14, "id, stream or version differ from its recorded leaf")


def test_an_event_moved_to_another_stream_is_found(world):
    """The stored originator id is read as text: another stream's id changes the leaf."""
    db = world["db"]
    other = uuid.uuid4()
    db.sql("UPDATE EVENTS SET originator_id = ? WHERE ID = ?", (other.hex if not db.postgres else str(other), 9))
    assert_detected(world, 9, "differs from what was recorded")


def test_an_event_appended_without_its_leaf_is_found(world):
    db = world["db"]
    forged = re.sub(rb'"event_id":"[0-9a-f-]{36}"', f'"event_id":"{uuid.uuid4()}"'.encode(),
                    db.state(10).replace(b"Dinas 9", b"Dinas Palsu", 1))
    db.sql("INSERT INTO EVENTS (originator_id, originator_version, topic, state, ID) VALUES (?, 1, ?, ?, ?)",
           (str(uuid.uuid4()), "ledger.events:UnitRegistered", forged, 41))
    assert_detected(world, 41, "no recorded leaf")


# Anchors outside the database (issue 14): the key file on the server and key rows vouch for nothing.

def rewrite_history_and_resign(world) -> None:
    """The insider's full cover-up: edit an event, rebuild leaves and nodes, delete every checkpoint and
    re-sign the new tree with a new key written over JEJAK_SIGNING_KEY (its row inserted as Jejak would)."""
    db = world["db"]
    db.set_state(7, db.state(7).replace(b"Dinas 6", b"Dinas 8", 1))
    db.rebuild_merkle_tables(world["ledger"].recorder)
    db.sql("DELETE FROM jejak_checkpoints")
    db.sql("DELETE FROM jejak_checkpoint_notes")
    world["key"].unlink()
    create_key_file(world["key"])
    Checkpointer(world["ledger"].recorder, world["key"]).issue()


def test_a_rewritten_history_resigned_with_a_swapped_key_file_fails_against_the_pinned_key(world):
    rewrite_history_and_resign(world)
    code, output = run_verify(world)
    assert code == 1, output
    assert "not a trusted key" in output
    # Without an anchor, the same database is at best "not anchored" (exit 3), never intact.
    result = CliRunner().invoke(verify, ["--json"], env={"JEJAK_DATABASE_URL": world["url"],
                                                         "JEJAK_SIGNING_KEY": str(world["key"])})
    assert result.exit_code == 3, result.output
    answer = json.loads(result.output.strip().splitlines()[-1])
    assert answer["ok"] is True and answer["anchored"] is False


def test_a_missing_key_file_and_an_inserted_key_row_are_not_anchored(world):
    rogue = Ed25519PrivateKey.generate()
    db = world["db"]
    db.sql("INSERT INTO jejak_signing_keys (key_id, public_key, created_at, endorses, endorsement)"
           " VALUES (?, ?, ?, ?, ?)", (key_id(rogue.public_key()), public_pem(rogue.public_key()),
                                       "2030-01-01T00:00:00.000000Z", "[]", base64.b64encode(rogue.sign(b"x")).decode()))
    world["key"].unlink()
    result = CliRunner().invoke(verify, ["--json"], env={"JEJAK_DATABASE_URL": world["url"],
                                                         "JEJAK_SIGNING_KEY": str(world["key"])})
    assert result.exit_code == 3, result.output
    answer = json.loads(result.output.strip().splitlines()[-1])
    assert answer["anchored"] is False and answer["anchored_by"] == []
    plain = CliRunner().invoke(verify, [], env={"JEJAK_DATABASE_URL": world["url"],
                                                "JEJAK_SIGNING_KEY": str(world["key"])})
    assert plain.exit_code == 3 and "NOT ANCHORED" in plain.output and "intact" not in plain.output


def test_a_cut_tail_fails_against_a_checkpoint_the_auditor_kept(world, tmp_path):
    """Deleting the newest events with their leaves, nodes and the checkpoint covering them leaves a
    database that agrees with itself; the checkpoint an auditor saved (its note) does not agree."""
    kept = tmp_path / "kept.note"
    kept.write_text(world["checkpointer"].note_of(world["checkpointer"].latest()))
    db = world["db"]
    db.sql("DELETE FROM EVENTS WHERE ID > ?", (26,))
    db.sql("DELETE FROM jejak_leaves WHERE position > ?", (26,))
    db.rebuild_merkle_tables(world["ledger"].recorder)
    db.sql("DELETE FROM jejak_checkpoints WHERE tree_size > ?", (26,))
    code, output = run_verify(world)
    assert code == 0, output  # what the database alone says: the cut cannot be seen from inside
    code, output = run_verify(world, "--checkpoint", str(kept))
    assert code == 1, output
    assert "covers 40 events, but the ledger ends at 26: events were removed" in output


def test_a_rotation_is_endorsed_by_the_key_it_replaces(world, tmp_path):
    """An auditor who pinned the key published before a rotation still verifies checkpoints signed after it."""
    world["checkpointer"].rotate()
    world["ledger"].record([{"type": "UnitRegistered", "subject": "OPD-99", "data": {"name": "Dinas 99"}}], "tester")
    world["checkpointer"].issue()
    code, output = run_verify(world)  # world["public"] is the key from before the rotation
    assert code == 0, output
    assert "anchored by pinned key" in output
