"""Who read whom: every response carrying an identified person's personal data is logged, before it leaves."""

from __future__ import annotations

import psycopg
import pytest
import sqlite3

from api_bodies import EVALUATOR, NIP, auth

PERSONAL = ["address", "birth_date", "contact", "nik"]


def rows_after(services, last: int) -> list[dict]:
    from ledger.storage import access_log
    return access_log.read(services.ledger.recorder, after_id=last, limit=1000)


def last_id(services) -> int:
    return int(services.ledger.recorder.query("SELECT COALESCE(MAX(id), 0) FROM jejak_access_log")[0][0])


def test_an_auditors_read_of_an_employee_appends_one_row_naming_the_fields_route_and_request_id(
        client, tokens, seeded, services):
    before = last_id(services)
    resp = client.get(f"/v1/employees/{NIP}", headers={**auth(tokens["auditor"]), "X-Request-Id": "req-aud-1"})
    assert resp.status_code == 200 and resp.json["nik"] == "1275011203850001"
    [row] = rows_after(services, before)
    assert (row["principal"], row["role"], row["subject"]) == ("auditor-1", "auditor", NIP)
    assert row["fields"] == PERSONAL
    assert (row["route"], row["request_id"]) == ("/v1/employees/<nip>", "req-aud-1")


def test_an_inspectors_masked_read_logs_only_the_birth_date_it_may_see(client, tokens, seeded, services):
    """Inspectors see the birth date (their NIPs show it anyway, docs/PERSONAL_DATA.md) and nothing
    else personal: only that is logged, and a read with no birth date in it logs nothing."""
    before = last_id(services)
    for path in (f"/v1/employees/{NIP}", f"/v1/employees/{NIP}/history", "/v1/feed", "/v1/audit"):
        assert client.get(path, headers=auth(tokens["inspector"])).status_code == 200
    rows = rows_after(services, before)
    assert rows and all(f.rsplit(".", 1)[-1] == "birth_date" for r in rows for f in r["fields"])
    assert {r["route"] for r in rows} <= {"/v1/employees/<nip>", "/v1/employees/<nip>/history", "/v1/feed",
                                          "/v1/audit"}


def test_a_read_of_someone_without_personal_data_appends_nothing(client, tokens, seeded, services):
    before = last_id(services)
    assert client.get(f"/v1/employees/{EVALUATOR}", headers=auth(tokens["auditor"])).status_code == 200
    assert rows_after(services, before) == []


def test_history_feed_and_event_reads_by_an_auditor_are_logged_per_subject(client, tokens, seeded, services):
    appointed = seeded[4]["event_id"]
    for path, route, field in ((f"/v1/employees/{NIP}/history", "/v1/employees/<nip>/history", "data.nik"),
                               (f"/v1/events/{appointed}", "/v1/events/<event_id>", "data.nik"),
                               ("/v1/feed?limit=1000", "/v1/feed", "data.nik")):
        before = last_id(services)
        assert client.get(path, headers=auth(tokens["admin"])).status_code == 200
        [row] = rows_after(services, before)
        assert (row["subject"], row["route"], row["role"]) == (NIP, route, "admin"), path
        assert field in row["fields"], (path, row["fields"])


def test_a_failed_or_refused_read_appends_nothing(client, tokens, seeded, services):
    before = last_id(services)
    assert client.get(f"/v1/employees/{NIP}?as_of=nonsense", headers=auth(tokens["auditor"])).status_code == 400
    assert client.get(f"/v1/employees/{NIP}/history", headers=auth(tokens["recorder"])).status_code == 403
    assert rows_after(services, before) == []


def test_reading_the_access_log_returns_the_contract_shape_and_is_itself_logged(client, tokens, seeded, services):
    client.get(f"/v1/employees/{NIP}", headers=auth(tokens["auditor"]))
    resp = client.get(f"/v1/access-log?subject={NIP}&principal=auditor-1", headers=auth(tokens["admin"]))
    assert resp.status_code == 200
    items = resp.json["items"]
    assert items and all(i["subject"] == NIP and i["principal"] == "auditor-1" for i in items)
    assert set(items[0]) == {"at", "principal", "role", "subject", "fields", "route", "request_id"}
    [logged] = rows_after(services, last_id(services) - 1)
    assert (logged["principal"], logged["subject"], logged["fields"], logged["route"]) == (
        "admin-1", NIP, ["access_log"], "/v1/access-log")
    again = client.get(f"/v1/access-log?subject={NIP}&principal=admin-1", headers=auth(tokens["auditor"])).json
    assert again["items"][-1]["fields"] == ["access_log"]


def test_the_access_log_pages_with_an_opaque_cursor_and_filters_by_time(client, tokens, seeded, services):
    for _ in range(3):
        client.get(f"/v1/employees/{NIP}", headers=auth(tokens["auditor"]))
    first = client.get(f"/v1/access-log?subject={NIP}&limit=2", headers=auth(tokens["auditor"])).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/v1/access-log?subject={NIP}&limit=2&cursor={first['next_cursor']}",
                        headers=auth(tokens["auditor"])).json
    assert second["items"][0]["at"] >= first["items"][-1]["at"]
    future = client.get("/v1/access-log?after=2999-01-01T00:00:00Z", headers=auth(tokens["auditor"])).json
    assert future == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("query,field", [("after=yesterday", "after"), ("limit=0", "limit"), ("cursor=abc", "cursor"),
                                         ("subject=" + "x" * 65, "subject"), ("colour=red", "colour")])
