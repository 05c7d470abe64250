"""The feedback form refuses posts made from another site, and its JSON twin refuses anything but JSON."""

from __future__ import annotations

import pytest

from portal_apps import FEEDBACK, form_token, portal_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("form")
    app = portal_app(f"sqlite:///{tmp / 'jejak.db'}", tmp, PUBLIC_FEEDBACK_RATE="1000/60",
                     PUBLIC_READ_RATE="10000/60")
    yield app
    app.extensions["jejak"].close()


@pytest.fixture
def client(app):
    return app.test_client()


FORM = {**FEEDBACK, "anonymous": "1"}


def test_a_cross_site_post_without_the_forms_token_records_nothing(app, client):
    head = app.extensions["jejak"].ledger.head()
    resp = client.post("/masukan", data=FORM, headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403
    assert "Muat ulang" in resp.get_data(as_text=True)
    assert app.extensions["jejak"].ledger.head() == head


def test_a_token_copied_by_another_site_fails_without_the_visitors_own_cookie(app, client):
    stolen = form_token(app.test_client())  # the attacker's server fetched a form of its own
    head = app.extensions["jejak"].ledger.head()
    assert client.post("/masukan", data={**FORM, "form_token": stolen}).status_code == 403
    assert app.extensions["jejak"].ledger.head() == head


def test_a_browser_marking_the_post_cross_site_is_refused_even_with_a_token(client):
    token = form_token(client)
    resp = client.post("/masukan", data={**FORM, "form_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert resp.status_code == 403


def test_the_form_sent_from_its_own_page_is_recorded_without_any_script(client):
    page = client.get("/masukan")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/masukan" in cookie
    assert "<script" not in page.get_data(as_text=True)
    token = form_token(client)
    resp = client.post("/masukan", data={**FORM, "form_token": token}, headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status_code == 303 and "/tiket/LPR-" in resp.headers["Location"]


def test_a_refused_form_shows_the_errors_and_a_fresh_token_to_send_again(client):
    token = form_token(client)
    resp = client.post("/masukan", data={**FORM, "message": "", "form_token": token})
    assert resp.status_code == 400 and 'name="form_token"' in resp.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          None])
def test_the_json_endpoint_refuses_bodies_that_are_not_declared_json(app, client, content_type):
    import json

    head = app.extensions["jejak"].ledger.head()
    headers = {"Content-Type": content_type} if content_type else {}
    resp = client.post("/v1/public/feedback", data=json.dumps(FEEDBACK), headers=headers)
    assert resp.status_code == 415, resp.get_data(as_text=True)
    error = resp.json["error"]
    assert error["code"] == "unsupported_media_type" and "application/json" in error["message"]
    assert "Content-Type" in error["fields"]
    assert app.extensions["jejak"].ledger.head() == head


def test_the_json_endpoint_still_takes_json_with_a_charset(client):
    import json

    resp = client.post("/v1/public/feedback", data=json.dumps(FEEDBACK),
                       headers={"Content-Type": "application/json; charset=utf-8"})
    assert resp.status_code == 201
