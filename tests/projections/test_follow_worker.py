"""`jejak projections follow` as a real process: SIGKILLed mid catch-up, restarted, ends equal to a rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import projection_support as s  # noqa: E402
from ledger.application import Ledger  # noqa: E402
from projections.runner import NAMES, Projections  # noqa: E402

UNITS = [f"OPD-{i}" for i in range(8)]


def fill(ledger: Ledger, employees: int) -> None:
    """A few thousand events in batches: units, budgets, appointments, trainings with costs."""
    ledger.record([s.unit(u) for u in UNITS] + [s.allocate(u, 50_000_000) for u in UNITS], actor="seed", batch=True)
    for start in range(0, employees, 250):
        ids = range(start, min(start + 250, employees))
        ledger.record([s.appoint(s.nip(i), UNITS[i % len(UNITS)]) for i in ids], actor="seed", batch=True)
        ledger.record([s.train(s.nip(i), UNITS[i % len(UNITS)], jp=12, cost=100_000) for i in ids],
                      actor="seed", batch=True)


def worker(url: str) -> subprocess.Popen:
    jejak = Path(sys.executable).parent / "jejak"
    cmd = [str(jejak)] if jejak.exists() else [sys.executable, "-m", "api.cli.projections"]
    env = {**os.environ, "JEJAK_DATABASE_URL": url}
    return subprocess.Popen(cmd + ["projections", "follow", "--interval", "0.1", "--chunk-size", "40"][
        0 if jejak.exists() else 1:], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(predicate, what: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}) before {what}: {proc.stderr.read().decode()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.slow
def test_a_follow_worker_killed_mid_catch_up_resumes_and_ends_equal_to_a_rebuild(database_url):
    ledger = Ledger(database_url)
    fill(ledger, 1200)
    head = ledger.head()
    projections = Projections(database_url)
    try:
        proc = worker(database_url)
        try:
            wait_for(lambda: min(s.tracking(projections.engine).values()) >= 200, "it applied 200 events", proc)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        midway = s.tracking(projections.engine)
        assert min(midway.values()) < head, "the kill came after the catch-up finished: make the history larger"

        more = s.record(ledger, s.appoint(s.nip(5000), UNITS[0]))  # written while no worker runs
        proc = worker(database_url)
        try:
            wait_for(lambda: s.tracking(projections.engine) == {n: more["position"] for n in NAMES},
                     "it caught up", proc)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
        live = s.dump(projections.engine)
        projections.rebuild(ledger)
        rebuilt = s.dump(projections.engine)
        for table in live:
            assert live[table] == rebuilt[table], table
        assert len(live["proj_roster"]) == 1201
    finally:
        projections.close()
        ledger.close()