def test_a_bad_access_log_query_is_a_400_naming_the_field(client, tokens, query, field):
    resp = client.get(f"/v1/access-log?{query}", headers=auth(tokens["auditor"]))
    assert resp.status_code == 400 and field in resp.json["error"]["fields"], resp.json


def test_inspectors_and_recorders_may_not_read_the_access_log(client, tokens):
    for role in ("inspector", "recorder"):
        assert client.get("/v1/access-log", headers=auth(tokens[role])).status_code == 403


def _refuse_inserts(url: str, on: bool) -> None:
    """An insider (or a full disk) makes the access log refuse writes: a real failure of the real table."""
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as conn:
            if on:
                conn.execute("CREATE TRIGGER test_refuse_log BEFORE INSERT ON jejak_access_log FOR EACH ROW"
                             " EXECUTE FUNCTION jejak_refuse_change()")
            else:
                conn.execute("DROP TRIGGER test_refuse_log ON jejak_access_log")
        return
    with sqlite3.connect(url[len("sqlite:///"):], isolation_level=None) as conn:
        conn.execute("CREATE TRIGGER test_refuse_log BEFORE INSERT ON jejak_access_log BEGIN SELECT RAISE(ABORT, 'no');"
                     " END" if on else "DROP TRIGGER test_refuse_log")


def test_when_the_access_log_cannot_be_written_the_personal_data_is_withheld_with_a_503(
        client, tokens, seeded, services, api_url):
    _refuse_inserts(api_url, True)
    try:
        resp = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["auditor"]))
        assert resp.status_code == 503 and resp.json["error"]["code"] == "access_log_unavailable"
        assert "1275011203850001" not in resp.get_data(as_text=True)
        assert resp.headers["Retry-After"]
        masked = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["recorder"]))
        assert masked.status_code == 200  # nothing personal, nothing to log: unaffected
    finally:
        _refuse_inserts(api_url, False)
    assert client.get(f"/v1/employees/{NIP}", headers=auth(tokens["auditor"])).status_code == 200


def test_a_correction_of_a_personal_field_is_logged_under_its_path_when_an_auditor_reads_it(
        client, tokens, seeded, services):
    """Last in the module: it gives the evaluator a contact."""
    body = {"type": "Corrected", "subject": EVALUATOR, "reason": "salah ketik",
            "data": {"event_id": seeded[3]["event_id"], "fields": {"contact": "0813999"}}}
    receipt = client.post("/v1/events", json=body, headers=auth(tokens["admin"])).json
    before = last_id(services)
    assert client.get(f"/v1/events/{receipt['event_id']}", headers=auth(tokens["auditor"])).status_code == 200
    [row] = rows_after(services, before)
    assert (row["subject"], row["fields"]) == (EVALUATOR, ["data.fields.contact"])
    client.get(f"/v1/employees/{EVALUATOR}", headers=auth(tokens["auditor"]))
    assert rows_after(services, before + 1)[0]["fields"] == ["contact"]


def test_an_auditors_export_of_one_subjects_bundle_is_logged(database_url, tmp_path, monkeypatch):
    from api import create_app
    from api_bodies import world
    from ledger.integrity.checkpoints import create_key_file
    from ledger.storage import access_log

    create_key_file(tmp_path / "signing.key")
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(tmp_path / "signing.key"))
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    services = app.extensions["jejak"]
    try:
        tokens = {role: services.keys.create(f"{role}-1", role) for role in ("admin", "auditor")}
        client = app.test_client()
        assert client.post("/v1/events/batch", json={"events": world()}, headers=auth(tokens["admin"])).status_code == 201
        resp = client.get(f"/v1/ledger/export?subject={NIP}", headers=auth(tokens["auditor"]))
        assert resp.status_code == 200
        [row] = access_log.read(services.ledger.recorder)
        assert (row["subject"], row["fields"], row["route"]) == (NIP, ["bundle"], "/v1/ledger/export")
    finally:
        services.close()


def test_a_feedback_officers_reading_of_a_complaint_logs_the_message_under_its_name_and_never_the_contact(
        client, tokens, seeded, services):
    body = {"type": "FeedbackReceived", "subject": "LPR-LOG-FO-1",
            "data": {"classification": "pengaduan", "unit": "DINKES", "message": "Petugas loket meminta uang",
                     "anonymous": False, "contact_encrypted": "v1:c2VhbGVk"}}
    assert client.post("/v1/events", json=body, headers=auth(tokens["admin"])).status_code == 201
    before = last_id(services)
    resp = client.get("/v1/feedback/LPR-LOG-FO-1/history",
                      headers={**auth(tokens["feedback_officer"]), "X-Request-Id": "req-fo-1"})
    assert resp.status_code == 200 and resp.json["items"][0]["data"]["message"] == "Petugas loket meminta uang"
    assert resp.json["items"][0]["data"]["contact_encrypted"] is None
    [row] = rows_after(services, before)
    assert (row["principal"], row["role"]) == ("feedback_officer-1", "feedback_officer")
    assert row["subject"] == "LPR-LOG-FO-1"
    assert row["fields"] == ["data.message"] and row["request_id"] == "req-fo-1"
