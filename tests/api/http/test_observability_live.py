"""A real `jejak serve` (2 gunicorn workers): its JSON log lines read back from its output, and its
metrics scraped over HTTP, counting every worker's requests (both backends)."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid

import psycopg
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from api_bodies import NIP, ROLES
from server_process import JEJAK, LiveServer, free_port, terminate, wait_for_health

TICKET = "LPR-2026-ABCDEFGHJKMNPQRS"
PG_ADMIN = os.environ.get("JEJAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live_server(request, tmp_path_factory):
    """`jejak serve`, 2 workers, on a database of its own (a PostgreSQL database made here, not the
    session's shared one, which other modules' servers reset), its output in a file."""
    tmp = tmp_path_factory.mktemp("obs-live")
    admin, name = None, f"jejak_obs_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'jejak.db'}"
    else:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        db_url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    from api.keys import KeyStore
    store = KeyStore(db_url)
    tokens = {role: store.create(f"{role}-e2e", role) for role in ROLES}
    store.close()
    port = free_port()
    env = {**os.environ, "JEJAK_DATABASE_URL": db_url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    out = open(tmp / "server.log", "w")
    proc = subprocess.Popen([JEJAK, "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, base, tmp / "server.log", wait=90)
        yield LiveServer(base, db_url, tokens, tmp / "server.log")
    finally:
        terminate(proc)
        out.close()
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def access_lines(server, marker: str) -> list[dict]:
    """The server's `jejak.access` JSON lines, once the line of the request with id `marker` is written."""
    deadline = time.monotonic() + 30
    while True:
        lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
        access = [line for line in lines if line.get("logger") == "jejak.access"]
        if any(line["request_id"] == marker for line in access) or time.monotonic() > deadline:
            return access
        time.sleep(0.1)


def test_each_request_is_one_json_line_with_time_id_principal_route_status_and_latency(live_server):
    s = live_server
    rid = f"trace-{uuid.uuid4().hex}"
    resp = requests.get(f"{s.url}/v1/employees/{NIP}", headers=s.headers("auditor", **{"X-Request-Id": rid}),
                        timeout=30)
    assert resp.headers["X-Request-Id"] == rid
    line = next(line for line in access_lines(s, rid) if line["request_id"] == rid)
    assert line["route"] == "/v1/employees/<nip>" and line["method"] == "GET"
    assert line["status"] == resp.status_code and line["principal"] == "auditor-e2e" and line["role"] == "auditor"
    assert isinstance(line["ms"], float) and 0 < line["ms"] < 30000
    assert line["time"].endswith("Z") and line["time"][:4].isdigit()


def test_no_nip_ticket_or_token_reaches_the_log_wherever_a_client_puts_them(live_server):
    s = live_server
    token = s.tokens["admin"]
    grouped = f"{NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}"
    for path in (f"/v1/employees/{NIP}", f"/v1/employees/{NIP}/history", f"/v1/public/feedback/{TICKET}",
                 f"/v1/events/{token}", f"/nowhere/{NIP}", f"/nowhere/{grouped}", f"/{TICKET}"):
        requests.get(s.url + path, headers=s.headers("auditor", **{"X-Request-Id": NIP}), timeout=30)
    marker = f"marker-{uuid.uuid4().hex}"
    requests.get(f"{s.url}/healthz", headers={"X-Request-Id": marker}, timeout=30)
    access = access_lines(s, marker)
    log = s.log.read_text()
    for secret in (NIP, grouped, TICKET, TICKET[9:], token, token[4:20]):
        assert secret not in log, secret
    routes = {line["route"] for line in access}
    assert {"/v1/employees/<nip>", "/v1/employees/<nip>/history", "/v1/public/feedback/<ticket>",
            "/v1/events/<event_id>", "<unmatched>"} <= routes
    assert not any('"GET /healthz HTTP/1.1"' in line for line in log.splitlines())  # one access line, JSON, no text twin


def test_one_scrape_counts_the_requests_every_worker_answered(live_server):
    s = live_server

    def scrape() -> dict:
        text = requests.get(f"{s.url}/metrics", timeout=30).text
        return {f.name: f.samples for f in text_string_to_metric_families(text)}

    def answered(families) -> float:
        return sum(x.value for x in families.get("jejak_http_requests", [])
                   if x.name == "jejak_http_requests_total" and x.labels["route"] == "/v1/event-types")

    before = answered(scrape())
    with requests.Session() as one, requests.Session() as other:  # two connections: both workers answer
        for i in range(40):
            (one if i % 2 else other).get(f"{s.url}/v1/event-types", headers=s.headers("recorder"), timeout=30)
    for _ in range(5):  # whichever worker answers the scrape, it reads every worker's counts
        assert answered(scrape()) - before == 40
    families = scrape()
    head = requests.get(f"{s.url}/healthz", timeout=30).json()["head"]
    assert [x.value for x in families["jejak_ledger_head_position"]] == [head]
    assert families["jejak_database_up"][0].value == 1
