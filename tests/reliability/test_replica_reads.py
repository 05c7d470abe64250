"""Reads on a real PostgreSQL streaming replica (`JEJAK_READ_DATABASE_URL`), writes on the primary.

The replica is a second cluster made with `pg_basebackup -R` (tests/support/replica.py). Pausing its WAL replay
makes it visibly stale, which is how these tests tell where a read went: a stale answer can only come from it.
"""

from __future__ import annotations

import pytest

from api_bodies import NIP, auth, training, world

pytestmark = pytest.mark.timeout(600)
HEADER = "Jejak-Min-Position"


@pytest.fixture(scope="module")
def replicated(pg_replica, pg_database, monkeypatch_module):
    """An app on an emptied primary database whose reads go to the replica's copy of it."""
    import psycopg

    from api import create_app

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    monkeypatch_module.setenv("JEJAK_READ_DATABASE_URL", pg_replica.url(pg_database))
    monkeypatch_module.setenv("JEJAK_READ_WAIT_MS", "1000")  # replay takes milliseconds; a busy CI machine, more
    app = create_app({"DATABASE_URL": pg_database, "TESTING": True})
    yield app, pg_replica
    app.extensions["jejak"].close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def world_on_replica(replicated):
    app, replica = replicated
    svc = app.extensions["jejak"]
    admin = svc.keys.create("admin-replica", "admin")
    client = app.test_client()
    resp = client.post("/v1/events/batch", json={"events": world()}, headers=auth(admin))
    assert resp.status_code == 201, resp.json
    svc.catch_up()
    replica.caught_up()
    return client, admin, replica


@pytest.fixture
def paused(world_on_replica):
    client, admin, replica = world_on_replica
    replica.pause()
    try:
        yield client, admin, replica
    finally:
        replica.resume()
        replica.caught_up()


def post(client, admin, body):
    resp = client.post("/v1/events", json=body, headers=auth(admin))
    assert resp.status_code == 201, resp.json
    return resp.json


def test_reads_come_from_the_replica_and_say_so(world_on_replica):
    client, admin, _ = world_on_replica
    for path in (f"/v1/employees/{NIP}", f"/v1/employees/{NIP}/history", "/v1/feed?after=0",
                 f"/v1/audit?subject={NIP}", "/v1/audit/flags", "/v1/employees", "/v1/units/DINKES",
                 "/v1/ledger/proof/inclusion?position=3&tree_size=7", "/v1/public/units"):
        resp = client.get(path, headers=auth(admin))
        assert resp.status_code == 200, (path, resp.json)
        assert resp.headers["Jejak-Read-From"] == "replica", path


def test_a_paused_replica_serves_what_it_has_replayed_without_a_position(paused):
    client, admin, _ = paused
    before = client.get(f"/v1/employees/{NIP}", headers=auth(admin)).json
    post(client, admin, training(NIP, cost=0, jp=4))
    stale = client.get(f"/v1/employees/{NIP}", headers=auth(admin))
    assert stale.headers["Jejak-Read-From"] == "replica"
    assert stale.json["version"] == before["version"]  # only the replica can still show the old version


def test_a_client_reads_its_own_write_from_the_primary_when_the_replica_is_paused(paused):
    client, admin, _ = paused
    before = client.get(f"/v1/employees/{NIP}", headers=auth(admin)).json
    receipt = post(client, admin, training(NIP, cost=0, jp=3))
    own = {HEADER: str(receipt["position"])}
    state = client.get(f"/v1/employees/{NIP}", headers={**auth(admin), **own})
    assert state.headers["Jejak-Read-From"] == "primary"
    assert state.json["version"] == receipt["version"] > before["version"]
    audit = client.get(f"/v1/audit?subject={NIP}", headers={**auth(admin), **own})
    assert audit.headers["Jejak-Read-From"] == "primary"
    assert audit.json["items"][0]["position"] == receipt["position"]
    feed = client.get(f"/v1/feed?after={receipt['position'] - 1}", headers={**auth(admin), **own})
    assert [e["position"] for e in feed.json["items"]] == [receipt["position"]]


