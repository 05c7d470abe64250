"""Locks and hostile clients: a held write lock answers 503 database_busy with Retry-After (in process
and on a real `jejak serve`), slow clients hold no lock, oversize bodies are refused however framed,
and tokens never reach the server log. Both backends; counts go to `record(...)`.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import time
import uuid
from typing import Any

import psycopg
import pytest
import requests


from api_bodies import auth, unit, world  # noqa: E402
from hostile_support import (LIVENESS, LOCK_TIMEOUT, HeldLock, admin_headers, answered, backend,  # noqa: E402
                             lock_kinds, make_app, refuse_inserts_as_busy)
from reliability_report import record  # noqa: E402
from server_process import empty_database, serving  # noqa: E402


@pytest.fixture
def app(database_url, monkeypatch, tmp_path):
    yield from make_app(database_url, monkeypatch, tmp_path)


@pytest.fixture
def admin(app):
    return admin_headers(app)


# --- Locks held by someone else: 503 database_busy with Retry-After, nothing recorded -------------

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
    documented = client.get("/openapi.json").json["paths"]["/v1/events"]["post"]["responses"]
    assert "Retry-After" in documented["503"]["headers"]
    record("lock timeout 503", backend(svc.url), runs=len(lock_kinds(svc.url)), requests=requests,
           events=svc.ledger.head(), lost=0, duplicated=0, server_errors=0,
           notes=f"{busy} writes under a held lock answered 503 database_busy with Retry-After "
                 f"(JEJAK_LOCK_TIMEOUT={LOCK_TIMEOUT}s); all succeeded once released")


def test_reads_of_the_ledger_go_on_while_a_writer_holds_the_lock(app, admin):
    """Reads that reveal no personal value (here the units and the budget, positions 1-3) need no write.
    A read that reveals one appends to the access log first (issue 15), which on SQLite, one file with
    one writer, waits for the writer like any write (docs/PERSONAL_DATA.md)."""
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    for kind in lock_kinds(svc.url):
        lock = HeldLock(svc, kind)
        try:
            feed = answered(lambda: client.get("/v1/feed?after=0&limit=3", headers=admin))
            event = answered(lambda: client.get(f"/v1/events/{feed.json['items'][0]['event_id']}", headers=admin))
        finally:
            lock.release()
        assert feed.status_code == 200 and feed.json["head"] == 7, kind
        assert event.status_code == 200, kind


def test_a_checkpoint_that_cannot_be_written_after_a_commit_does_not_turn_the_write_into_an_error(
        database_url, tmp_path, monkeypatch):
    """A 503 promises nothing was recorded, so a periodic checkpoint failing after the commit must stay silent."""
    from api import create_app
    from ledger.integrity.checkpoints import create_key_file

    create_key_file(tmp_path / "signing.key")
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(tmp_path / "signing.key"))
    monkeypatch.setenv("JEJAK_CHECKPOINT_EVERY_EVENTS", "1")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    svc = app.extensions["jejak"]
    try:
        admin = auth(svc.keys.create("admin-1", "admin"))
        client = app.test_client()
        assert client.post("/v1/events", json=unit("CP-0"), headers=admin).status_code == 201
        if backend(database_url) == "sqlite":  # as if the lock could not be had when signing
            svc.ledger.recorder.execute("CREATE TRIGGER busy_checkpoints BEFORE INSERT ON jejak_checkpoints"
                                        " BEGIN SELECT RAISE(ABORT, 'database is locked'); END")
        else:
            refuse_inserts_as_busy(database_url, "jejak_checkpoints")
        head = svc.ledger.head()
        resp = client.post("/v1/events", json=unit("CP-1"), headers=admin)
        assert resp.status_code == 201, resp.json
        assert svc.ledger.head() == head + 1
    finally:
        svc.close()


# --- A real server: slow clients hold no lock, held locks answer 503, tokens never reach the log ---

@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(request, tmp_path_factory):
    """`jejak serve` (2 workers x 4 threads) whose writers give up on a held lock after 1 s."""
    tmp = tmp_path_factory.mktemp("hostile-live")
    with serving(empty_database(request, tmp), tmp, JEJAK_LOCK_TIMEOUT=LOCK_TIMEOUT) as server:
        resp = requests.post(f"{server.url}/v1/events/batch", json={"events": world()}, headers=server.headers,
                             timeout=60)
        assert resp.status_code == 201, resp.text
        yield server


def start_slow_post(server: Any, body: dict[str, Any]) -> tuple[socket.socket, bytes]:
    """Send the headers and half of a POST body, then stall (a client on a bad line, or a slowloris)."""
    raw = json.dumps(body).encode()
    host, port = server.url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=LIVENESS)
    conn.sendall((f"POST /v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.token}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\nConnection: close\r\n\r\n"
                  ).encode() + raw[: len(raw) // 2])
    return conn, raw[len(raw) // 2:]


def finish(conn: socket.socket, rest: bytes) -> int:
    conn.sendall(rest)
    reply = b""
    while b"\r\n" not in reply:
        chunk = conn.recv(4096)
        if not chunk:
            break
        reply += chunk
    conn.close()
    return int(reply.split(b" ", 2)[1])


def writer_lock_is_free(server: Any) -> bool:
    """Can another connection take the ledger's write lock right now, without waiting at all?"""
    if server.database_url.startswith("sqlite"):
        from ledger.config import sqlite_path

        conn = sqlite3.connect(sqlite_path(server.database_url), timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()
    with psycopg.connect(server.database_url, autocommit=True) as conn:
        idle_in_tx = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                  " AND state LIKE 'idle in transaction%'").fetchone()[0]
        key = "jejak-writer:public.jejak_events"
        took = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]
        if took:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
        return idle_in_tx == 0 and took


