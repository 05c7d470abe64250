"""The field language: every refusal names its field path, and the schema says the same as `load`."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.errors import Malformed, ValidationFailed
from ledger.events import CATALOGUE
from ledger.fields import Choice, Date, Int, List, Nip, Obj, Str, load_object
from ledger.requests import catalogue_schema, parse_request

SPEC = {"name": Str(max_length=5), "n": Int(minimum=1, maximum=3), "on": Date(),
        "kind": Choice(["a", "b"]), "tags": List(Str(), max_items=2, required=False),
        "post": Obj({"type": Choice(["x"]), "title": Str()}), "nip": Nip(required=False)}
GOOD = {"name": "Budi", "n": 2, "on": "2025-04-01", "kind": "a", "post": {"type": "x", "title": "t"}}


def refusal(value, spec=SPEC):
    with pytest.raises(ValidationFailed) as caught:
        load_object(spec, value, "data")
    return caught.value


def test_a_valid_object_loads_with_typed_values():
    loaded = load_object(SPEC, GOOD, "data")
    assert loaded["on"] == date(2025, 4, 1) and loaded["n"] == 2 and "tags" not in loaded


@pytest.mark.parametrize("change, path", [
    ({"name": "Budi Santoso"}, "data.name"),
    ({"n": 0}, "data.n"), ({"n": "2"}, "data.n"), ({"n": True}, "data.n"),
    ({"on": "2025-02-30"}, "data.on"), ({"on": "1/4/2025"}, "data.on"),
    ({"kind": "c"}, "data.kind"),
    ({"tags": ["a", "b", "c"]}, "data.tags"), ({"tags": [1]}, "data.tags[0]"),
    ({"post": {"type": "y", "title": "t"}}, "data.post.type"),
    ({"nip": "12345"}, "data.nip"),
    ({"extra": 1}, "data.extra"),
])
def test_each_bad_field_is_named_by_its_path(change, path):
    err = refusal({**GOOD, **change})
    assert err.field == path and err.message.startswith(f"{path}: ") and path in err.fields


def test_every_missing_required_field_is_named_at_once():
    err = refusal({"name": "Budi"})
    assert set(err.fields) == {"data.n", "data.on", "data.kind", "data.post"}


def test_the_catalogue_schema_lists_every_type_with_its_required_fields():
    items = {i["type"]: i for i in catalogue_schema()}
    assert set(items) == set(CATALOGUE)
    promotion = items["PromotionGranted"]["schema"]
    assert {"type", "subject", "data", "effective_date", "legal_basis"} <= set(promotion["required"])
    assert promotion["properties"]["data"]["required"] == ["from_grade", "to_grade", "kind"]
    assert "reason" in items["Annulled"]["schema"]["required"]
    assert items["PerformanceEvaluated"]["schema"]["properties"]["data"]["properties"]["predikat"]["enum"] == [
        "sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]


BODY = {"type": "PromotionGranted", "subject": "198503122010011002", "effective_date": "2025-04-01",
        "legal_basis": {"number": "800/1", "date": "2025-03-20"},
        "data": {"from_grade": "III/a", "to_grade": "III/b", "kind": "reguler"}}


def test_a_posted_body_becomes_data_and_metadata():
    req = parse_request({**BODY, "on_behalf_of": "197901012005011001", "correlation_id": "c-1",
                         "reason": "Periode April", "expected_version": 3}, "siasn-sync", "siasn", "k-1")
    assert req.cls is CATALOGUE["PromotionGranted"] and req.expected_version == 3
    assert req.meta["effective_date"] == date(2025, 4, 1)
    assert {k: req.meta[k] for k in ("actor", "source", "idempotency_key", "on_behalf_of", "correlation_id",
                                     "reason", "legal_basis")} == {
        "actor": "siasn-sync", "source": "siasn", "idempotency_key": "k-1", "on_behalf_of": "197901012005011001",
        "correlation_id": "c-1", "reason": "Periode April", "legal_basis": {"number": "800/1", "date": "2025-03-20"}}


@pytest.mark.parametrize("change, path", [
    ({"type": "PromotionGiven"}, "type"), ({"subject": "a b"}, "subject"), ({"data": []}, "data"),
    ({"effective_date": None}, "effective_date"), ({"legal_basis": None}, "legal_basis"),
    ({"legal_basis": {"number": "1", "date": "2025-13-01"}}, "legal_basis.date"),
    ({"expected_version": -1}, "expected_version"), ({"recorded_at": "2020-01-01T00:00:00Z"}, "recorded_at"),
    ({"reason": ""}, "reason"),
])
def test_a_bad_top_level_field_is_named(change, path):
    with pytest.raises(ValidationFailed) as caught:
        parse_request({**BODY, **change}, "clerk", None, None)
    assert caught.value.field == path


def test_a_fix_needs_a_reason_and_a_non_object_is_malformed():
    with pytest.raises(ValidationFailed) as caught:
        parse_request({"type": "Annulled", "subject": "X", "data": {"event_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12}},
                      "clerk", None, None)
    assert caught.value.field == "reason"
    with pytest.raises(Malformed):
        parse_request(["not", "an", "object"], "clerk", None, None)
