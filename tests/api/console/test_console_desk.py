"""The feedback desk, on both backends: tickets listed by status, a ticket progressed through the feedback
event types by the signed-in admin (source console), out-of-order steps refused by name, and the contact
opened only with a reason that the access log keeps before the contact is shown; the same for a feedback
officer, who sees the desk and nothing else; inspectors and auditors are refused."""

from __future__ import annotations

import pytest

from api_bodies import auth
from console_client import csrf, sign_in

CONTACT = "0812-7777-0001"


@pytest.fixture(scope="module")
def ticket(app, client, seeded):
    """A complaint filed through the public form with a contact (sealed by the portal, committed in the ledger)."""
    resp = client.post("/v1/public/feedback", json={"classification": "pengaduan", "unit": "DINKES",
                                                    "message": "Antrean puskesmas lama sekali", "anonymous": False,
                                                    "contact": CONTACT})
    assert resp.status_code == 201, resp.json
    number = resp.json["ticket"]
    app.extensions["jejak"].catch_up()
    with app.extensions["jejak"].read_models().connect() as conn:
        from projections.models.feedback import ticket_number
        return conn.execute(ticket_number.select().where(ticket_number.c.public_number == number)).first().ticket


def _post(user, path: str, **form):
    return user.post(path, data={"csrf_token": csrf(user, "/console/aduan"), **form})


def test_an_admin_progresses_a_complaint_through_its_steps_from_the_desk(app, client, tokens, ticket):
    admin, _ = sign_in(app, tokens["admin"])
    listed = admin.get("/console/aduan?status=received").get_data(as_text=True)
    assert f"/console/aduan/{ticket}" in listed
    recorder = app.extensions["jejak"].ledger.recorder
    logged = recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0]
    page = admin.get(f"/console/aduan/{ticket}").get_data(as_text=True)
    assert "Antrean puskesmas lama sekali" in page and CONTACT not in page
    (read,) = recorder.query("SELECT principal, subject, fields FROM jejak_access_log WHERE id > ?", (logged,))
    assert read[:2] == ("admin-1", ticket) and "message" in read[2] and "contact" not in read[2]
    assert 'data-type="FeedbackVerified"' in page and 'data-type="FeedbackResponded"' not in page
    for type_, form in (("FeedbackVerified", {"note": "Lengkap"}), ("FeedbackDispositioned", {"to_unit": "DINKES"}),
                        ("FeedbackResponded", {"response": "Loket ditambah dua"}), ("FeedbackClosed", {})):
        resp = _post(admin, f"/console/aduan/{ticket}/langkah", type=type_, **form)
        assert resp.status_code == 303, (type_, resp.get_data(as_text=True)[-600:])
    page = admin.get(f"/console/aduan/{ticket}").get_data(as_text=True)
    assert '<strong data-field="status">closed</strong>' in page and "Loket ditambah dua" in page
    history = client.get(f"/v1/feed?after=0&limit=1000", headers=auth(tokens["auditor"])).json["items"]
    steps = [e for e in history if e["subject"] == ticket and e["type"] != "FeedbackReceived"]
    assert [(e["type"], e["actor"], e["source"]) for e in steps] == [
        (t, "admin-1", "console") for t in ("FeedbackVerified", "FeedbackDispositioned", "FeedbackResponded",
                                            "FeedbackClosed")]


def test_a_step_out_of_order_or_unknown_is_refused_and_records_nothing(app, client, tokens, ticket):
    admin, _ = sign_in(app, tokens["admin"])
    head = client.get("/v1/feed?limit=1", headers=auth(tokens["auditor"])).json["head"]
    for type_, status, field in (("FeedbackVerified", 422, "type"), ("Promoted", 400, "type")):
        resp = _post(admin, f"/console/aduan/{ticket}/langkah", type=type_)
        assert resp.status_code == status and f'data-field="{field}"' in resp.get_data(as_text=True), type_
    assert _post(admin, "/console/aduan/NO-SUCH/langkah", type="FeedbackClosed").status_code == 404
    assert client.get("/v1/feed?limit=1", headers=auth(tokens["auditor"])).json["head"] == head


def test_the_contact_opens_only_with_a_reason_that_the_access_log_keeps_first(app, tokens, ticket):
    recorder = app.extensions["jejak"].ledger.recorder
    logged = recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0]
    admin, _ = sign_in(app, tokens["admin"])
    for reason in ("", "perlu"):
        resp = _post(admin, f"/console/aduan/{ticket}/kontak", reason=reason)
        assert resp.status_code == 400 and 'data-field="reason"' in resp.get_data(as_text=True)
        assert CONTACT not in resp.get_data(as_text=True)
    assert recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0] == logged
    resp = _post(admin, f"/console/aduan/{ticket}/kontak", reason="Konfirmasi jawaban kepada pelapor")
    assert resp.status_code == 200 and CONTACT in resp.get_data(as_text=True)
    rows = recorder.query("SELECT principal, role, subject, fields, route FROM jejak_access_log WHERE id > ?"
                          " ORDER BY id", (logged,))
    assert {tuple(r[:3]) for r in rows} == {("admin-1", "admin", ticket)}
    first = rows[0]  # logged before the page was made; the page's other reads (the message) after it
    assert "contact" in first[3] and "alasan: Konfirmasi jawaban kepada pelapor" in first[4]


