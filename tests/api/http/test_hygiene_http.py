"""Issue 19, HTTP hygiene: a refused oversized body leaves a keep-alive connection usable, and forged cursors
or out-of-range timestamps are a 400 naming their field, never a 500."""

from __future__ import annotations

import base64
import http.client
import json
from urllib.parse import urlparse

import pytest

from api_bodies import auth, unit

OVER_LIMIT = 1024 * 1024 + 4096


def _connection(live_server) -> http.client.HTTPConnection:
    u = urlparse(live_server.url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def _post(conn: http.client.HTTPConnection, live_server, body: bytes, key: str,
          chunked: bool = False) -> tuple[int, dict[str, str], bytes]:
    headers = {**live_server.headers("admin"), "Content-Type": "application/json", "Idempotency-Key": key}
    if chunked:
        conn.request("POST", "/v1/events", body=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                     headers=headers, encode_chunked=True)
    else:
        conn.request("POST", "/v1/events", body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
def test_a_keep_alive_client_gets_413_for_an_oversized_body_then_201_on_its_next_request(live_server, chunked):
    conn = _connection(live_server)
    try:
        huge = json.dumps({"type": "UnitRegistered", "subject": "BIG", "data": {"name": "x" * OVER_LIMIT}}).encode()
        status, headers, body = _post(conn, live_server, huge, f"huge-{chunked}", chunked)
        assert status == 413, body
        assert json.loads(body)["error"]["code"] == "too_large"
        # The rest of a refused body is not read: the server must say it closes, never promise keep-alive.
        assert headers.get("connection", "").lower() == "close", headers
        code = f"HYG{int(chunked)}"
        status, _, body = _post(conn, live_server, json.dumps(unit(code, f"Dinas Kebersihan {code}")).encode(),
                                f"after-huge-{chunked}")
        assert status == 201, body
    finally:
        conn.close()


def test_a_small_body_keeps_the_connection_alive(live_server):
    conn = _connection(live_server)
    try:
        status, headers, body = _post(conn, live_server, json.dumps(unit("HYGKA", "Dinas")).encode(), "keep-1")
        assert status == 201, body
        assert headers.get("connection", "keep-alive").lower() == "keep-alive"
    finally:
        conn.close()


def _cursor(kind: str, value: object) -> str:
    raw = json.dumps({"k": kind, "v": value}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("value", [10 ** 30, -(10 ** 30), 2 ** 63])
def test_an_audit_cursor_holding_a_huge_integer_is_a_400_naming_the_cursor(client, tokens, seeded, value):
    first = client.get("/v1/audit?limit=1", headers=auth(tokens["auditor"]))
    assert first.status_code == 200, first.json
    kind = json.loads(base64.urlsafe_b64decode(first.json["next_cursor"] + "==="))["k"]
    resp = client.get(f"/v1/audit?limit=1&cursor={_cursor(kind, value)}", headers=auth(tokens["auditor"]))
    assert resp.status_code == 400, resp.json
    assert "cursor" in resp.json["error"]["fields"]


def test_a_history_cursor_holding_a_huge_integer_is_a_400_naming_the_cursor(client, tokens, seeded):
    nip = client.get("/v1/employees?limit=1", headers=auth(tokens["admin"])).json["items"][0]["nip"]
    resp = client.get(f"/v1/employees/{nip}/history?cursor={_cursor('history:employee', 10 ** 40)}",
                      headers=auth(tokens["admin"]))
    assert resp.status_code == 400, resp.json
    assert "cursor" in resp.json["error"]["fields"]


@pytest.mark.parametrize("moment", ["2025-01-01T00:00:00+99:00", "9999-12-31T23:59:59-23:59",
                                    "0001-01-01T00:00:00+23:59", "2025-01-01T00:00:00+24:00"])
def test_an_as_of_outside_the_range_of_timestamps_is_a_400_naming_as_of(client, tokens, seeded, moment):
    nip = client.get("/v1/employees?limit=1", headers=auth(tokens["admin"])).json["items"][0]["nip"]
    resp = client.get(f"/v1/employees/{nip}", query_string={"as_of": moment}, headers=auth(tokens["admin"]))
    assert resp.status_code == 400, resp.json
    assert "as_of" in resp.json["error"]["fields"], resp.json


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_audit_since_and_until_outside_the_range_of_timestamps_are_a_400_naming_them(client, tokens, seeded,
                                                                                      moment):
    for name in ("since", "until"):
        resp = client.get("/v1/audit", query_string={name: moment}, headers=auth(tokens["auditor"]))
        assert resp.status_code == 400, resp.json
        assert name in resp.json["error"]["fields"], resp.json
