"""Issue 19, the command line as an operator meets it: a version, one-line configuration errors that blame the
right variable or option, the database named and never made by a command that only reads or imports, progress
on stderr, JSON where the output is data, and an import that ends with a signed checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

JEJAK = str(Path(sys.executable).parent / "jejak")
UNIT = {"type": "UnitRegistered", "subject": "BKPSDM", "data": {"name": "Badan Kepegawaian"}}
NIP = "198503122010011002"


@pytest.fixture
def jejak(tmp_path, monkeypatch):
    """`jejak ARGS` in-process, on a SQLite file of this test (not yet made) and a signing key path."""
    monkeypatch.setenv("JEJAK_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'jejak.db'}")
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(tmp_path / "signing.key"))

    def run(*args: str, **env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return CliRunner().invoke(main, list(args))

    run.db = tmp_path / "data" / "jejak.db"
    return run


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(UNIT) + "\n", encoding="utf-8")
    return path


def test_jejak_version_prints_the_installed_version():
    done = subprocess.run([JEJAK, "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("jejak, version ") and done.stdout.strip().split()[-1][0].isdigit()


@pytest.mark.parametrize("args", [["verify"], ["replay", NIP], ["keys", "list"], ["keys", "create", "--name", "a",
                                  "--role", "admin"], ["projections", "status"], ["projections", "rebuild"],
                                  ["export", "-o", "x.zip"], ["backup", "-o", "x.backup"], ["checkpoint"],
                                  ["signing-key", "public"], ["serve", "--port", "1"]],
                         ids=lambda a: " ".join(a[:2]))
def test_a_database_url_of_an_unsupported_kind_is_one_line_naming_jejak_database_url_and_exit_2(args, tmp_path,
                                                                                               events_file):
    env = {**os.environ, "JEJAK_DATABASE_URL": "mysql://root@127.0.0.1/jejak"}
    env.pop("JEJAK_SIGNING_KEY")  # its default place is beside the database the URL names
    done = subprocess.run([JEJAK, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "JEJAK_DATABASE_URL" in done.stderr and "mysql://" in done.stderr


def test_a_bad_lock_timeout_is_blamed_on_jejak_lock_timeout_not_the_database_url(jejak, events_file, database_url):
    done = jejak("import", str(events_file), "--create", JEJAK_LOCK_TIMEOUT="ten", JEJAK_DATABASE_URL=database_url)
    assert done.exit_code == 2, done.output
    assert "JEJAK_LOCK_TIMEOUT" in done.stderr and "JEJAK_DATABASE_URL" not in done.stderr, done.stderr
    from ledger.config import ConfigurationError, event_store_env

    with pytest.raises(ConfigurationError, match="^JEJAK_LOCK_TIMEOUT="):
        event_store_env(database_url)


def test_replay_blames_valid_at_for_a_date_that_does_not_exist(jejak):
    done = jejak("replay", NIP, "--valid-at", "2025-13-01", "--create")
    assert done.exit_code == 2, done.output
    assert "--valid-at" in done.stderr and "--as-of" not in done.stderr, done.stderr


@pytest.mark.parametrize("args", [["verify"], ["replay", NIP], ["export", "-o", "{tmp}/b.zip"],
                                  ["backup", "-o", "{tmp}/x.backup"], ["projections", "status"],
                                  ["projections", "rebuild"], ["import", "{events}"], ["keys", "list"],
                                  ["checkpoint"]], ids=lambda a: " ".join(a[:2]))
def test_a_command_that_only_reads_or_imports_makes_no_new_sqlite_database(jejak, args, tmp_path, events_file):
    done = jejak(*[a.format(tmp=tmp_path, events=events_file) for a in args])
    assert done.exit_code == 2, done.output
    assert not jejak.db.exists()
    assert f"no database at {jejak.db}" in done.stderr and "JEJAK_DATABASE_URL" in done.stderr, done.stderr
    offers = args[0] in ("replay", "export", "import") or args[:2] == ["projections", "status"]
    assert ("--create" in done.stderr) == offers, done.stderr


def test_import_with_create_makes_the_database_names_it_and_ends_by_signing_a_checkpoint(jejak, events_file):
    assert jejak("signing-key", "create").exit_code == 0
    done = jejak("import", str(events_file), "--create")
    assert done.exit_code == 0, done.output
    assert f"jejak: database {jejak.db} (new)" in done.stderr
    assert "1 recorded, 0 already recorded, 0 rejected" in done.stdout
    assert "signed checkpoint of tree size 1" in done.stdout
    pem = jejak.db.with_name("published.pem")
    pem.write_text(jejak("signing-key", "public").stdout)
    verified = jejak("verify", "--public-key", str(pem))
    assert verified.exit_code == 0, verified.output
    assert f"jejak: database {jejak.db}\n" in verified.stderr
    again = jejak("import", str(events_file), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == {"recorded": 0, "already_recorded": 1, "rejected": 0, "rejects_file": None,
                                        "checkpoint": None}
    assert "no checkpoint signed" in again.stderr


def test_import_without_a_signing_key_records_and_says_how_to_sign(jejak, events_file):
    done = jejak("import", str(events_file), "--create", "--json")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["recorded"] == 1 and summary["checkpoint"] is None
    assert "no checkpoint signed" in done.stderr and "jejak signing-key create" in done.stderr


def test_import_json_names_the_checkpoint_it_signed(jejak, events_file):
    jejak("signing-key", "create")
    done = jejak("import", str(events_file), "--create", "--json")
    summary = json.loads(done.stdout)
    assert summary["recorded"] == 1 and summary["checkpoint"]["tree_size"] == 1


def test_projections_rebuild_draws_its_progress_on_stderr_and_prints_only_its_result_on_stdout(tmp_path,
                                                                                             events_file):
    env = {**os.environ, "JEJAK_DATABASE_URL": f"sqlite:///{tmp_path / 'jejak.db'}", "COLUMNS": "120"}
    subprocess.run([JEJAK, "import", str(events_file), "--create"], env=env, capture_output=True, timeout=120,
                   check=True)
    done = subprocess.run([JEJAK, "projections", "rebuild"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["rebuilt all projections: 1 events"], done.stdout
    assert "rebuild all" in done.stderr


def test_projections_status_and_keys_list_print_json_when_asked(jejak, events_file):
    jejak("import", str(events_file), "--create")
    jejak("keys", "create", "--name", "siasn-sync", "--role", "recorder")
    status = jejak("projections", "status", "--json")
    assert status.exit_code == 0, status.output
    assert {row["name"] for row in json.loads(status.stdout)} and all("lag" in r for r in json.loads(status.stdout))
    listed = jejak("keys", "list", "--json")
    assert listed.exit_code == 0, listed.output
    [key] = json.loads(listed.stdout)
    assert (key["name"], key["role"], key["revoked_at"]) == ("siasn-sync", "recorder", None) and key["created_at"]


def test_a_postgresql_database_is_named_without_its_password(jejak, pg_database):
    done = jejak("projections", "status", "--json", JEJAK_DATABASE_URL=pg_database.replace("postgres@",
                                                                                            "postgres:s3cret@"))
    assert "jejak: database PostgreSQL 127.0.0.1:5432/" in done.stderr and "s3cret" not in done.output