@pytest.mark.slow
def test_slow_clients_hold_no_database_lock_and_other_writers_go_on(live):
    head = live.head()
    slow = [start_slow_post(live, unit(f"SLOW-{i}")) for i in range(3)]
    try:
        time.sleep(1)  # the server has read the headers and is waiting for the rest of each body
        assert writer_lock_is_free(live)
        others = [answered(lambda i=i: requests.post(f"{live.url}/v1/events", json=unit(f"FAST-{i}"),
                                                     headers=live.headers, timeout=LIVENESS)) for i in range(4)]
        assert [r.status_code for r in others] == [201] * 4, [r.text for r in others]
        assert live.head() == head + 4
    finally:
        statuses = [finish(conn, rest) for conn, rest in slow]
    assert statuses == [201] * 3 and live.head() == head + 7
    record("hostile slow clients", backend(live.database_url), runs=1, requests=7, events=live.head(), lost=0,
           duplicated=0, server_errors=0,
           notes="3 clients stalled mid-body: the writer lock stayed free and 4 other writes were recorded meanwhile")


@pytest.mark.slow
def test_a_real_server_answers_503_with_retry_after_while_the_lock_is_held(live, tmp_path):
    from api.bootstrap import build_services

    svc = build_services(live.database_url)
    try:
        head = live.head()
        lock = HeldLock(svc, lock_kinds(live.database_url)[0])
        try:
            busy = answered(lambda: requests.post(f"{live.url}/v1/events", json=unit("HELD"), headers=live.headers,
                                                  timeout=LIVENESS))
        finally:
            lock.release()
    finally:
        svc.close()
    assert busy.status_code == 503 and busy.json()["error"]["code"] == "database_busy", busy.text
    assert int(busy.headers["Retry-After"]) >= 1 and live.head() == head
    after = requests.post(f"{live.url}/v1/events", json=unit("HELD"), headers=live.headers, timeout=LIVENESS)
    assert after.status_code == 201 and live.head() == head + 1


