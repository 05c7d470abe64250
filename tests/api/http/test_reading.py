"""Reading: cursors walk every row once, as_of / valid_at boundaries, If-Match, atomic batches."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from api_bodies import EVALUATOR, NIP, appointment, auth, promotion, unit

MORE = [f"19900101201501{g}{n:03d}" for g, n in ((1, 1), (2, 2), (1, 3), (2, 4), (1, 5))]


@pytest.fixture(scope="module")
def crowd(client, tokens, seeded):
    """Five more employees, so lists need several pages."""
    resp = client.post("/v1/events/batch", json={"events": [appointment(n) for n in MORE]},
                       headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    return resp.json["receipts"]


def walk(client, token, path, key, **params):
    seen, cursor = [], None
    for _ in range(50):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        resp = client.get(path, query_string=query, headers=auth(token))
        assert resp.status_code == 200, resp.json
        seen += [row[key] for row in resp.json["items"]]
        cursor = resp.json["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


def test_the_roster_cursor_walks_every_employee_once_in_nip_order(client, tokens, crowd):
    nips = walk(client, tokens["inspector"], "/v1/employees", "nip", limit=2)
    assert nips == sorted({NIP, EVALUATOR, *MORE})
    assert walk(client, tokens["inspector"], "/v1/employees", "nip", limit=1000) == nips
    assert walk(client, tokens["inspector"], "/v1/employees", "nip", limit=2, position_type="pengawas") == [EVALUATOR]


def test_the_audit_cursor_walks_every_change_once_newest_first(client, tokens, crowd, services):
    positions = walk(client, tokens["inspector"], "/v1/audit", "position", limit=3)
    assert positions == sorted(positions, reverse=True) and len(set(positions)) == len(positions)
    assert positions[0] == services.ledger.head()
    subjects = walk(client, tokens["inspector"], "/v1/audit", "subject", limit=3, type="EmployeeAppointed")
    assert sorted(subjects) == sorted({NIP, EVALUATOR, *MORE})


def test_a_cursor_stays_valid_while_new_events_arrive(client, tokens, crowd):
    first = client.get("/v1/employees", query_string={"limit": 2}, headers=auth(tokens["auditor"])).json
    made = client.post("/v1/events", json=appointment("19800101200801" + "1999"), headers=auth(tokens["recorder"]))
    assert made.status_code == 201, made.json
    second = client.get("/v1/employees", query_string={"limit": 2, "cursor": first["next_cursor"]},
                        headers=auth(tokens["auditor"])).json
    assert second["items"][0]["nip"] > first["items"][-1]["nip"]


def test_the_feed_pages_by_position_up_to_the_head(client, tokens, crowd, services):
    after, positions = 0, []
    while True:
        page = client.get("/v1/feed", query_string={"after": after, "limit": 4}, headers=auth(tokens["auditor"])).json
        positions += [e["position"] for e in page["items"]]
        if not page["items"]:
            break
        after = page["next_after"]
    assert positions == list(range(1, services.ledger.head() + 1))
    assert page["head"] == services.ledger.head() and page["next_after"] == after


def test_as_of_at_the_recording_moment_includes_the_event_and_a_microsecond_before_excludes_it(client, tokens, crowd):
    nip = MORE[0]
    receipt = client.post("/v1/events", json=promotion(nip, "III/a", "III/b"), headers=auth(tokens["recorder"])).json
    at = receipt["recorded_at"]
    before = (datetime.fromisoformat(at.replace("Z", "+00:00")) - timedelta(microseconds=1)).isoformat()
    get = lambda **q: client.get(f"/v1/employees/{nip}", query_string=q, headers=auth(tokens["auditor"])).json
    assert get(as_of=at)["grade"] == "III/b" and get(as_of=at)["as_of"] == at
    assert get(as_of=before)["grade"] == "III/a" and get(as_of=before)["version"] == receipt["version"] - 1
    assert get(valid_at="2025-04-01")["grade"] == "III/b"
    assert get(valid_at="2025-03-31")["grade"] == "III/a"


def test_if_match_with_the_current_version_records_and_a_batch_refusal_records_nothing(client, tokens, services):
    nip = MORE[1]
    state = client.get(f"/v1/employees/{nip}", headers=auth(tokens["recorder"])).json
    ok = client.post("/v1/events", json=promotion(nip, "III/a", "III/b"),
                     headers={**auth(tokens["recorder"]), "If-Match": f'"{state["version"]}"'})
    assert ok.status_code == 201 and ok.json["version"] == state["version"] + 1
    head = services.ledger.head()
    refused = client.post("/v1/events/batch", json={"events": [unit("ATOMIC-1"), promotion(nip, "III/a", "III/b")]},
                          headers=auth(tokens["recorder"]))
    assert refused.status_code == 422 and refused.json["error"]["message"].startswith("events[1].")
    assert services.ledger.head() == head
    assert client.get("/v1/units/ATOMIC-1", headers=auth(tokens["admin"])).status_code == 404


def test_the_event_catalogue_lists_every_type_with_its_stream_and_schema(client, tokens):
    items = client.get("/v1/event-types", headers=auth(tokens["recorder"])).json["items"]
    by_type = {i["type"]: i for i in items}
    assert {"EmployeeAppointed", "PromotionGranted", "TrainingCompleted", "Corrected", "Annulled"} <= set(by_type)
    assert by_type["PromotionGranted"]["stream"] == "employee"
    assert "to_grade" in by_type["PromotionGranted"]["schema"]["properties"]["data"]["required"]


def test_read_models_catch_up_in_the_background_after_a_write_without_any_read(client, tokens, services):
    import time

    made = client.post("/v1/events", json=unit("BACKGROUND-1"), headers=auth(tokens["recorder"]))
    assert made.status_code == 201
    position = made.json["position"]
    for _ in range(300):  # the catch-up waits for writes to pause (0.5 s) before its round
        if min(services.projections.positions().values()) >= position:
            break
        time.sleep(0.1)
    assert min(services.projections.positions().values()) >= position
