"""API fixtures: one app per backend and module, keys for every role, and a small world; a real
`jejak serve` process (gunicorn) on 127.0.0.1 and a free port, on SQLite and PostgreSQL; and Debian's
chromium (via Playwright) for the portal's and the console's browser tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from api_bodies import ROLES, auth, world
from server_process import JEJAK, ROOT, LiveServer, empty_database, free_port, terminate, wait_for_health

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api_url(request, tmp_path_factory):
    """An empty database for one test module: a new SQLite file or an emptied PostgreSQL schema."""
    return empty_database(request, tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def app(api_url):
    from api import create_app

    app = create_app({"DATABASE_URL": api_url, "TESTING": True})
    yield app
    app.extensions["jejak"].close()


@pytest.fixture(scope="module")
def services(app):
    return app.extensions["jejak"]


@pytest.fixture(scope="module")
def tokens(services):
    """A token per role, named after the role."""
    return {role: services.keys.create(f"{role}-1", role) for role in ROLES}


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def seeded(client, tokens):
    """The world posted as one batch by the admin; returns its receipts."""
    resp = client.post("/v1/events/batch", json={"events": world()}, headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    return resp.json["receipts"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live_server(request, tmp_path_factory):
    """`jejak serve` with 2 workers x 8 threads; keys for every role made with `jejak keys create`."""
    tmp = tmp_path_factory.mktemp("live")
    db_url = empty_database(request, tmp)
    env = {**os.environ, "JEJAK_DATABASE_URL": db_url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key")}
    from api.keys import KeyStore  # keys made in-process; the `jejak keys` CLI has its own e2e test

    store = KeyStore(db_url)
    try:
        tokens = {role: store.create(f"{role}-e2e", role) for role in ROLES}
    finally:
        store.close()
    cli = [JEJAK]
    port = free_port()
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                             "--threads", "8"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, base, tmp / "server.log")
        yield LiveServer(base, db_url, tokens, tmp / "server.log")
    finally:
        if proc.poll() is not None:
            print(f"jejak serve died with {proc.returncode}:\n{(tmp / 'server.log').read_text()[-5000:]}")
        terminate(proc)
        log.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, once per session (the portal's and the console's browser tests)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
