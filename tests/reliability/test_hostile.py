"""Hostile input: locks held by others, SQL injection, deep and oversize JSON, traversal, token leaks.

Each scenario asserts that nothing answers 5xx, nothing is recorded by a refused request,
and records its counts with `record(...)` for docs/RELIABILITY.md.
"""

from __future__ import annotations

import io
import json
import socket
import sqlite3
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))  # shared request bodies
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import cursors  # noqa: E402
from api_bodies import auth, unit, world  # noqa: E402
from reliability_report import record  # noqa: E402
from server_process import empty_database, serving  # noqa: E402

LOCK_TIMEOUT = "1"  # seconds a writer waits for the ledger's lock before answering 503
LIVENESS = 60       # a request still unanswered after this long is a hang, not a slow answer


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


@pytest.fixture
def app(database_url, monkeypatch, tmp_path):
    """The API on an empty database, with a signing key, and writers giving up on a held lock after 1 s."""
    from api import create_app
    from ledger.checkpoints import create_key_file

    monkeypatch.setenv("JEJAK_LOCK_TIMEOUT", LOCK_TIMEOUT)
    create_key_file(tmp_path / "signing.key")
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(tmp_path / "signing.key"))

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
    documented = client.get("/openapi.json").json["paths"]["/v1/events"]["post"]["responses"]
    assert "Retry-After" in documented["503"]["headers"]
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


# --- SQL injection: in every query parameter, filter, path segment, cursor and stored value ------

SQLI = ["' OR '1'='1", "' OR 1=1 --", '" OR ""="', "1; DROP TABLE jejak_events; --",
        "'; DROP TABLE proj_employee; --", "DINKES' --", "%", "_", "%' OR '%'='", "\\",
        "1 UNION SELECT sqlite_version() --", "' UNION SELECT version(), null --",
        "'; SELECT pg_sleep(30); --", "1' AND randomblob(1000000000) AND '1'='1",
        "'); DELETE FROM api_keys; --", "' || (SELECT token_hash FROM api_keys LIMIT 1) || '"]
# Exact-match filters: an injected value matches nothing (no LIKE, no string-built SQL).
FILTERS = {"unit", "status", "grade", "position_type", "actor", "on_behalf_of", "subject", "type", "kind"}
GOOD = {"nip": "198503122010011002", "code": "DINKES", "event_id": "00000000-0000-4000-8000-000000000000",
        "ticket": "LPR-2025-0001"}


