"""`jejak backup` and `jejak restore` as an operator runs them, on SQLite and PostgreSQL.

A restore is only trusted after `jejak verify` passes on it: every event, the Merkle
tree and every signed checkpoint. These tests restore into a second, empty database
(a new SQLite file, or a second PostgreSQL database) and compare it with the original.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

import projection_support as s
from api.cli.backup import backup, restore
from ledger.storage import backup as backup_module
from ledger.application import Ledger
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file, public_pem
from ledger.integrity.tree import StoredTree
from projections.runner import Projections

from reliability_report import record  # noqa: E402

EVALUATOR = s.nip(900)
# As tests/conftest.py has them: `from conftest import` is ambiguous under xdist (tests/e2e has one too).
PG_ADMIN = os.environ.get("JEJAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_url(dbname: str) -> str:
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{dbname}"


def reset_pg(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture
def new_database(database_url, tmp_path):
    """Makes empty databases of the test's backend to restore into; PostgreSQL ones are dropped afterwards."""
    made: list[str] = []

    def make() -> str:
        name = f"jejak_restore_{uuid.uuid4().hex[:10]}"
        if not database_url.startswith("postgresql"):
            return f"sqlite:///{tmp_path / (name + '.db')}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return _pg_url(name)

    yield make
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def city(database_url, tmp_path):
    """A small city: units with budgets, employees promoted and trained, feedback; read models caught up,
    a checkpoint signed after each of three stretches of history."""
    key = tmp_path / "keys" / "jejak-signing.key"
    create_key_file(key)
    clock = s.Clock()
    ledger = Ledger(database_url, clock=clock)
    signer = Checkpointer(ledger.recorder, key)
    checkpoints = []
    units = ["BKPSDM", "DINKES", "DISDIK"]
    ledger.record([s.unit(u) for u in units] + [s.allocate(u, 50_000_000) for u in units], "tester", batch=True)
    people = [s.nip(i) for i in range(30)]
    ledger.record([s.appoint(EVALUATOR, "BKPSDM", "administrator", "IV/a")]
                  + [s.appoint(n, units[i % 3]) for i, n in enumerate(people)], "tester", batch=True)
    checkpoints.append(signer.issue())
    clock.advance(days=40)
    ledger.record([s.promote(n, "III/a", "III/b") for n in people[:20]], "tester", batch=True)
    ledger.record([s.train(n, units[i % 3], jp=8, cost=250_000) for i, n in enumerate(people)], "tester", batch=True)
    checkpoints.append(signer.issue())
    clock.advance(days=3)
    ledger.record([s.ticket(f"LPR-{i:04d}", units[i % 3]) for i in range(10)], "tester", batch=True)
    ledger.record([s.plan(n, EVALUATOR) for n in people[:10]], "tester", batch=True)
    checkpoints.append(signer.issue())
    ledger.record([s.evaluate(n, EVALUATOR) for n in people[:5]], "tester", batch=True)  # after the last checkpoint
    projections = Projections(database_url)
    projections.catch_up(ledger)
    yield {"url": database_url, "ledger": ledger, "key": key, "checkpoints": checkpoints, "signer": signer,
           "projections": projections, "people": people}
    projections.close()
    ledger.close()


