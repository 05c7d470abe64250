"""End to end over real HTTP: post, read, as_of, valid_at, history, audit, feed, batch, idempotency."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta

import requests

from api_bodies import NIP, promotion, unit, world


def post(server, path, body, role="recorder", **headers):
    return requests.post(server.url + path, json=body, headers=server.headers(role, **headers), timeout=30)


def get(server, path, role="auditor", **params):
    return requests.get(server.url + path, params=params, headers=server.headers(role), timeout=30)


def test_a_posting_system_and_an_auditor_meet_through_the_http_api(live_server):
    s = live_server
    batch = post(s, "/v1/events/batch", {"events": world()})
    assert batch.status_code == 201, batch.text
    receipts = batch.json()["receipts"]
    assert [r["position"] for r in receipts] == list(range(1, len(world()) + 1))  # in request order
    appointed = receipts[4]

    before = get(s, f"/v1/employees/{NIP}", role="recorder").json()
    assert before["grade"] == "III/a" and before["version"] == 3
    time.sleep(0.01)  # the promotion must be recorded strictly after the moment we replay at
    promoted = post(s, "/v1/events", promotion(NIP, "III/a", "III/b"), **{"If-Match": f'"{before["version"]}"'})
    assert promoted.status_code == 201, promoted.text
    receipt = promoted.json()
    assert receipt["version"] == 4 and receipt["position"] == len(world()) + 1 and len(receipt["leaf_hash"]) == 64

    now = get(s, f"/v1/employees/{NIP}").json()
    assert now["grade"] == "III/b" and now["version"] == 4 and now["last_position"] == receipt["position"]
    assert now["nik"] == "1275011203850001"

    as_of = datetime.fromisoformat(receipt["recorded_at"].replace("Z", "+00:00")) - timedelta(microseconds=1)
    then = get(s, f"/v1/employees/{NIP}", as_of=as_of.isoformat())
    assert then.status_code == 200 and then.json()["grade"] == "III/a" and then.json()["version"] == 3
    at_recording = get(s, f"/v1/employees/{NIP}", as_of=receipt["recorded_at"]).json()
    assert at_recording["grade"] == "III/b"
    assert get(s, f"/v1/employees/{NIP}", valid_at="2025-03-31").json()["grade"] == "III/a"
    assert get(s, f"/v1/employees/{NIP}", valid_at="2025-04-01").json()["grade"] == "III/b"
    assert get(s, f"/v1/employees/{NIP}", as_of=as_of.isoformat(), valid_at="2025-04-01").json()["grade"] == "III/a"

    page1 = get(s, f"/v1/employees/{NIP}/history", limit=2).json()
    page2 = get(s, f"/v1/employees/{NIP}/history", limit=2, cursor=page1["next_cursor"]).json()
    versions = [e["version"] for e in page1["items"] + page2["items"]]
    assert versions == [1, 2, 3, 4] and page2["next_cursor"] is None
    assert page1["items"][0]["event_id"] == appointed["event_id"]
    assert page2["items"][1]["legal_basis"]["number"] == "800/123/BKPSDM/2025"

    feed = get(s, "/v1/feed", role="inspector", after=2, limit=3).json()
    assert [e["position"] for e in feed["items"]] == [3, 4, 5]
    assert feed["next_after"] == 5 and feed["head"] == receipt["position"]

    event = get(s, f"/v1/events/{receipt['event_id']}", role="recorder").json()
    assert event["actor"] == "recorder-e2e" and event["reason"] == "Kenaikan pangkat reguler"

    audit = get(s, "/v1/audit", role="inspector", subject=NIP).json()["items"]
    assert audit[0]["position"] == receipt["position"]
    assert audit[0]["actor"] == "recorder-e2e"
    assert {"field": "grade", "before": "III/a", "after": "III/b"} in audit[0]["changes"]

    roster = get(s, "/v1/employees", role="inspector", unit="DINKES").json()["items"]
    assert {r["nip"] for r in roster} == {NIP, world()[3]["subject"]}


def test_the_same_idempotency_key_and_body_replays_the_original_receipt(live_server):
    s = live_server
    first = post(s, "/v1/events", unit("IDEM-1"), **{"Idempotency-Key": "sync-2025-001"})
    again = post(s, "/v1/events", unit("IDEM-1"), **{"Idempotency-Key": "sync-2025-001"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = post(s, "/v1/events", unit("IDEM-2"), **{"Idempotency-Key": "sync-2025-001"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_mismatch"
    # Keys are scoped to the principal: the admin may use the same key for its own request.
    admins = post(s, "/v1/events", unit("IDEM-3"), role="admin", **{"Idempotency-Key": "sync-2025-001"})
    assert admins.status_code == 201


def test_ten_threads_racing_with_one_idempotency_key_record_exactly_one_event(live_server):
    s = live_server
    head = get(s, "/healthz").json()["head"]
    results: list[requests.Response] = []
    start = threading.Barrier(10)

    def race() -> None:
        start.wait()
        results.append(post(s, "/v1/events", unit("RACE-1"), **{"Idempotency-Key": "race-key"}))

    threads = [threading.Thread(target=race) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200] * 9 + [201], [r.text for r in results]
    assert len({r.json()["event_id"] for r in results}) == 1
    assert get(s, "/healthz").json()["head"] == head + 1


def test_a_revoked_key_is_refused_by_the_running_server_at_once(live_server):
    import os
    import subprocess
    import sys
    from pathlib import Path

    jejak = str(Path(sys.executable).parent / "jejak")
    s = live_server
    env = {**os.environ, "JEJAK_DATABASE_URL": s.database_url}
    made = subprocess.run([jejak, "keys", "create", "--name", "temp-e2e",
                           "--role", "inspector"], env=env, capture_output=True, text=True, timeout=60)
    token = made.stdout.strip()
    hdr = {"Authorization": f"Bearer {token}"}
    assert requests.get(s.url + "/v1/event-types", headers=hdr, timeout=30).status_code == 200
    listed = subprocess.run([jejak, "keys", "list"], env=env,
                            capture_output=True, text=True, timeout=60).stdout
    assert "temp-e2e\tinspector" in listed and token not in listed
    subprocess.run([jejak, "keys", "revoke", "temp-e2e"], env=env, check=True,
                   capture_output=True, timeout=60)
    assert requests.get(s.url + "/v1/event-types", headers=hdr, timeout=30).status_code == 401


def test_the_server_log_records_requests_but_never_a_token(live_server):
    s = live_server
    for role in s.tokens:
        get(s, "/v1/event-types", role=role)
    requests.get(s.url + "/v1/event-types", headers={"Authorization": "Bearer not-a-real-token"}, timeout=30)
    log, seen = "", set()
    for _ in range(100):  # the access line is written just after the response
        log = s.log.read_text()
        seen = {(a["route"], a["status"]) for a in map(json.loads, filter(lambda x: x.startswith("{"), log.splitlines()))
                if a.get("logger") == "jejak.access"}
        if ("/v1/event-types", 401) in seen:
            break
        time.sleep(0.1)
    assert {("/v1/event-types", 200), ("/v1/event-types", 401)} <= seen
    assert not any(token in log for token in s.tokens.values()) and "not-a-real-token" not in log