def test_inspectors_and_auditors_may_not_use_the_desk(app, tokens, ticket):
    for role in ("inspector", "auditor"):
        user, _ = sign_in(app, tokens[role])
        for path in ("/console/aduan", f"/console/aduan/{ticket}"):
            assert user.get(path).status_code == 403, (role, path)
        resp = user.post(f"/console/aduan/{ticket}/kontak", data={"csrf_token": csrf(user), "reason": "x" * 20})
        assert resp.status_code == 403 and CONTACT not in resp.get_data(as_text=True)


def test_a_feedback_officer_signs_in_to_the_desk_and_sees_no_other_page_in_the_menu(app, tokens, ticket):
    officer, resp = sign_in(app, tokens["feedback_officer"])
    assert resp.status_code == 303 and resp.headers["Location"] == "/console/aduan"
    assert officer.get("/console/").headers["Location"] == "/console/aduan"
    page = officer.get("/console/aduan").get_data(as_text=True)
    assert f"/console/aduan/{ticket}" in page
    for absent in ("/console/pegawai", "/console/temuan", "/console/perubahan", "/console/bukti-audit",
                   "/console/kunci"):  # absent from the page, not hidden by CSS
        assert f'href="{absent}' not in page, absent


def test_a_feedback_officer_cannot_open_an_employee_the_inbox_or_any_page_but_the_desk(app, tokens, ticket):
    from api_bodies import NIP

    officer, _ = sign_in(app, tokens["feedback_officer"])
    for path in (f"/console/pegawai/{NIP}", "/console/pegawai", "/console/temuan", "/console/perubahan",
                 "/console/unit/DINKES", "/console/bukti-audit", "/console/kunci"):
        resp = officer.get(path)
        assert resp.status_code == 403 and 'data-field="role"' in resp.get_data(as_text=True), path
        assert f"Pegawai {NIP[-3:]}" not in resp.get_data(as_text=True), path  # the employee's name never
    resp = officer.post("/console/temuan/tinjau", data={"csrf_token": csrf(officer, "/console/aduan"), "note": "x"})
    assert resp.status_code == 403


def test_a_feedback_officer_progresses_a_complaint_and_opens_its_contact_under_its_own_name(app, client, tokens):
    resp = client.post("/v1/public/feedback", json={"classification": "pengaduan", "unit": "DINKES",
                                                    "message": "Pungutan liar di loket", "anonymous": False,
                                                    "contact": "0812-7777-0002"})
    app.extensions["jejak"].catch_up()
    with app.extensions["jejak"].read_models().connect() as conn:
        from projections.models.feedback import ticket_number
        ticket = conn.execute(ticket_number.select().where(
            ticket_number.c.public_number == resp.json["ticket"])).first().ticket
    recorder = app.extensions["jejak"].ledger.recorder
    logged = recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0]
    officer, _ = sign_in(app, tokens["feedback_officer"])
    page = officer.get(f"/console/aduan/{ticket}").get_data(as_text=True)
    assert "Pungutan liar di loket" in page and "0812-7777-0002" not in page
    for type_, form in (("FeedbackVerified", {"note": "Lengkap"}), ("FeedbackDispositioned", {"to_unit": "DINKES"})):
        assert _post(officer, f"/console/aduan/{ticket}/langkah", type=type_, **form).status_code == 303, type_
    opened = _post(officer, f"/console/aduan/{ticket}/kontak", reason="Menghubungi pelapor untuk bukti tambahan")
    assert opened.status_code == 200 and "0812-7777-0002" in opened.get_data(as_text=True)
    rows = recorder.query("SELECT principal, role, subject, fields, route FROM jejak_access_log WHERE id > ?"
                          " ORDER BY id", (logged,))
    assert {tuple(r[:3]) for r in rows} == {("feedback_officer-1", "feedback_officer", ticket)}
    contact = [r for r in rows if "contact" in r[3]]
    assert len(contact) == 1 and "alasan: Menghubungi pelapor untuk bukti tambahan" in contact[0][4]
    history = client.get(f"/v1/feedback/{ticket}/history", headers=auth(tokens["feedback_officer"])).json["items"]
    assert [(e["type"], e["actor"]) for e in history[1:]] == [("FeedbackVerified", "feedback_officer-1"),
                                                              ("FeedbackDispositioned", "feedback_officer-1")]
    assert history[0]["data"]["contact_encrypted"] is None and history[0]["data"]["message"] == "Pungutan liar di loket"