def env(url: str, key: Path) -> dict[str, str]:
    return {"JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(key)}


def run_backup(url: str, key: Path, output: Path, *args: str):
    return CliRunner().invoke(backup, ["-o", str(output), *args], env=env(url, key))


def run_restore(url: str, key: Path, source: Path, *args: str):
    """`jejak restore` with the published public key pinned, as an operator restoring a ledger runs it."""
    pem = key.with_name("published.pem")
    pem.write_text(public_pem(load_key_file(key).public_key()))
    return CliRunner().invoke(restore, [str(source), "--public-key", str(pem), *args], env=env(url, key))


def event_ids(url: str) -> list[str]:
    ledger = Ledger(url)
    try:
        return [e["event_id"] for e in ledger.feed(0, 100_000)]
    finally:
        ledger.close()


def test_a_restored_backup_verifies_keeps_every_checkpoint_and_equals_the_original(city, new_database, tmp_path):
    file = tmp_path / "backups" / "jejak.backup"
    file.parent.mkdir()
    made = run_backup(city["url"], city["key"], file)
    assert made.exit_code == 0, made.output
    assert f"wrote {file}" in made.output and "back them up separately" in made.output
    target = new_database()
    restored = run_restore(target, city["key"], file)
    assert restored.exit_code == 0, restored.output
    last = city["checkpoints"][-1]
    assert f"latest signed checkpoint: tree_size {last['tree_size']}, root {last['root_hash']}" in restored.output
    assert "intact: " in restored.output and "3 checkpoints verified" in restored.output

    original, copy = event_ids(city["url"]), event_ids(target)
    assert copy == original
    lost = len(set(original) - set(copy))
    duplicated = len(copy) - len(set(copy))

    back = Ledger(target)
    try:
        tree = StoredTree(back.recorder)
        for cp in city["checkpoints"]:  # each signed root is the restored tree's root at that size
            assert tree.head(cp["tree_size"])[1].hex() == cp["root_hash"]
        assert [c["signature"] for c in Checkpointer(back.recorder, city["key"]).all()] == \
               [c["signature"] for c in city["checkpoints"]]
        # The restored ledger goes on where the original stopped: the next event takes the next position.
        receipt = back.record([s.unit("DISPORA")], "tester")[0][0]
        assert receipt["position"] == len(original) + 1
        restored_projections = Projections(target)
        try:
            assert s.dump(restored_projections.engine) == s.dump(city["projections"].engine)
            assert s.tracking(restored_projections.engine) == s.tracking(city["projections"].engine)
            restored_projections.catch_up(back)
            assert back.state("employee", city["people"][0])["grade"] == "III/b"
        finally:
            restored_projections.close()
    finally:
        back.close()
    backend = "postgres" if city["url"].startswith("postgresql") else "sqlite"
    record("backup and restore", backend, runs=1, requests=2, events=len(original), lost=lost,
           duplicated=duplicated, server_errors=0,
           notes=f"jejak backup then jejak restore into an empty database: verify passed; "
                 f"{len(city['checkpoints'])} signed checkpoints (tree sizes "
                 f"{', '.join(str(c['tree_size']) for c in city['checkpoints'])}) equal the restored tree's roots; "
                 "read models and their tracking positions equal the original's; the next event took position "
                 f"{len(original) + 1}")
    assert lost == 0 and duplicated == 0


def test_a_backup_taken_while_events_are_recorded_is_one_consistent_snapshot(city, new_database, tmp_path,
                                                                            monkeypatch):
    """On SQLite the copy goes one page per step and the writer records an event between steps; the copy
    must neither start over at each write (it would never end on a busy ledger) nor mix two states."""
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 1)
    written, stop, errors = threading.Event(), threading.Event(), []
    count = [0]

    def write() -> None:
        ledger = Ledger(city["url"])
        signer = Checkpointer(ledger.recorder, city["key"])
        try:
            while not stop.is_set():
                ledger.record([s.unit(f"UPT-{count[0]}")], "writer")
                count[0] += 1
                if count[0] % 10 == 0:
                    signer.issue()
                written.set()
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
            written.set()
        finally:
            ledger.close()

    steps_with_a_write, copied = [0], []

    def progress(done: int, total: int) -> None:
        copied.append(done)
        if steps_with_a_write[0] < 20:  # enough interleaving to matter, and the copy still ends
            written.clear()
            if written.wait(10) and not errors:
                steps_with_a_write[0] += 1

    before = city["ledger"].head()
    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert written.wait(10)
        file = tmp_path / "during.backup"
        if city["url"].startswith("postgresql"):
            made = run_backup(city["url"], city["key"], file)
            assert made.exit_code == 0, made.output
        else:
            backup_module.backup(city["url"], file, progress)
            assert steps_with_a_write[0] >= 10
            assert all(a < b for a, b in zip(copied, copied[1:]))  # never started over
        at_end = count[0]
        written.clear()
        assert written.wait(10)  # the writer was still going after the backup
    finally:
        stop.set()
        writer.join()
    assert not errors, errors
    target = new_database()
    restored = run_restore(target, city["key"], file)
    assert restored.exit_code == 0, restored.output
    assert "intact: " in restored.output
    copy, original = event_ids(target), event_ids(city["url"])
    assert before < len(copy) <= before + at_end < len(original)
    assert copy == original[:len(copy)]  # a prefix of the ledger: nothing torn, nothing extra


def test_restore_checks_checkpoints_kept_outside_the_backup(city, new_database, tmp_path):
    """A checkpoint published before the backup is reached; one signed after it shows the backup is older
    (or was cut short and stripped of its later checkpoints), and the restore exits 1."""
    before = tmp_path / "published-before.json"
    before.write_text(json.dumps(city["checkpoints"][1]))
    file = tmp_path / "jejak.backup"
    assert run_backup(city["url"], city["key"], file).exit_code == 0
    city["ledger"].record([s.unit("LATER")], "tester")
    after = tmp_path / "published-after.json"
    after.write_text(json.dumps(city["signer"].issue()))
    reached = run_restore(new_database(), city["key"], file, "--checkpoint", str(before))
    assert reached.exit_code == 0, reached.output
    assert f"reached: tree_size {city['checkpoints'][1]['tree_size']} has the signed root" in reached.output
    missed = run_restore(new_database(), city["key"], file, "--checkpoint", str(before), "--checkpoint", str(after))
    assert missed.exit_code == 1, missed.output
    assert "intact: " in missed.output and "NOT REACHED" in missed.output and "cut short" in missed.output
    forged = dict(city["checkpoints"][1], root_hash="00" * 32)
    before.write_text(json.dumps(forged))
    refused = run_restore(new_database(), city["key"], file, "--checkpoint", str(before))
    assert refused.exit_code == 1 and "NOT REACHED: signed_text does not match" in refused.output


