"""Hostile input: locks held by others, SQL injection, deep and oversize JSON, traversal, token leaks.

Each scenario asserts that nothing answers 5xx, nothing is recorded by a refused request,
and records its counts with `record(...)` for docs/RELIABILITY.md.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))  # shared request bodies
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_bodies import auth, unit, world  # noqa: E402
from reliability_report import record  # noqa: E402

LOCK_TIMEOUT = "1"  # seconds a writer waits for the ledger's lock before answering 503
LIVENESS = 60       # a request still unanswered after this long is a hang, not a slow answer


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


@pytest.fixture
def app(database_url, monkeypatch):
    """The API on an empty database, with writers giving up on a held lock after 1 s."""
    monkeypatch.setenv("JEJAK_LOCK_TIMEOUT", LOCK_TIMEOUT)
    from api import create_app

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield app
    app.extensions["jejak"].close()


@pytest.fixture
def admin(app):
    return auth(app.extensions["jejak"].keys.create("admin-1", "admin"))


def answered(fn: Any) -> Any:
    """Call `fn` in a thread and return its result; fail (instead of hanging CI) if it never answers."""
    out: dict[str, Any] = {}
    t = threading.Thread(target=lambda: out.setdefault("r", fn()), daemon=True)
    t.start()
    t.join(LIVENESS)
    assert not t.is_alive(), f"no answer within {LIVENESS} s: a held lock made the request hang"
    return out["r"]


# --- Locks held by someone else: 503 database_busy with Retry-After, nothing recorded -------------

class HeldLock:
    """Another connection holding the ledger's write lock, as a slow writer or a maintenance job would."""

    def __init__(self, services: Any, how: str) -> None:
        self.services, self.how = services, how
        url = services.url
        if how == "sqlite_immediate":
            from ledger.store import sqlite_path

            self.conn: Any = sqlite3.connect(sqlite_path(url), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn = psycopg.connect(url, autocommit=False)
            table = services.ledger.recorder.events_table_name
            if how == "pg_advisory":  # the lock every ledger writer queues on (ledger/recorders.py)
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"jejak-writer:public.{table}",))
            else:  # a table lock that lets readers in but no writer
                self.conn.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')

    def release(self) -> None:
        if self.how == "sqlite_immediate":
            self.conn.execute("ROLLBACK")
        else:
            self.conn.rollback()
        self.conn.close()


def lock_kinds(url: str) -> list[str]:
    return ["sqlite_immediate"] if backend(url) == "sqlite" else ["pg_advisory", "pg_table_exclusive"]


def test_a_write_arriving_while_another_holds_the_lock_is_told_to_retry_and_records_nothing(app, admin):
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    requests = busy = 0
    for kind in lock_kinds(svc.url):
        head, feed = svc.ledger.head(), svc.ledger.feed(0, 1000)
        lock = HeldLock(svc, kind)
        try:
            refused = [
                answered(lambda: client.post("/v1/events", json=unit(f"B-{kind}"),
                                             headers={**admin, "Idempotency-Key": f"k-{kind}"})),
                answered(lambda: client.post("/v1/events/batch", json={"events": [unit(f"C-{kind}")]},
                                             headers=admin)),
            ]
        finally:
            lock.release()
        requests += len(refused)
        for resp in refused:
            assert resp.status_code == 503, (kind, resp.status_code, resp.json)
            assert resp.json["error"]["code"] == "database_busy"
            assert resp.json["error"]["message"].startswith("database: ")
            assert int(resp.headers["Retry-After"]) >= 1
            busy += 1
        assert svc.ledger.head() == head and svc.ledger.feed(0, 1000) == feed, kind
        # Released: the same requests now succeed, and the key was never claimed (201, not a 200 replay).
        again = client.post("/v1/events", json=unit(f"B-{kind}"), headers={**admin, "Idempotency-Key": f"k-{kind}"})
        assert again.status_code == 201, again.json
        assert client.post("/v1/events/batch", json={"events": [unit(f"C-{kind}")]},
                           headers=admin).status_code == 201
        requests += 2
        assert svc.ledger.head() == head + 2
    record("lock timeout 503", backend(svc.url), runs=len(lock_kinds(svc.url)), requests=requests,
           events=svc.ledger.head(), lost=0, duplicated=0, server_errors=0,
           notes=f"{busy} writes under a held lock answered 503 database_busy with Retry-After "
                 f"(JEJAK_LOCK_TIMEOUT={LOCK_TIMEOUT}s); all succeeded once released")


def test_reads_of_the_ledger_go_on_while_a_writer_holds_the_lock(app, admin):
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    for kind in lock_kinds(svc.url):
        lock = HeldLock(svc, kind)
        try:
            feed = answered(lambda: client.get("/v1/feed?after=0&limit=10", headers=admin))
            event = answered(lambda: client.get(f"/v1/events/{feed.json['items'][0]['event_id']}", headers=admin))
        finally:
            lock.release()
        assert feed.status_code == 200 and feed.json["head"] == 7, kind
        assert event.status_code == 200, kind
