"""Hostile input through the API on both backends: SQL injection, deep, oversize and not-quite-Unicode
JSON, and export paths. Nothing answers 5xx, nothing refused is recorded, and each scenario records its
counts with `record(...)` for docs/RELIABILITY.md.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import quote

import pytest


from api.http import cursors  # noqa: E402
from api_bodies import unit, world  # noqa: E402
from hostile_support import admin_headers, backend, make_app  # noqa: E402
from reliability_report import record  # noqa: E402


@pytest.fixture
def app(database_url, monkeypatch, tmp_path):
    yield from make_app(database_url, monkeypatch, tmp_path)


@pytest.fixture
def admin(app):
    return admin_headers(app)


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
        if path.startswith("/console"):  # behind a session cookie (303 to sign in); tests/api/console send these
            continue
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
    from ledger.integrity.checkpoints import create_key_file

    data = tmp_path / "data"
    data.mkdir()
    ledger = Ledger(f"sqlite:///{data / 'jejak.db'}")
    ledger.record(world(), "tester", batch=True)
    ledger.close()
    create_key_file(data / "signing.key")
    return {"JEJAK_DATABASE_URL": f"sqlite:///{data / 'jejak.db'}", "JEJAK_SIGNING_KEY": str(data / "signing.key")}


def test_jejak_export_never_writes_over_the_ledger_or_its_key_nor_over_an_earlier_bundle(cli_env, tmp_path):
    from click.testing import CliRunner

    from api.cli.integrity import export, verify_bundle

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
    assert replaced.exit_code == 0 and run.invoke(verify_bundle, [str(bundle)]).exit_code == 3  # valid, unanchored


def test_verifying_a_bundle_with_traversal_member_names_extracts_nothing(cli_env, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from api.cli.integrity import export, verify_bundle

    bundle = tmp_path / "out" / "bundle.zip"
    assert CliRunner().invoke(export, ["-o", str(bundle)], env=cli_env).exit_code == 0
    with zipfile.ZipFile(bundle, "a") as z:
        z.writestr("../../escaped.txt", "x")
        z.writestr(str(tmp_path / "absolute.txt"), "x")
    monkeypatch.chdir(bundle.parent)
    checked = CliRunner().invoke(verify_bundle, [str(bundle)])
    assert checked.exit_code == 3 and "valid: 7 events" in checked.output  # judged by its own members only
    assert not list(tmp_path.rglob("escaped.txt")) and not (tmp_path / "absolute.txt").exists()
