"""Marking a finding reviewed from the console, on both backends: the review is a `FindingReviewed` event
recorded under the signed-in principal (source `console`), shown in the inbox and on the timeline; a
finding that does not exist, a second review, a missing CSRF token and a recorder through the API are refused."""

from __future__ import annotations

import re

import pytest

from api_bodies import NIP, auth, promotion
from console_client import csrf, sign_in
from ledger.rules.book import RULES


@pytest.fixture(scope="module")
def flagged(client, seeded, tokens):
    """A backdated post (the red flag `backdated`) and a promotion with one Baik year (finding
    `promotion_two_baik_years`, severity warning)."""
    late = {"type": "PositionAssigned", "subject": NIP, "effective_date": "2020-01-01",
            "legal_basis": {"number": "821/9/BKPSDM/2020", "date": "2019-12-20"},
            "data": {"position": {"type": "pelaksana", "title": "Analis"}, "unit": "DINKES"}}
    receipts = {}
    for name, body in (("backdated", late), ("promotion", promotion(NIP, "III/a", "III/b"))):
        resp = client.post("/v1/events", json=body, headers=auth(tokens["admin"]))
        assert resp.status_code == 201, resp.json
        receipts[name] = resp.json
    found = client.get(f"/v1/events/{receipts['promotion']['event_id']}", headers=auth(tokens["auditor"])).json
    assert "promotion_two_baik_years" in [f["rule"] for f in found["findings"]]
    return receipts


def _head(client, tokens) -> int:
    return client.get("/v1/feed?limit=1", headers=auth(tokens["auditor"])).json["head"]


def _review(user, event_id: str, rule: str, note: str = "Sudah dicek dengan SK asli", token: str | None = None):
    return user.post("/console/temuan/tinjau", data={
        "csrf_token": token if token is not None else csrf(user), "event_id": event_id, "rule": rule, "note": note,
        "back": "/console/temuan?kind=backdated"})


def _reviews(client, tokens) -> list[dict]:
    return client.get("/v1/audit?type=FindingReviewed", headers=auth(tokens["auditor"])).json["items"]


def test_an_inspector_marks_a_red_flag_reviewed_and_the_review_is_an_event_under_the_inspectors_name(
        app, client, tokens, flagged):
    inspector, _ = sign_in(app, tokens["inspector"])
    before = inspector.get("/console/temuan?kind=backdated").get_data(as_text=True)
    assert "Belum ditinjau" in before and 'name="rule" value="backdated"' in before
    head = _head(client, tokens)
    resp = _review(inspector, flagged["backdated"]["event_id"], "backdated", "TMT surut karena SK susulan; wajar")
    assert resp.status_code == 303 and resp.headers["Location"].startswith("/console/temuan?kind=backdated#r")
    (recorded,) = client.get(f"/v1/feed?after={head}", headers=auth(tokens["auditor"])).json["items"]
    event = client.get(f"/v1/events/{recorded['event_id']}", headers=auth(tokens["auditor"])).json
    assert event["type"] == "FindingReviewed" and event["actor"] == "inspector-1" and event["source"] == "console"
    assert event["subject"] == f"{flagged['backdated']['position']}/backdated"
    assert event["data"] == {"event_id": flagged["backdated"]["event_id"], "rule": "backdated",
                             "note": "TMT surut karena SK susulan; wajar"}
    assert re.fullmatch(r"[0-9a-f]{64}", event["leaf_hash"])
    after = inspector.get("/console/temuan?kind=backdated").get_data(as_text=True)
    assert f'data-reviewed="{event["position"]}"' in after and "oleh inspector-1" in after
    timeline = inspector.get(f"/console/pegawai/{NIP}").get_data(as_text=True)
    assert 'data-review="backdated"' in timeline and "TMT surut karena SK susulan; wajar" in timeline


def test_a_rulebook_finding_is_reviewed_by_an_auditor_and_filtered_by_rule_and_severity(app, client, tokens, flagged):
    auditor, _ = sign_in(app, tokens["auditor"])
    for query in ("rule=promotion_two_baik_years", "severity=warning", "kind=finding&severity=warning"):
        page = auditor.get(f"/console/temuan?{query}").get_data(as_text=True)
        assert f'data-event="{flagged["promotion"]["event_id"]}"' in page, query
    other = next(r for r in sorted(RULES) if r != "promotion_two_baik_years")
    for query in ("severity=serious", "severity=info", "kind=backdated&severity=warning", f"rule={other}"):
        page = auditor.get(f"/console/temuan?{query}").get_data(as_text=True)
        assert f'data-event="{flagged["promotion"]["event_id"]}"' not in page, query
    resp = _review(auditor, flagged["promotion"]["event_id"], "promotion_two_baik_years", "Predikat 2023 diminta")
    assert resp.status_code == 303
    page = auditor.get("/console/temuan?rule=promotion_two_baik_years").get_data(as_text=True)
    assert "data-reviewed=" in page and "Predikat 2023 diminta" in page