def test_a_client_reads_its_own_write_from_the_replica_once_it_has_replayed_it(world_on_replica):
    client, admin, replica = world_on_replica
    receipt = post(client, admin, training(NIP, cost=0, jp=2))
    own = {**auth(admin), HEADER: str(receipt["position"])}
    state = client.get(f"/v1/employees/{NIP}", headers=own)
    assert state.status_code == 200 and state.json["version"] == receipt["version"]
    assert state.headers["Jejak-Read-From"] == "replica"  # replayed within the wait
    audit = client.get(f"/v1/audit?subject={NIP}", headers=own)
    assert audit.headers["Jejak-Read-From"] == "replica"
    assert audit.json["items"][0]["position"] == receipt["position"]


def test_an_event_the_paused_replica_has_not_replayed_is_found_on_the_primary_not_called_missing(paused):
    client, admin, _ = paused
    receipt = post(client, admin, training(NIP, cost=0, jp=1))
    resp = client.get(f"/v1/events/{receipt['event_id']}", headers=auth(admin))
    assert resp.status_code == 200 and resp.json["position"] == receipt["position"]
    assert resp.headers["Jejak-Read-From"] == "primary"


@pytest.mark.parametrize("value", ["soon", "-3", "0", "1.5", ""])
def test_a_min_position_that_is_no_position_is_refused_naming_the_header(world_on_replica, value):
    client, admin, _ = world_on_replica
    resp = client.get(f"/v1/employees/{NIP}", headers={**auth(admin), HEADER: value})
    assert resp.status_code == 400 and resp.json["error"]["code"] == "validation_failed"
    assert HEADER in resp.json["error"]["fields"]


def test_a_min_position_past_the_ledger_head_is_not_found_after_the_wait(world_on_replica):
    client, admin, _ = world_on_replica
    resp = client.get(f"/v1/employees/{NIP}", headers={**auth(admin), HEADER: "999999"})
    assert resp.status_code == 404 and HEADER in resp.json["error"]["fields"]


def test_an_inclusion_proof_past_the_paused_replica_is_proved_from_the_primary(paused):
    client, admin, _ = paused
    receipt = post(client, admin, training(NIP, cost=0, jp=1))
    resp = client.get(f"/v1/ledger/proof/inclusion?position={receipt['position']}&tree_size={receipt['position']}",
                      headers=auth(admin))
    assert resp.status_code == 200, resp.json
    assert resp.json["leaf_hash"] == receipt["leaf_hash"]
    assert resp.headers["Jejak-Read-From"] == "primary"


def test_a_replica_that_is_down_gives_way_to_the_primary_and_is_used_again_once_back(world_on_replica):
    """Last in the module: it stops the replica's server and starts it again."""
    import time

    client, admin, replica = world_on_replica
    replica.halt()
    try:
        receipt = post(client, admin, training(NIP, cost=0, jp=1))
        for path in (f"/v1/employees/{NIP}", f"/v1/audit?subject={NIP}", "/v1/public/units", "/",
                     "/v1/ledger/proof/inclusion?position=3&tree_size=7", "/v1/feed?after=0"):
            resp = client.get(path, headers=auth(admin))
            assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:300])
            assert resp.headers["Jejak-Read-From"] == "primary", path
        assert client.get(f"/v1/employees/{NIP}", headers=auth(admin)).json["version"] == receipt["version"]
    finally:
        replica.start_again()
    deadline = time.monotonic() + 30  # the replica rests a few seconds after a failure, then is tried again
    while client.get(f"/v1/employees/{NIP}", headers=auth(admin)).headers["Jejak-Read-From"] != "replica":
        assert time.monotonic() < deadline, "reads never went back to the replica"
        time.sleep(0.5)
