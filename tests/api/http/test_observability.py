"""Request ids, /readyz and /metrics in-process (both backends); the metrics scraped with
prometheus_client's own parser, the ledger gauges compared with the ledger itself."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api_bodies import NIP, auth, unit


def scrape(client) -> dict[str, list]:
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.content_type.startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(resp.get_data(as_text=True))}


def sample(families, family: str, name: str, **labels: str) -> float | None:
    for s in families.get(family, []):
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None


def test_a_sane_request_id_is_returned_as_given_and_anything_else_is_replaced(client):
    assert client.get("/healthz", headers={"X-Request-Id": "nginx-7f3a.2"}).headers["X-Request-Id"] == "nginx-7f3a.2"
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 32 and generated != client.get("/healthz").headers["X-Request-Id"]
    for insane in ("a b", "x" * 200, NIP, "jjk_abcdef", "LPR-2026-ABCDEFGHJKMNPQRS", "<script>"):
        answered = client.get("/healthz", headers={"X-Request-Id": insane}).headers["X-Request-Id"]
        assert answered != insane and len(answered) == 32


def test_an_error_answer_carries_its_request_id_too(client):
    resp = client.get(f"/v1/employees/{NIP}", headers={"X-Request-Id": "trace-404"})
    assert resp.status_code == 401 and resp.headers["X-Request-Id"] == "trace-404"


def test_readyz_is_ready_when_the_read_models_are_caught_up(client, services):
    services.catch_up()
    resp = client.get("/readyz")
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "ready" and resp.json["problems"] == []
    assert resp.json["head"] == services.ledger.head() and set(resp.json["lags"].values()) == {0}


def test_readyz_names_each_read_model_that_lags_more_than_the_limit(app, client, services):
    services.ledger.record([unit("LAGGING")], "ops-test")  # written without catching the read models up
    app.config["READY_MAX_LAG"] = 0
    try:
        resp = client.get("/readyz")
    finally:
        app.config["READY_MAX_LAG"] = 10000
    assert resp.status_code == 503
    assert resp.json["status"] == "not_ready"
    lagging = {p["model"] for p in resp.json["problems"] if p["check"] == "projection"}
    assert lagging and lagging <= set(resp.json["lags"]) and all(resp.json["lags"][m] >= 1 for m in lagging)
    assert all("behind the ledger (limit 0)" in p["message"] for p in resp.json["problems"])
    services.catch_up()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(app, client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("database down")
    monkeypatch.setattr(app.extensions["jejak"].ledger, "head", down)
    monkeypatch.setattr(app.extensions["jejak"].projections, "status", down)
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.json["problems"][0]["check"] == "database"
    assert "did not answer" in resp.json["problems"][0]["message"]
    assert sample(scrape(client), "jejak_database_up", "jejak_database_up") == 0


def test_metrics_count_requests_per_route_template_and_status_never_per_path(client, tokens):
    before = scrape(client)
    for nip in (NIP, "199001012015012001", "199001012015012002"):
        client.get(f"/v1/employees/{nip}", headers=auth(tokens["auditor"]))
    client.get(f"/v1/employees/{NIP}")
    after = scrape(client)
    labels = {"method": "GET", "route": "/v1/employees/<nip>"}

    def count(families, status):
        return sample(families, "jejak_http_requests", "jejak_http_requests_total", status=status, **labels) or 0
    assert count(after, "404") - count(before, "404") == 3  # three NIPs, one label set: none was ever appointed
    assert count(after, "401") - count(before, "401") == 1
    assert sample(after, "jejak_http_request_duration_seconds", "jejak_http_request_duration_seconds_count",
                  status="401", **labels) == count(after, "401")
    text = client.get("/metrics").get_data(as_text=True)
    assert NIP not in text and "199001012015012001" not in text


def test_metrics_report_the_ledger_head_and_each_read_models_lag(client, services):
    services.ledger.record([unit("METRICS")], "ops-test")
    head = services.ledger.head()
    positions = services.projections.positions()
    families = scrape(client)
    assert sample(families, "jejak_ledger_head_position", "jejak_ledger_head_position") == head
    lags = {s.labels["model"]: s.value for s in families["jejak_projection_lag_events"]}
    assert lags and all(lags[m] == head - positions.get(m, 0) for m in lags)
    services.catch_up()
    assert set(s.value for s in scrape(client)["jejak_projection_lag_events"]) == {0}


def test_metrics_report_the_age_of_the_last_checkpoint_and_cosignature(client, services):
    recorder = services.ledger.recorder
    stamp = (datetime.now(timezone.utc) - timedelta(seconds=90)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    recorder.execute("INSERT INTO jejak_checkpoints (tree_size, issued_at, root_hash, key_id, signed_text, signature)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (1, stamp, "00" * 32, "test", "text", "sig"))
    recorder.execute("INSERT INTO jejak_cosignatures (tree_size, root_hash, witness, line, received_at)"
                     " VALUES (?, ?, ?, ?, ?)", (1, "00" * 32, "witness.example", "line", stamp))
    families = scrape(client)
    for name in ("jejak_last_checkpoint_age_seconds", "jejak_last_cosignature_age_seconds"):
        age = sample(families, name, name)
        assert age is not None and 85 <= age <= 600, (name, age)


@pytest.mark.parametrize("path", ["/readyz", "/metrics"])
def test_the_operations_endpoints_are_described_in_the_openapi_document(client, path):
    assert "get" in client.get("/openapi.json").json["paths"][path]
