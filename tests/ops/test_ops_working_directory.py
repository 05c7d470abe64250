"""Issue 19, README order: `make demo` then `make test` on one checkout. The demo leaves jejak.db and its keys in
the working directory; no test may read or write them (on PostgreSQL the keys' default place is that directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JEJAK = str(Path(sys.executable).parent / "jejak")
PG = "postgresql://postgres@127.0.0.1:5432/jejak"


def _outside_the_checkout(path: Path) -> bool:
    return not path.resolve().is_relative_to(ROOT)


def test_no_test_sees_the_signing_key_or_contact_key_of_the_working_directory():
    from api.portal.contact_crypto import default_key_path
    from ledger.config import database_url, sqlite_path
    from ledger.integrity.checkpoints import key_path

    assert _outside_the_checkout(key_path(PG)) and not key_path(PG).exists()
    assert _outside_the_checkout(default_key_path(PG)) and not default_key_path(PG).exists()
    assert _outside_the_checkout(Path(sqlite_path(database_url())))


def test_each_test_gets_keys_of_its_own():
    from ledger.integrity.checkpoints import create_key_file, key_path

    create_key_file(key_path(PG))
    assert key_path(PG).exists()


def test_a_key_made_by_another_test_is_not_seen():
    from ledger.integrity.checkpoints import key_path

    assert not key_path(PG).exists()


def test_a_command_run_from_the_checkout_with_the_tests_environment_finds_no_key_there():
    env = {**os.environ, "JEJAK_DATABASE_URL": PG}
    done = subprocess.run([JEJAK, "signing-key", "public"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "JEJAK_SIGNING_KEY" in done.stderr