def test_reviewing_a_finding_that_does_not_exist_is_refused_and_records_nothing(app, client, tokens, flagged):
    inspector, _ = sign_in(app, tokens["inspector"])
    head = _head(client, tokens)
    for event_id, rule, status, field in (
            (flagged["backdated"]["event_id"], "promotion_two_baik_years", 422, "rule"),  # not this event's finding
            (flagged["promotion"]["event_id"], "self_action", 404, "rule"),  # no such red flag on it
            ("00000000-0000-4000-8000-000000000000", "backdated", 404, "rule"),
            ("00000000-0000-4000-8000-000000000000", "promotion_two_baik_years", 404, "event_id"),
            ("not-an-id", "backdated", 400, "event_id"), (flagged["promotion"]["event_id"], "Bad Rule!", 400, "rule")):
        resp = _review(inspector, event_id, rule)
        assert resp.status_code == status and f'data-field="{field}"' in resp.get_data(as_text=True), (rule, resp.status)
    resp = _review(inspector, flagged["promotion"]["event_id"], "promotion_two_baik_years", note="   ")
    assert resp.status_code == 400 and 'data-field="note"' in resp.get_data(as_text=True)
    assert _head(client, tokens) == head


def test_a_finding_is_reviewed_once_and_a_second_review_is_refused_by_name(app, client, tokens, flagged):
    inspector, _ = sign_in(app, tokens["inspector"])
    event_id = flagged["promotion"]["event_id"]
    if not any(r["subject"].endswith("/promotion_two_baik_years") for r in _reviews(client, tokens)):
        assert _review(inspector, event_id, "promotion_two_baik_years").status_code == 303
    head = _head(client, tokens)
    resp = _review(inspector, event_id, "promotion_two_baik_years", "lagi")
    assert resp.status_code == 422 and "sudah ditinjau" in resp.get_data(as_text=True)
    assert _head(client, tokens) == head


def test_a_review_without_the_sessions_csrf_token_is_refused(app, client, tokens, flagged):
    inspector, _ = sign_in(app, tokens["inspector"])
    head = _head(client, tokens)
    for token in ("", "forged"):
        resp = _review(inspector, flagged["backdated"]["event_id"], "self_action", token=token)
        assert resp.status_code == 403 and 'data-field="csrf_token"' in resp.get_data(as_text=True)
    assert _head(client, tokens) == head


def test_a_recorder_may_not_post_a_review_through_the_api_and_an_admins_must_name_the_findings_subject(
        client, tokens, flagged):
    body = {"type": "FindingReviewed", "subject": f"{flagged['promotion']['position']}/self_action",
            "data": {"event_id": flagged["promotion"]["event_id"], "rule": "self_action", "note": "x"}}
    resp = client.post("/v1/events", json=body, headers=auth(tokens["recorder"]))
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"
    wrong = {**body, "subject": f"{flagged['backdated']['position']}/self_action"}
    resp = client.post("/v1/events", json=wrong, headers=auth(tokens["admin"]))
    assert resp.status_code == 400 and resp.json["error"]["fields"].keys() == {"subject"}


def test_the_ledger_names_the_rule_refusing_a_review_of_no_finding_and_a_second_review(client, tokens, flagged):
    """Through the API as an admin, so the refusal's `rule` is visible (the console shows its message)."""
    validation = min(RULES)  # a validation rule: never a finding stored with an event
    not_there = {"type": "FindingReviewed", "subject": f"{flagged['backdated']['position']}/{validation}",
                 "data": {"event_id": flagged["backdated"]["event_id"], "rule": validation, "note": "x"}}
    resp = client.post("/v1/events", json=not_there, headers=auth(tokens["admin"]))
    assert resp.status_code == 422 and resp.json["error"]["rule"] == "review_names_finding"
    twice = {"type": "FindingReviewed", "subject": f"{flagged['backdated']['position']}/backdated",
             "data": {"event_id": flagged["backdated"]["event_id"], "rule": "backdated", "note": "lagi"}}
    first = client.post("/v1/events", json=twice, headers=auth(tokens["admin"]))  # 201 unless the console did it
    assert first.status_code in (201, 422)
    resp = client.post("/v1/events", json=twice, headers=auth(tokens["admin"]))
    assert resp.status_code == 422 and resp.json["error"]["rule"] == "review_once"


def test_the_red_flag_kinds_a_review_may_name_are_exactly_the_read_models_kinds_but_finding():
    """ledger/events/review.py lists them (the ledger imports no read model): kept equal here."""
    from ledger.events.review import FLAG_KINDS
    from projections.models.red_flags import KINDS

    assert set(FLAG_KINDS) == set(KINDS) - {"finding"}
