"""Console sign-in and sessions on both backends: roles, cookie flags, CSRF, idle and absolute timeouts."""

from __future__ import annotations

import time

import sqlalchemy as sa

from api_bodies import NIP
from console_client import csrf, pre_token, sign_in


def sessions_table(services):
    from api.console.sessions import console_sessions
    return services.keys.engine, console_sessions


def test_inspectors_auditors_and_admins_sign_in_and_a_recorder_is_refused(app, tokens):
    for role in ("inspector", "auditor", "admin"):
        client, resp = sign_in(app, tokens[role])
        assert resp.status_code == 303 and resp.headers["Location"] == "/console/pegawai"
        assert f"{role}-1 ({role})" in client.get("/console/pegawai").get_data(as_text=True)
    client, resp = sign_in(app, tokens["recorder"])
    assert resp.status_code == 403 and "recorder" in resp.get_data(as_text=True)
    assert client.get_cookie("jejak_console", path="/console") is None
    assert client.get("/console/pegawai").status_code == 303


def test_an_unknown_token_is_refused_with_401_naming_the_token_field(app):
    _, resp = sign_in(app, "jjk_not-a-token")
    assert resp.status_code == 401 and 'data-field="token"' in resp.get_data(as_text=True)


def test_the_session_cookie_is_httponly_samesite_strict_and_secure_over_https(app, tokens):
    client = app.test_client()
    token = pre_token(client)
    resp = client.post("/console/masuk", data={"csrf_token": token, "token": tokens["auditor"]})
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("jejak_console="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP (a developer's machine) would never send it back
    secure = app.test_client()
    page = secure.get("/console/masuk", base_url="https://localhost").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = secure.post("/console/masuk", data={"csrf_token": token, "token": tokens["auditor"]},
                       base_url="https://localhost")
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("jejak_console="))
    assert "Secure" in cookie


def test_only_a_hash_of_the_session_id_is_stored(app, services, tokens):
    client, _ = sign_in(app, tokens["inspector"])
    session_id = client.get_cookie("jejak_console", path="/console").value
    engine, table = sessions_table(services)
    with engine.connect() as conn:
        stored = [r.id_hash for r in conn.execute(sa.select(table))]
    import hashlib
    assert session_id not in stored and hashlib.sha256(session_id.encode()).hexdigest() in stored


def test_sign_in_without_the_form_token_or_with_a_wrong_one_is_refused(app, tokens):
    client = app.test_client()
    pre_token(client)
    for data in ({"token": tokens["auditor"]}, {"token": tokens["auditor"], "csrf_token": "forged"}):
        resp = client.post("/console/masuk", data=data)
        assert resp.status_code == 403 and 'data-field="csrf_token"' in resp.get_data(as_text=True)
        assert client.get_cookie("jejak_console", path="/console") is None


def test_sign_out_without_the_csrf_token_or_with_another_sessions_is_refused_and_changes_nothing(app, tokens):
    client, _ = sign_in(app, tokens["auditor"])
    other, _ = sign_in(app, tokens["auditor"])
    for data in ({}, {"csrf_token": "x" * 64}, {"csrf_token": csrf(other)}):
        resp = client.post("/console/keluar", data=data)
        assert resp.status_code == 403 and 'data-field="csrf_token"' in resp.get_data(as_text=True)
        assert client.get("/console/pegawai").status_code == 200  # still signed in


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, tokens):
    client, _ = sign_in(app, tokens["auditor"])
    stolen = client.get_cookie("jejak_console", path="/console").value
    resp = client.post("/console/keluar", data={"csrf_token": csrf(client)})
    assert resp.status_code == 303 and resp.headers["Location"] == "/console/masuk"
    thief = app.test_client()
    thief.set_cookie("jejak_console", stolen, path="/console")
    assert thief.get("/console/pegawai").status_code == 303


def test_an_idle_session_and_a_too_old_session_go_back_to_sign_in(app, services, tokens):
    store = app.extensions["jejak_console_sessions"]
    engine, table = sessions_table(services)
    for column, age in (("last_seen_at", store.idle + 5), ("created_at", store.absolute + 5)):
        client, _ = sign_in(app, tokens["inspector"])
        assert client.get("/console/pegawai").status_code == 200
        with engine.begin() as conn:
            conn.execute(table.update().values({column: time.time() - age}))
        resp = client.get(f"/console/pegawai?q={NIP}")
        assert resp.status_code == 303
        assert resp.headers["Location"].startswith("/console/masuk?next=/console/pegawai%3Fq%3D")
        assert client.post("/console/keluar", data={"csrf_token": "whatever"}).status_code == 403


def test_a_revoked_key_ends_its_sessions(app, services, tokens):
    token = services.keys.create("auditor-gone", "auditor")
    client, _ = sign_in(app, token)
    assert client.get("/console/pegawai").status_code == 200
    services.keys.revoke("auditor-gone")
    assert client.get("/console/pegawai").status_code == 303


def test_after_sign_in_the_console_returns_only_to_its_own_pages(app, tokens):
    for target, expected in (("/console/pegawai?q=Pegawai", "/console/pegawai?q=Pegawai"),
                             ("//evil.example/console/", "/console/pegawai"),
                             ("https://evil.example/", "/console/pegawai"),
                             ("/console//evil.example", "/console/pegawai")):
        client = app.test_client()
        resp = client.post("/console/masuk", data={"csrf_token": pre_token(client), "token": tokens["auditor"],
                                                   "next": target})
        assert resp.headers["Location"] == expected, target


def test_behind_a_trusted_proxy_the_cookie_is_secure_when_the_proxy_says_https(database_url, monkeypatch):
    """nginx terminates TLS and says so in X-Forwarded-Proto; trusted like its X-Forwarded-For, or the
    session cookie would travel without Secure on a deployment that only ever speaks HTTPS."""
    from api import create_app

    monkeypatch.setenv("JEJAK_TRUSTED_PROXIES", "1")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    try:
        token = app.extensions["jejak"].keys.create("auditor-proxied", "auditor")
        client = app.test_client()
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"}
        page = client.get("/console/masuk", headers=proxied).get_data(as_text=True)
        import re
        pre = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        resp = client.post("/console/masuk", data={"csrf_token": pre, "token": token}, headers=proxied)
        cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("jejak_console="))
        assert "Secure" in cookie, cookie
    finally:
        app.extensions["jejak"].close()


def test_a_request_before_the_idle_timeout_keeps_the_session_alive(app, services, tokens):
    store = app.extensions["jejak_console_sessions"]
    engine, table = sessions_table(services)
    client, _ = sign_in(app, tokens["auditor"])
    key = __import__("hashlib").sha256(client.get_cookie("jejak_console", path="/console").value.encode()).hexdigest()
    almost = time.time() - store.idle + 30
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.id_hash == key).values(last_seen_at=almost))
    assert client.get("/console/pegawai").status_code == 200
    with engine.connect() as conn:
        seen = conn.execute(sa.select(table.c.last_seen_at).where(table.c.id_hash == key)).scalar()
    assert seen > almost + 25  # touched: the idle clock starts again
