"""Without a replica every read is the primary's: `Jejak-Min-Position` is still checked, and always met."""

from __future__ import annotations

from api_bodies import NIP, auth, training


def test_a_receipts_position_is_read_back_from_the_primary(client, tokens, seeded):
    resp = client.post("/v1/events", json=training(NIP, cost=0), headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    receipt = resp.json
    for path in (f"/v1/employees/{NIP}", f"/v1/audit?subject={NIP}"):
        got = client.get(path, headers={**auth(tokens["admin"]), "Jejak-Min-Position": str(receipt["position"])})
        assert got.status_code == 200 and got.headers["Jejak-Read-From"] == "primary"
    state = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["admin"])).json
    assert state["version"] == receipt["version"]


def test_a_min_position_past_the_head_or_not_a_number_changes_nothing_and_names_the_header(client, tokens, seeded):
    head = client.get("/v1/feed?after=0&limit=1", headers=auth(tokens["admin"])).json["head"]
    for value, status in (("x1", 400), (str(head + 1000), 404)):
        got = client.get(f"/v1/employees/{NIP}", headers={**auth(tokens["admin"]), "Jejak-Min-Position": value})
        assert got.status_code == status and "Jejak-Min-Position" in got.json["error"]["fields"]
    assert client.get("/v1/feed?after=0&limit=1", headers=auth(tokens["admin"])).json["head"] == head