def operations(client: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every GET operation in /openapi.json with its (name, in) parameters."""
    doc = client.get("/openapi.json").json
    return [(path, [(p["name"], p["in"]) for p in op.get("parameters", [])])
            for path, ops in doc["paths"].items() for method, op in ops.items() if method == "get"]


def url_with(path: str, params: list[tuple[str, str]], target: str, value: str) -> str:
    """`path` with every path parameter filled in (`target` with `value`) and `target` in the query."""
    query = []
    for name, where in params:
        if where == "path":
            path = path.replace(f"{{{name}}}", quote(value if name == target else GOOD[name], safe=""))
        elif name == target:
            query.append(f"{name}={quote(value, safe='')}")
    return path + ("?" + "&".join(query) if query else "")


def test_sql_injection_in_any_parameter_is_only_ever_a_literal_value(app, admin):
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    roster = client.get("/v1/employees?limit=100", headers=admin).json["items"]
    head, feed = svc.ledger.head(), svc.ledger.feed(0, 1000)
    statuses: dict[int, int] = {}
    requests = 0
    for path, params in operations(client):
        for target, where in params:
            if where not in ("path", "query"):
                continue
            for value in SQLI:
                url = url_with(path, params, target, value)
                resp = client.get(url, headers=admin)
                requests += 1
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
                assert resp.status_code in (200, 400, 404), (url, resp.status_code, resp.get_data()[:300])
                if resp.status_code == 200 and target in FILTERS and resp.is_json and "items" in resp.json:
                    assert resp.json["items"] == [], (url, resp.json["items"][:2])
                if resp.status_code == 200 and path == "/v1/ledger/export":
                    with zipfile.ZipFile(io.BytesIO(resp.data)) as z:
                        assert z.read("events.jsonl") == b"", url
    # Keyset cursors carrying injected text are compared as values: the page is exactly what follows it.
    for value in SQLI:
        cursor = cursors.encode("employees", value)
        resp = client.get(f"/v1/employees?limit=100&cursor={cursor}", headers=admin)
        requests += 1
        assert resp.status_code == 200, resp.json
        assert resp.json["items"] == [e for e in roster if e["nip"] > value], value
    assert svc.ledger.head() == head and svc.ledger.feed(0, 1000) == feed
    assert client.get("/v1/employees?limit=100", headers=admin).json["items"] == roster
    assert client.get("/v1/event-types", headers=admin).status_code == 200  # api_keys still there
    record("hostile sql injection", backend(svc.url), runs=1, requests=requests, events=head, lost=0, duplicated=0,
           server_errors=sum(n for s, n in statuses.items() if s >= 500),
           notes=f"{len(SQLI)} payloads in every path/query parameter of {len(operations(client))} GET operations; "
                 "statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))


def test_injected_text_in_posted_values_and_keys_is_stored_and_read_back_verbatim(app, admin):
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    for i, value in enumerate(SQLI):
        code = f"INJ-{i}"
        key = f"key-{i}-" + "".join(c for c in value if "\x21" <= c <= "\x7e")[:150]
        posted = client.post("/v1/events", json={**unit(code, value), "reason": value, "correlation_id": value},
                             headers={**admin, "Idempotency-Key": key})
        assert posted.status_code == 201, posted.json
        again = client.post("/v1/events", json={**unit(code, value), "reason": value, "correlation_id": value},
                            headers={**admin, "Idempotency-Key": key})
        assert again.status_code == 200 and again.json == posted.json  # the key was matched as a value
        event = client.get(f"/v1/events/{posted.json['event_id']}", headers=admin).json
        assert (event["data"]["name"], event["reason"], event["correlation_id"]) == (value, value, value)
        assert event["idempotency_key"] == key
        assert client.get(f"/v1/units/{code}", headers=admin).json["name"] == value
        audit = client.get(f"/v1/audit?subject={code}", headers=admin).json["items"]
        assert [a["subject"] for a in audit] == [code]
    assert svc.ledger.head() == 7 + len(SQLI)


# --- Deep, oversize and not-quite-Unicode JSON ---------------------------------------------------

def nested(depth: int, leaf: str = "1", open_: str = "[", close: str = "]") -> bytes:
    return (open_ * depth + leaf + close * depth).encode()


def deep_bodies() -> list[tuple[str, str, bytes]]:
    """(name, path, raw body): nesting far past anything an event declares, within the size limit."""
    out = []
    for depth in (100, 1_000, 10_000, 100_000):
        out.append((f"array {depth} deep", "/v1/events", nested(depth)))
        out.append((f"object {depth} deep", "/v1/events", nested(depth, "1", '{"a":', "}")))
        inner = nested(depth, '"x"', '{"a":', "}").decode()
        out.append((f"data.name {depth} deep", "/v1/events",
                    f'{{"type": "UnitRegistered", "subject": "DEEP", "data": {{"name": {inner}}}}}'.encode()))
        out.append((f"batch event {depth} deep", "/v1/events/batch", f'{{"events": [{inner}]}}'.encode()))
        out.append((f"Corrected fields {depth} deep", "/v1/events",
                    (f'{{"type": "Corrected", "subject": "DINKES", "reason": "x", "data": {{"event_id": '
                     f'"00000000-0000-4000-8000-000000000000", "fields": {{"name": {inner}}}}}}}').encode()))
        out.append((f"public feedback {depth} deep", "/v1/public/feedback",
                    f'{{"classification": "aspirasi", "unit": "DINKES", "message": {inner}, "anonymous": true}}'
                    .encode()))
    return out


def test_deeply_nested_json_is_refused_with_400_and_records_nothing(app, admin):
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    head, statuses = svc.ledger.head(), {}
    cases = deep_bodies()
    for i, (name, path, raw) in enumerate(cases):
        for j, headers in enumerate((admin, {**admin, "Idempotency-Key": f"deep-{len(raw)}"})):
            resp = client.post(path, data=raw, headers={**headers, "Content-Type": "application/json"},
                               environ_base={"REMOTE_ADDR": f"10.0.{i}.{j + 1}"})  # under the public limit
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            assert resp.status_code in (400, 404, 413), (name, resp.status_code, resp.get_data()[:300])
            assert resp.json["error"]["code"] in ("malformed", "validation_failed", "not_found", "too_large"), name
            assert svc.ledger.head() == head, name
    record("hostile deep json", backend(svc.url), runs=1, requests=2 * len(cases), events=head, lost=0,
           duplicated=0, server_errors=sum(n for s, n in statuses.items() if s >= 500),
           notes="nesting 100 to 100,000 deep in bodies, data fields, batches, corrections and public feedback; "
                 "statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))


TEXT_CASES = [  # (name, raw body, field named)
    ("NUL in a data field", b'{"type": "UnitRegistered", "subject": "NUL1", "data": {"name": "Dinas\\u0000Nol"}}',
     "data.name"),
    ("NUL in the reason", b'{"type": "UnitRegistered", "subject": "NUL2", "data": {"name": "D"}, "reason": "\\u0000"}',
     "reason"),
    ("lone high surrogate", b'{"type": "UnitRegistered", "subject": "SUR1", "data": {"name": "x\\ud800"}}', "body"),
    ("lone low surrogate in a key", b'{"type": "UnitRegistered", "subject": "SUR2", "data": {"\\udc00": "x"}}',
     "body"),
    ("Arabic-Indic digits in an evaluator NIP",
     json.dumps({"type": "PerformancePlanned", "subject": "198503122010011002",
                 "data": {"year": 2026, "approach": "kuantitatif", "evaluator": "\u0661\u0669\u0667\u0669" + "0" * 14,
                          "results": [{"indicator": "a", "target": "b"}]}}).encode(), "data.evaluator"),
    ("full-width digits in a NIK",
     json.dumps({"type": "EmployeeAppointed", "subject": "199001012015011003", "effective_date": "2015-01-01",
                 "legal_basis": {"number": "1", "date": "2014-12-01"},
                 "data": {"employment_type": "pns", "name": "A", "grade": "III/a", "unit": "DINKES",
                          "position": {"type": "pelaksana", "title": "Staf"}, "nik": "\uff11" * 16}}).encode(),
     "data.nik"),
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_text_no_database_or_utf8_can_hold_is_refused_naming_its_field(app, admin, case):
    name, raw, field = case
    svc, client = app.extensions["jejak"], app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    head = svc.ledger.head()
    for headers in (admin, {**admin, "Idempotency-Key": "text-1"}):
        resp = client.post("/v1/events", data=raw, headers={**headers, "Content-Type": "application/json"})
        assert resp.status_code == 400, (name, resp.status_code, resp.json)
        assert field in resp.json["error"]["fields"], (name, resp.json)
    assert svc.ledger.head() == head
    for path in ("/v1/employees?limit=5", "/v1/audit?limit=5", "/v1/public/units"):  # read models still apply
        assert client.get(path, headers=admin).status_code == 200, path


def test_oversize_bodies_are_refused_with_413_on_every_json_endpoint(app, admin):
    svc, client = app.extensions["jejak"], app.test_client()
    head = svc.ledger.head()
    big_string = b'{"type": "UnitRegistered", "subject": "BIG", "data": {"name": "' + b"x" * (1 << 20) + b'"}}'
    big_batch = json.dumps({"events": [unit(f"U{i}", "x" * 400) for i in range(3000)]}).encode()
    for path, raw in (("/v1/events", big_string), ("/v1/events/batch", big_batch),
                      ("/v1/public/feedback", big_string), ("/v1/events", b"[" * (2 << 20))):
        resp = client.post(path, data=raw, headers={**admin, "Content-Type": "application/json"})
        assert resp.status_code == 413 and resp.json["error"]["code"] == "too_large", (path, resp.status_code)
    assert svc.ledger.head() == head


# --- Export paths: the API never takes a server path; the CLI never clobbers ---------------------

BUNDLE_MEMBERS = {"events.jsonl", "proofs.jsonl", "checkpoint.json", "public-key.pem", "verifier.py", "README.txt"}


def test_the_export_endpoint_takes_no_server_path_and_names_its_own_file(app, admin, tmp_path):
    client = app.test_client()
    assert client.post("/v1/events/batch", json={"events": world()}, headers=admin).status_code == 201
    for param in ("output", "path", "o", "file", "download_name"):
        resp = client.get(f"/v1/ledger/export?{param}={quote(str(tmp_path / 'evil.zip'), safe='')}", headers=admin)
        assert resp.status_code == 400 and param in resp.json["error"]["fields"], (param, resp.status_code)
    for subject in ("../../../../etc/passwd", "..%2F..%2Fjejak.db", "/etc/shadow", "DINKES/../../x"):
        resp = client.get(f"/v1/ledger/export?subject={quote(subject, safe='')}", headers=admin)
        assert resp.status_code in (200, 400, 404), (subject, resp.status_code)  # a filter, never a path
        if resp.status_code == 200:
            assert 'filename=jejak-bundle.zip' in resp.headers["Content-Disposition"]
            with zipfile.ZipFile(io.BytesIO(resp.data)) as z:
                assert set(z.namelist()) == BUNDLE_MEMBERS and z.read("events.jsonl") == b""
    assert not list(tmp_path.rglob("evil.zip"))


@pytest.fixture
def cli_env(tmp_path):
    """A SQLite ledger with a few events and a signing key, as `jejak` sees it from the environment."""
    from ledger.application import Ledger
    from ledger.checkpoints import create_key_file

    data = tmp_path / "data"
    data.mkdir()
    ledger = Ledger(f"sqlite:///{data / 'jejak.db'}")
    ledger.record(world(), "tester", batch=True)
    ledger.close()
    create_key_file(data / "signing.key")
    return {"JEJAK_DATABASE_URL": f"sqlite:///{data / 'jejak.db'}", "JEJAK_SIGNING_KEY": str(data / "signing.key")}


def test_jejak_export_never_writes_over_the_ledger_or_its_key_nor_over_an_earlier_bundle(cli_env, tmp_path):
    from click.testing import CliRunner

    from api.cli_integrity import export, verify_bundle

    data = tmp_path / "data"
    (data / "sub").mkdir()
    (tmp_path / "link.zip").symlink_to(data / "jejak.db")
    own = {p: p.read_bytes() for p in data.iterdir() if p.is_file()}
    run = CliRunner()
    for target in (data / "sub" / ".." / "jejak.db", data / "jejak.db-wal", tmp_path / "link.zip",
                   data / "signing.key", data / "jejak.db-journal"):
        refused = run.invoke(export, ["-o", str(target), "--force"], env=cli_env)
        assert refused.exit_code == 2 and "own database or signing key" in refused.output, (target, refused.output)
    assert {p: p.read_bytes() for p in data.iterdir() if p.is_file()} == own
    bundle = tmp_path / "bundle.zip"
    assert run.invoke(export, ["-o", str(bundle)], env=cli_env).exit_code == 0
    first = bundle.read_bytes()
    again = run.invoke(export, ["-o", str(bundle)], env=cli_env)
    assert again.exit_code == 2 and "--force" in again.output and bundle.read_bytes() == first
    replaced = run.invoke(export, ["-o", str(bundle), "--force"], env=cli_env)
    assert replaced.exit_code == 0 and run.invoke(verify_bundle, [str(bundle)]).exit_code == 0


def test_verifying_a_bundle_with_traversal_member_names_extracts_nothing(cli_env, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from api.cli_integrity import export, verify_bundle

    bundle = tmp_path / "out" / "bundle.zip"
    assert CliRunner().invoke(export, ["-o", str(bundle)], env=cli_env).exit_code == 0
    with zipfile.ZipFile(bundle, "a") as z:
        z.writestr("../../escaped.txt", "x")
        z.writestr(str(tmp_path / "absolute.txt"), "x")
    monkeypatch.chdir(bundle.parent)
    checked = CliRunner().invoke(verify_bundle, [str(bundle)])
    assert checked.exit_code == 0 and "valid: 7 events" in checked.output  # judged by its own members only
    assert not list(tmp_path.rglob("escaped.txt")) and not (tmp_path / "absolute.txt").exists()


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
        from ledger.store import sqlite_path

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
    marker = f"/v1/log-marker-{uuid.uuid4().hex}"
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
    requests.get(base + marker, timeout=30)
    deadline = time.monotonic() + 30
    while marker not in live.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = live.log.read_text()
    assert marker in log, "the access log did not record the requests"
    assert token not in log and token[4:] not in log and token[4:20] not in log
    assert "jjk_[redacted]" in log  # the path that carried a token is logged, without it


def test_a_checkpoint_that_cannot_be_written_after_a_commit_does_not_turn_the_write_into_an_error(
        database_url, tmp_path, monkeypatch):
    """A 503 promises nothing was recorded, so a periodic checkpoint failing after the commit must stay silent."""
    from api import create_app
    from ledger.checkpoints import create_key_file

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
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("CREATE FUNCTION busy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                             " RAISE EXCEPTION USING ERRCODE = 'lock_not_available'; END $$")
                conn.execute("CREATE TRIGGER busy_checkpoints BEFORE INSERT ON jejak_checkpoints"
                             " FOR EACH ROW EXECUTE FUNCTION busy()")
        head = svc.ledger.head()
        resp = client.post("/v1/events", json=unit("CP-1"), headers=admin)
        assert resp.status_code == 201, resp.json
        assert svc.ledger.head() == head + 1
    finally:
        svc.close()


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
