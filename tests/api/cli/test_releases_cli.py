"""`jejak releases publish`: bad options are refused naming the option, and nothing not due is published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JEJAK = str(Path(sys.executable).parent / "jejak")


def run(url: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(tmp_path / "signing.key")}
    return subprocess.run([JEJAK, "releases", "publish", *args], env=env, capture_output=True, text=True,
                          cwd=tmp_path)


def test_a_malformed_period_or_a_future_date_is_refused_naming_the_option_and_nothing_is_recorded(ledger,
                                                                                                  database_url,
                                                                                                  tmp_path):
    ledger.record([{"type": "UnitRegistered", "subject": "DINKES", "data": {"name": "Dinas Kesehatan"}}],
                  actor="tests")
    head = ledger.head()
    bad = run(database_url, tmp_path, "--period", "2025-13")
    assert bad.returncode == 2 and "--period" in bad.stderr
    future = run(database_url, tmp_path, "--today", "2999-01-01")
    assert future.returncode == 2 and "--today" in future.stderr
    early = run(database_url, tmp_path, "--period", "2999")
    assert early.returncode == 1 and "not due" in early.stderr
    assert ledger.head() == head
