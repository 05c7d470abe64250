"""`jejak projections follow` reading the events from a real streaming replica and writing the read models
on the primary: it never applies what the replica has not replayed, and catches up once it has."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from api_bodies import NIP, training, world
from server_process import terminate

pytestmark = pytest.mark.timeout(600)
JEJAK = str(Path(sys.executable).parent / "jejak")
ROOT = Path(__file__).resolve().parents[2]


def lowest_position(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT COALESCE(MIN(position), 0) FROM proj_tracking").fetchone()[0]


def wait_for(check, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


@pytest.fixture
def primary(pg_replica, pg_database):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    from ledger.application import Ledger
    from projections.runner import Projections

    ledger = Ledger(pg_database)
    Projections(pg_database).close()  # the read models' tables, as `jejak serve` makes them at its start
    ledger.record(world(), "siasn-sync", batch=True)
    pg_replica.caught_up()
    yield ledger
    ledger.close()


def test_a_follow_worker_reads_events_from_the_replica_and_writes_read_models_on_the_primary(
        primary, pg_replica, pg_database, tmp_path):
    head = primary.head()
    env = {**os.environ, "JEJAK_DATABASE_URL": pg_database, "JEJAK_READ_DATABASE_URL": pg_replica.url(pg_database)}
    log = open(tmp_path / "follow.log", "w")
    worker = subprocess.Popen([JEJAK, "projections", "follow", "--interval", "0.05"], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: lowest_position(pg_database) == head)
        pg_replica.pause()
        try:
            later = primary.record([training(NIP, cost=0, jp=5)], "siasn-sync")[0][0]["position"]
            time.sleep(1.5)  # 30 polls: a worker reading the primary would have applied it by now
            assert lowest_position(pg_database) == head < later
        finally:
            pg_replica.resume()
        wait_for(lambda: lowest_position(pg_database) == later)
        pg_replica.caught_up()
        assert lowest_position(pg_replica.url(pg_database)) == later  # and the replica holds the read models too
    finally:
        terminate(worker)
        log.close()
    assert "reading events from the replica" in (tmp_path / "follow.log").read_text()


def test_a_served_write_is_read_back_over_http_from_the_replica_or_the_primary_but_always_read(
        primary, pg_replica, pg_database, tmp_path):
    """`jejak serve` (gunicorn) with JEJAK_READ_DATABASE_URL: a receipt's position is read back either way."""
    import requests

    from server_process import ServerProcess

    served = ServerProcess(pg_database, tmp_path, workers=2, threads=2,
                           JEJAK_READ_DATABASE_URL=pg_replica.url(pg_database), JEJAK_READ_WAIT_MS="1000")
    served.start()
    try:
        auth = {"Authorization": f"Bearer {served.token}"}
        for paused in (False, True):
            if paused:
                pg_replica.pause()
            try:
                resp = requests.post(f"{served.url}/v1/events", json=training(NIP, cost=0, jp=1), headers=auth,
                                     timeout=60)
                assert resp.status_code == 201, resp.text
                receipt = resp.json()
                own = {**auth, "Jejak-Min-Position": str(receipt["position"])}
                state = requests.get(f"{served.url}/v1/employees/{NIP}", headers=own, timeout=60)
                assert state.status_code == 200 and state.json()["version"] == receipt["version"]
                assert state.headers["Jejak-Read-From"] == ("primary" if paused else "replica")
                if paused:  # without the position, the paused replica answers, and lacks the write
                    stale = requests.get(f"{served.url}/v1/employees/{NIP}", headers=auth, timeout=60)
                    assert stale.headers["Jejak-Read-From"] == "replica"
                    assert stale.json()["version"] < receipt["version"]
            finally:
                if paused:
                    pg_replica.resume()
    finally:
        served.stop()