def test_backup_never_replaces_a_file_without_force_nor_the_ledgers_own_files(city, tmp_path):
    file = tmp_path / "old.backup"
    file.write_bytes(b"an earlier backup")
    refused = run_backup(city["url"], city["key"], file)
    assert refused.exit_code == 2 and "already exists" in refused.output and "--force" in refused.output
    assert file.read_bytes() == b"an earlier backup"
    replaced = run_backup(city["url"], city["key"], file, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert backup_module.backup_kind(file) in ("sqlite", "postgres")
    key = city["key"].read_bytes()
    mine = [city["key"]]
    if not city["url"].startswith("postgresql"):
        mine.append(Path(city["url"][len("sqlite:///"):]))
    for own in mine:
        clobber = run_backup(city["url"], city["key"], own, "--force")
        assert clobber.exit_code == 2 and "the ledger's own database or signing key; write the backup elsewhere" in clobber.output
    assert city["key"].read_bytes() == key
    nowhere = run_backup(city["url"], city["key"], tmp_path / "missing" / "x.backup")
    assert nowhere.exit_code == 2 and "no such directory" in nowhere.output
    assert city["ledger"].head() == len(event_ids(city["url"]))


def test_restore_refuses_a_database_that_holds_events_unless_forced(city, new_database, tmp_path):
    file = tmp_path / "jejak.backup"
    assert run_backup(city["url"], city["key"], file).exit_code == 0
    target = new_database()
    other = Ledger(target)
    other.record([s.unit("LAIN-1"), s.unit("LAIN-2")], "tester", batch=True)
    other.close()
    refused = run_restore(target, city["key"], file)
    assert refused.exit_code == 2, refused.output
    assert "not empty" in refused.output and "2 events" in refused.output and "--force" in refused.output
    assert len(event_ids(target)) == 2  # nothing changed
    forced = run_restore(target, city["key"], file, "--force")
    assert forced.exit_code == 0, forced.output
    assert "replacing" in forced.output and "intact: " in forced.output
    assert event_ids(target) == event_ids(city["url"])


def test_a_backup_with_one_changed_event_is_refused_by_verify_naming_its_position(city, new_database, tmp_path):
    file = tmp_path / "jejak.backup"
    assert run_backup(city["url"], city["key"], file).exit_code == 0
    position = 10  # an appointment: its payload names the employee "Pegawai ..."
    tampered = tmp_path / "tampered.backup"
    if city["url"].startswith("postgresql"):
        scratch = new_database()
        assert run_restore(scratch, city["key"], file).exit_code == 0
        with psycopg.connect(scratch, autocommit=True) as conn:
            conn.execute("ALTER TABLE jejak_events DISABLE TRIGGER USER")
            conn.execute("UPDATE jejak_events SET state = convert_to(replace(convert_from(state, 'UTF8'),"
                         " 'Pegawai ', 'Pegawal '), 'UTF8') WHERE notification_id = %s", (position,))
        assert run_backup(scratch, city["key"], tampered).exit_code == 0
    else:
        shutil.copyfile(file, tampered)
        conn = sqlite3.connect(tampered, isolation_level=None)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        state = conn.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()[0]
        assert b"Pegawai " in state
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?",
                     (state.replace(b"Pegawai ", b"Pegawal "), position))
        conn.close()
    target = new_database()
    restored = run_restore(target, city["key"], tampered)
    assert restored.exit_code == 1, restored.output
    assert f"TAMPERED: first bad event at position {position}" in restored.output
    assert re.search(rf"position {position}: the event differs from what was recorded", restored.output)


def test_restore_says_what_to_do_with_a_file_that_is_no_backup_or_of_the_other_backend(city, new_database,
                                                                                      tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    target = new_database()
    refused = run_restore(target, city["key"], junk)
    assert refused.exit_code == 2 and "not a Jejak backup" in refused.output and "jejak backup -o" in refused.output
    other = tmp_path / "other.backup"
    other.write_bytes(b"SQLite format 3\x00" if city["url"].startswith("postgresql") else b"PGDMP\x01\x0e")
    mismatch = run_restore(target, city["key"], other)
    assert mismatch.exit_code == 2 and "cannot be restored into" in mismatch.output
    assert backup_module.contents(target) == (0, 0)


def test_postgresql_backup_without_pg_dump_names_the_package_to_install(pg_database, tmp_path):
    reset_pg(pg_database)
    Ledger(pg_database).close()
    empty = tmp_path / "bin"
    empty.mkdir()
    result = CliRunner().invoke(backup, ["-o", str(tmp_path / "x.backup")],
                                env={**env(pg_database, tmp_path / "k.key"), "PATH": str(empty)})
    assert result.exit_code == 2 and "pg_dump was not found" in result.output
    assert "postgresql-client" in result.output
    assert not (tmp_path / "x.backup").exists()
