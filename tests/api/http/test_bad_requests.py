"""Every bad request gets the documented status and code, names its field or rule, and records nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api_bodies import auth, NIP, STRANGER, appointment, evaluation, plan, promotion, training, unit


def with_(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(body))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = out
        for p in parents:
            target = target[p]
        if value is DROP:
            target.pop(last)
        else:
            target[last] = value
    return out


DROP = object()
PROMO = promotion(NIP, "III/a", "III/b")
GOOD_UNIT = unit("DISDIK", "Dinas Pendidikan")
UNKNOWN_EVENT = "00000000-0000-4000-8000-000000000000"

# (name, method, path, body: dict | bytes | None, headers, status, code, names: field or rule)
CASES: list[tuple[str, str, str, Any, dict[str, str], int, str, str]] = [
    ("not JSON", "POST", "/v1/events", b"{bad", {}, 400, "malformed", "body"),
    ("empty body", "POST", "/v1/events", b"", {}, 400, "malformed", "body"),
    ("a JSON array, not an object", "POST", "/v1/events", b"[1, 2]", {}, 400, "malformed", "body"),
    ("NaN is not JSON", "POST", "/v1/events", b'{"type": NaN}', {}, 400, "malformed", "body"),
    ("not UTF-8", "POST", "/v1/events", b'{"type": "\xff"}', {}, 400, "malformed", "body"),
    ("unknown type", "POST", "/v1/events", with_(GOOD_UNIT, type="UnitExploded"), {}, 400,
     "validation_failed", "type"),
    ("missing type", "POST", "/v1/events", with_(GOOD_UNIT, type=DROP), {}, 400, "validation_failed", "type"),
    ("type is a number", "POST", "/v1/events", with_(GOOD_UNIT, type=7), {}, 400, "validation_failed", "type"),
    ("unknown top-level field", "POST", "/v1/events", with_(GOOD_UNIT, colour="red"), {}, 400,
     "validation_failed", "colour"),
    ("missing subject", "POST", "/v1/events", with_(GOOD_UNIT, subject=DROP), {}, 400,
     "validation_failed", "subject"),
    ("subject with spaces", "POST", "/v1/events", with_(GOOD_UNIT, subject="DIS DIK"), {}, 400,
     "validation_failed", "subject"),
    ("data is a list", "POST", "/v1/events", with_(GOOD_UNIT, data=[]), {}, 400, "validation_failed", "data"),
    ("missing required data field", "POST", "/v1/events", with_(GOOD_UNIT, data__name=DROP), {}, 400,
     "validation_failed", "data.name"),
    ("data field of the wrong type", "POST", "/v1/events", with_(GOOD_UNIT, data__name=3), {}, 400,
     "validation_failed", "data.name"),
    ("unknown data field", "POST", "/v1/events", with_(GOOD_UNIT, data__budget=1), {}, 400,
     "validation_failed", "data.budget"),
    ("bad enumeration", "POST", "/v1/events", with_(appointment("198001012006041001"),
                                                    data__employment_type="honorer"), {}, 400,
     "validation_failed", "data.employment_type"),
    ("NIP too short", "POST", "/v1/events", appointment("12345"), {}, 422, "rule_violated", "nip_format"),
    ("NIP with no real birth date", "POST", "/v1/events", appointment("198513322010011002"), {}, 422,
     "rule_violated", "nip_birth_date"),
    ("NIP with gender digit 3", "POST", "/v1/events", appointment("198503122010013002"), {}, 422,
     "rule_violated", "nip_gender"),
    ("appointment in an unregistered unit", "POST", "/v1/events",
     appointment("198001012006041001", unit_code="NOWHERE"), {}, 404, "not_found", "data.unit"),
    ("non-adjacent grade", "POST", "/v1/events", promotion(NIP, "III/a", "III/c"), {}, 422,
     "rule_violated", "grade_next_step"),
    ("from_grade is not the current grade", "POST", "/v1/events", promotion(NIP, "III/b", "III/c"), {}, 422,
     "rule_violated", "grade_current"),
    ("disallowed TMT month", "POST", "/v1/events", promotion(NIP, "III/a", "III/b", "2023-03-01"), {}, 422,
     "rule_violated", "promotion_tmt_month"),
    ("TMT not on the 1st", "POST", "/v1/events", promotion(NIP, "III/a", "III/b", "2025-04-15"), {}, 422,
     "rule_violated", "promotion_tmt_first_day"),
    ("missing TMT", "POST", "/v1/events", with_(PROMO, effective_date=DROP), {}, 400, "validation_failed",
     "effective_date"),
    ("TMT in the wrong format", "POST", "/v1/events", with_(PROMO, effective_date="01-04-2025"), {}, 400,
     "validation_failed", "effective_date"),
    ("TMT not a real date", "POST", "/v1/events", with_(PROMO, effective_date="2025-02-30"), {}, 400,
     "validation_failed", "effective_date"),
    ("missing SK", "POST", "/v1/events", with_(PROMO, legal_basis=DROP), {}, 400, "validation_failed",
     "legal_basis"),
    ("SK date not a date", "POST", "/v1/events", with_(PROMO, legal_basis__date="kemarin"), {}, 400,
     "validation_failed", "legal_basis.date"),
    ("wrong predikat for the ratings", "POST", "/v1/events", evaluation(NIP, 2024, "di_atas", "di_atas", "baik"),
     {}, 422, "rule_violated", "predikat_matrix"),
    ("evaluator is the subject", "POST", "/v1/events", evaluation(NIP, 2024, evaluator=NIP), {}, 422,
     "rule_violated", "evaluator_not_self"),
    ("planning with oneself as evaluator", "POST", "/v1/events", plan(NIP, 2025, evaluator=NIP), {}, 422,
     "rule_violated", "evaluator_not_self"),
    ("evaluation without that year's plan", "POST", "/v1/events", evaluation(NIP, 2023), {}, 422,
     "rule_violated", "evaluation_needs_plan"),
    ("training with zero JP", "POST", "/v1/events", training(NIP, 0, jp=0), {}, 422, "rule_violated",
     "jp_positive"),
    ("training cost beyond the budget", "POST", "/v1/events", training(NIP, 9_000_000), {}, 422,
     "rule_violated", "budget_within_allocation"),
    ("unit registered twice", "POST", "/v1/events", unit("DINKES"), {}, 422, "rule_violated",
     "unit_registered_once"),
    ("unknown subject", "POST", "/v1/events", promotion(STRANGER, "III/a", "III/b"), {}, 404, "not_found",
     "subject"),
    ("stale expected_version", "POST", "/v1/events", with_(PROMO, expected_version=1), {}, 409,
     "version_conflict", "expected_version"),
    ("stale If-Match", "POST", "/v1/events", PROMO, {"If-Match": '"1"'}, 409, "version_conflict",
     "expected_version"),
    ("If-Match not a version", "POST", "/v1/events", PROMO, {"If-Match": "abc"}, 400, "validation_failed",
     "If-Match"),
    ("If-Match disagreeing with the body", "POST", "/v1/events", with_(PROMO, expected_version=3),
     {"If-Match": '"2"'}, 400, "validation_failed", "If-Match"),
    ("negative expected_version", "POST", "/v1/events", with_(PROMO, expected_version=-1), {}, 400,
     "validation_failed", "expected_version"),
    ("correction without a reason", "POST", "/v1/events",
     {"type": "Corrected", "subject": NIP, "data": {"event_id": UNKNOWN_EVENT, "fields": {"name": "X"}}}, {}, 400,
     "validation_failed", "reason"),
    ("annulment of an unknown event", "POST", "/v1/events",
     {"type": "Annulled", "subject": NIP, "data": {"event_id": UNKNOWN_EVENT}, "reason": "salah input"}, {}, 404,
     "not_found", "data.event_id"),
    ("oversize body", "POST", "/v1/events", b'{"type": "' + b"x" * (1024 * 1024 + 10) + b'"}', {}, 413,
     "too_large", "body"),
    ("Idempotency-Key with spaces", "POST", "/v1/events", GOOD_UNIT, {"Idempotency-Key": "a key"}, 400,
     "validation_failed", "Idempotency-Key"),
    ("batch that is a list", "POST", "/v1/events/batch", [GOOD_UNIT], {}, 400, "malformed", "body"),
    ("batch without events", "POST", "/v1/events/batch", {"events": []}, {}, 400, "validation_failed", "events"),
    ("batch of 1,001 events", "POST", "/v1/events/batch",
     {"events": [unit(f"U{i}") for i in range(1001)]}, {}, 400, "validation_failed", "events"),
    ("batch whose second event is bad", "POST", "/v1/events/batch",
     {"events": [GOOD_UNIT, with_(GOOD_UNIT, subject="DISPORA", data__name=3)]}, {}, 400, "validation_failed",
     "events[1].data.name"),
    ("batch whose third event breaks a rule", "POST", "/v1/events/batch",
     {"events": [GOOD_UNIT, plan(NIP, 2025), evaluation(NIP, 2025, evaluator=NIP)]}, {}, 422, "rule_violated",
     "evaluator_not_self"),
    ("batch with an unknown field", "POST", "/v1/events/batch", {"events": [GOOD_UNIT], "atomic": False}, {}, 400,
     "validation_failed", "atomic"),
    ("no token", "POST", "/v1/events", GOOD_UNIT, {"Authorization": ""}, 401, "unauthenticated", "Authorization"),
    ("unknown token", "POST", "/v1/events", GOOD_UNIT, {"Authorization": "Bearer nope"}, 401, "unauthenticated",
     "Authorization"),
    ("Basic instead of Bearer", "POST", "/v1/events", GOOD_UNIT, {"Authorization": "Basic dXNlcjpwYXNz"}, 401,
     "unauthenticated", "Authorization"),
    ("feed after is not a number", "GET", "/v1/feed?after=ten", None, {}, 400, "validation_failed", "after"),
    ("page size over 1,000", "GET", f"/v1/employees/{NIP}/history?limit=1001", None, {}, 400,
     "validation_failed", "limit"),
    ("bad cursor", "GET", f"/v1/employees/{NIP}/history?cursor=not-a-cursor", None, {}, 400, "validation_failed",
     "cursor"),
    ("cursor of another list", "GET", f"/v1/employees/{NIP}/history?cursor=eyJrIjoiYXVkaXQiLCJ2IjoxfQ", None, {},
     400, "validation_failed", "cursor"),
    ("as_of not a timestamp", "GET", f"/v1/employees/{NIP}?as_of=yesterday", None, {}, 400, "validation_failed",
     "as_of"),
    ("valid_at not a real date", "GET", f"/v1/employees/{NIP}?valid_at=2025-13-01", None, {}, 400,
     "validation_failed", "valid_at"),
    ("valid_at before the appointment", "GET", f"/v1/employees/{NIP}?valid_at=2000-01-01", None, {}, 404,
     "not_found", "valid_at"),
    ("unknown query parameter", "GET", f"/v1/employees/{NIP}?colour=red", None, {}, 400, "validation_failed",
     "colour"),
    ("unknown employee", "GET", f"/v1/employees/{STRANGER}", None, {}, 404, "not_found", "subject"),
    ("budget year not a number", "GET", "/v1/units/DINKES/budget?year=abc", None, {}, 400, "validation_failed",
     "year"),
    ("unknown unit", "GET", "/v1/units/NOWHERE", None, {}, 404, "not_found", "subject"),
    ("unknown event", "GET", f"/v1/events/{UNKNOWN_EVENT}", None, {}, 404, "not_found", "event_id"),
    ("unknown route", "GET", "/v1/nothing-here", None, {}, 404, "not_found", "path"),
    ("wrong method", "DELETE", "/v1/events", None, {}, 405, "method_not_allowed", "method"),
]


def test_the_table_has_at_least_forty_bad_requests():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_bad_request_is_refused_with_its_status_code_and_field_and_records_nothing(
        case, client, tokens, services, seeded):
    name, method, path, body, headers, status, code, names = case
    head = services.ledger.head()
    sent = {**auth(tokens["admin"]), **headers}
    if sent.get("Authorization") == "":
        sent.pop("Authorization")
    kwargs = {"data": body} if isinstance(body, bytes) else ({"json": body} if body is not None else {})
    resp = client.open(path, method=method, headers=sent, **kwargs)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    error = resp.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["fields"], dict)
    if code == "rule_violated":
        assert error["rule"] == names
        assert error["message"] and error["message_id"] and error["message_id"] != error["message"]
    else:
        assert names in error["message"], error["message"]
    assert services.ledger.head() == head
