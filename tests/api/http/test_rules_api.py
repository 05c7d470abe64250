"""The rulebook over HTTP: `GET /v1/rules`, findings on every event JSON, and `/v1/audit/flags?rule=`."""

from __future__ import annotations

from api_bodies import NIP, auth, promotion


def test_the_rulebook_lists_every_rule_with_its_tier_regulation_article_and_severity(client, tokens):
    resp = client.get("/v1/rules", headers=auth(tokens["inspector"]))
    assert resp.status_code == 200
    rules = {r["rule"]: r for r in resp.json["items"]}
    assert rules["grade_next_step"]["tier"] == "validation" and rules["grade_next_step"]["severity"] == "serious"
    two_baik = rules["promotion_two_baik_years"]
    assert (two_baik["tier"], two_baik["regulation"], two_baik["article"]) == ("compliance", "PP 99/2000", "art. 7")
    assert two_baik["statement"] and two_baik["statement_id"] and two_baik["enabled"] is True


def test_a_finding_shows_on_the_event_its_history_the_feed_and_the_flags_by_rule(client, tokens, seeded):
    body = promotion(NIP, "III/a", "III/b", tmt="2025-10-01")  # 2023 has no Baik predikat
    resp = client.post("/v1/events", json=body, headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    receipt = resp.json
    event = client.get(f"/v1/events/{receipt['event_id']}", headers=auth(tokens["auditor"])).json
    [finding] = event["findings"]
    assert finding["rule"] == "promotion_two_baik_years" and finding["regulation"] == "PP 99/2000"
    assert finding["severity"] == "warning" and finding["message"] != finding["message_id"]
    history = client.get(f"/v1/employees/{NIP}/history?limit=100", headers=auth(tokens["inspector"])).json
    assert [e["findings"] for e in history["items"] if e["event_id"] == receipt["event_id"]] == [[finding]]
    feed = client.get(f"/v1/feed?after={receipt['position'] - 1}&limit=1", headers=auth(tokens["inspector"])).json
    assert feed["items"][0]["findings"] == [finding]
    flags = client.get("/v1/audit/flags?rule=promotion_two_baik_years", headers=auth(tokens["inspector"])).json
    assert receipt["event_id"] in [f["event_id"] for f in flags["items"]]
    assert all(f["detail"]["rule"] == "promotion_two_baik_years" for f in flags["items"])
    audit = client.get(f"/v1/audit?subject={NIP}&type=PromotionGranted", headers=auth(tokens["inspector"])).json
    assert [r["findings"] for r in audit["items"] if r["position"] == receipt["position"]] == [[finding]]
    other = client.get("/v1/audit/flags?rule=action_past_bup", headers=auth(tokens["inspector"])).json
    assert other["items"] == []
