"""An answer the load scenario found wrong under contention.

A write that keeps losing races on hot streams (say, a batch of paid trainings realised against two
shared units) runs out of the ledger's retries. When the request named no `expected_version`, that is
the database being busy (503 database_busy, Retry-After, nothing recorded), not a 409 version_conflict,
which the contract keeps for a stale `expected_version`. A rival ledger records on the same unit every
time the writer reads its clock (between deciding and saving), so every attempt loses, on both backends.

(A second scenario, a snapshot that met a lock timeout after the commit, went with the snapshots:
Jejak writes and reads none since issue 14, see tests/ledger/test_ledger_snapshots.py.)
"""

from __future__ import annotations

import pytest

from api_bodies import auth, budget, unit


@pytest.fixture
def rigged(database_url):
    """(client, admin headers, services, arm) where `arm(True)` makes every decision lose its race."""
    from api import create_app
    from ledger.application import Ledger

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    svc = app.extensions["jejak"]
    rival = Ledger(database_url)
    armed = [False]
    clock = svc.ledger.clock

    def racing_clock():
        if armed[0]:
            rival.record([budget("DINKES", 2025, 1)], "rival")
        return clock()

    svc.ledger.clock = racing_clock
    admin = auth(svc.keys.create("admin-1", "admin"))
    client = app.test_client()
    assert client.post("/v1/events/batch", json={"events": [unit("DINKES"), budget("DINKES", 2025, 10**9)]},
                       headers=admin).status_code == 201
    try:
        yield client, admin, svc, lambda on: armed.__setitem__(0, on)
    finally:
        rival.close()
        svc.close()


def test_a_write_without_expected_version_that_keeps_losing_races_is_told_to_retry_and_records_nothing(rigged):
    client, admin, svc, arm = rigged
    body = budget("DINKES", 2025, 5)
    for path, sent in (("/v1/events", body), ("/v1/events/batch", {"events": [body, budget("DINKES", 2026, 7)]})):
        head = svc.ledger.head()
        arm(True)
        resp = client.post(path, json=sent, headers={**admin, "Idempotency-Key": f"k{path}"})
        arm(False)
        assert resp.status_code == 503, (path, resp.status_code, resp.json)
        assert resp.json["error"]["code"] == "database_busy" and resp.json["error"]["message"].startswith("database: ")
        assert int(resp.headers["Retry-After"]) >= 1
        rivals = svc.ledger.feed(head, 1000)
        assert rivals and {e["actor"] for e in rivals} == {"rival"}, path  # nothing of the request itself
        # Once the rival stops, the same request with the same key is recorded: the key was never claimed.
        again = client.post(path, json=sent, headers={**admin, "Idempotency-Key": f"k{path}"})
        assert again.status_code == 201, again.json


def test_a_write_with_expected_version_that_keeps_losing_races_is_still_a_version_conflict(rigged):
    client, admin, svc, arm = rigged
    version = client.get("/v1/units/DINKES", headers=admin).json["version"]
    head = svc.ledger.head()
    arm(True)
    resp = client.post("/v1/events", json={**budget("DINKES", 2025, 5), "expected_version": version},
                       headers=admin)
    arm(False)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "version_conflict", resp.json
    assert {e["actor"] for e in svc.ledger.feed(head, 1000)} == {"rival"}
