"""The console's browser tests' `jejak serve` (one per backend and session) and their page; `browser` is in
tests/api/conftest.py."""

from __future__ import annotations

import os
import subprocess

import pytest

from console_pages import EVENTS, ROLES
from server_process import JEJAK, free_port, own_pg_database, terminate, wait_for_health


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    """`jejak serve` over one employee with a 1,000-event career (the ledger's batch record), keys per role.

    One per backend for the session, shared by test_console_browser.py and test_console_proof_badge.py (each
    module had its own: two builds and two servers for the same pages). The insider's edit is the last test
    of test_console_proof_badge.py, and pytest runs a session parameter's tests module after module, so it
    still comes after every other test on its server. On PostgreSQL the server has a database of its own:
    other tests empty the session's `public` schema while it serves."""
    if request.param == "sqlite":
        tmp = tmp_path_factory.mktemp("console")
        yield from _serve(f"sqlite:///{tmp / 'jejak.db'}", tmp, request.param)
        return
    with own_pg_database("jejak_test_console") as url:
        yield from _serve(url, tmp_path_factory.mktemp("console"), request.param)


def _serve(url: str, tmp, backend: str):
    from api.keys import KeyStore
    from bench.console import build
    from ledger.integrity.checkpoints import create_key_file, load_key_file, public_pem

    key = tmp / "signing.key"
    create_key_file(key)
    nip = build(url, EVENTS)
    store = KeyStore(url)
    try:
        tokens = {role: store.create(f"{role}-web", role) for role in ROLES}
    finally:
        store.close()
    port = free_port()
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(key),
           "JEJAK_CONTACT_KEY": str(tmp / "contact.key")}
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([JEJAK, "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, base, tmp / "server.log")
        yield {"base": base, "url": url, "tokens": tokens, "nip": nip, "backend": backend,
               "pem": public_pem(load_key_file(key).public_key())}
    finally:
        terminate(proc)
        log.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []  # CSP violations, a missing script or stylesheet, any failed load
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    yield page
    context.close()
    assert [e for e in errors if "status of 4" not in e] == [], errors  # refusals answer 4xx on purpose