@pytest.mark.slow
def test_tokens_never_reach_the_server_log_wherever_a_client_puts_them(live):
    token, base = live.token, live.url
    marker = f"log-marker-{uuid.uuid4().hex}"
    misplaced = [
        ("GET", f"/v1/feed?access_token={token}", {}),
        ("GET", f"/v1/events/{token}", {"Authorization": f"Bearer {token}"}),
        ("GET", f"/v1/employees/{token}/history", {"Authorization": f"Bearer {token}"}),
        ("GET", "/v1/feed", {"Authorization": f"Token {token}"}),
        ("GET", "/v1/feed", {"Authorization": f"Bearer {token}x"}),
        ("GET", "/v1/feed", {"Authorization": f"Bearer {token[:-1]}"}),
        ("POST", "/v1/events", {"Authorization": f"Bearer {token}", "Idempotency-Key": token}),
        ("GET", f"/v1/public/feedback/{token}", {}),
        ("GET", f"/{token}", {}),
    ]
    for method, path, headers in misplaced:
        body = {**unit("TOKEN-UNIT", token), "reason": token} if method == "POST" else None
        resp = requests.request(method, base + path, headers=headers, json=body, timeout=30)
        assert resp.status_code < 500, (path, resp.status_code)
    refused = requests.post(base + "/v1/events", json={"type": "UnitRegistered", "subject": token, "data": {}},
                            headers=live.headers, timeout=30)
    assert refused.status_code == 400
    requests.get(base + "/healthz", headers={"X-Request-Id": marker}, timeout=30)
    deadline = time.monotonic() + 30
    while marker not in live.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = live.log.read_text()
    assert marker in log, "the access log did not record the requests"
    assert token not in log and token[4:] not in log and token[4:20] not in log
    routes = {json.loads(line).get("route") for line in log.splitlines() if line.startswith("{")}
    assert "/v1/events/<event_id>" in routes  # the request that carried a token in its path is logged, as its route


@pytest.mark.slow
def test_a_real_server_refuses_oversize_bodies_however_they_are_framed(live):
    head, big = live.head(), b'{"type": "UnitRegistered", "subject": "BIG", "data": {"name": "' + b"x" * (3 << 20)

    # Valid JSON within the first MiB, then padding: cut at the limit it would be an acceptable event.
    padded = json.dumps(unit("PADDED")).encode() + b" " * (2 << 20)

    def chunks(raw: bytes = big):
        for i in range(0, len(raw), 64 * 1024):
            yield raw[i:i + 64 * 1024]

    framed = {
        "Content-Length": requests.post(f"{live.url}/v1/events", data=big, timeout=LIVENESS,
                                        headers={**live.headers, "Content-Type": "application/json"}),
        "chunked, no length": requests.post(f"{live.url}/v1/events", data=chunks(), timeout=LIVENESS,
                                            headers={**live.headers, "Content-Type": "application/json"}),
        "valid JSON then padding, chunked": requests.post(
            f"{live.url}/v1/events", data=chunks(padded), timeout=LIVENESS,
            headers={**live.headers, "Content-Type": "application/json"}),
        "public, chunked": requests.post(f"{live.url}/v1/public/feedback", data=chunks(), timeout=LIVENESS,
                                         headers={"Content-Type": "application/json"}),
    }
    for how, resp in framed.items():
        assert resp.status_code == 413 and resp.json()["error"]["code"] == "too_large", (how, resp.status_code)
    assert live.head() == head
    assert requests.post(f"{live.url}/v1/events", json=unit("AFTER-BIG"), headers=live.headers,
                         timeout=LIVENESS).status_code == 201
    record("hostile oversize body", backend(live.database_url), runs=1, requests=len(framed) + 1,
           events=live.head(), lost=0, duplicated=0, server_errors=0,
           notes="3 MiB bodies with a length, chunked (one valid JSON then padding), and to the public form: "
                 "413 too_large, nothing recorded")
