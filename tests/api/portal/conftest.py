"""The attack suite's city: `jejak demo` (200 ASN, 2025 and 2026 up to 10 April 2026, seed 7) on each backend.

The demo publishes the releases due by its last day (R-2025 on 1 April 2026); attacks then record
what a patient citizen would watch for (a pengawas transferring out, a separation, an annulled
training) with the ledger's clock just after that day, and publish the next releases.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from types import SimpleNamespace

import pytest

import public_world
from server_process import JEJAK, free_port, own_pg_database, terminate, wait_for_health

DEMO_TODAY = "2026-04-10"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def demo_city(request, tmp_path_factory):
    """The portal app over a small deterministic demo city that has published its due releases.

    On PostgreSQL in a database of its own: the session's `pg_database` is emptied by every test that asks
    for an empty database, and a session fixture outlives the modules run between its users (with the
    modules scheduled whole, the city was gone before test_attacks_tickets read it)."""
    work = tmp_path_factory.mktemp("attack-city")
    with contextlib.ExitStack() as stack:
        url = (stack.enter_context(own_pg_database("jejak_attack_city")) if request.param == "postgres"
               else f"sqlite:///{work / 'jejak.db'}")
        public_world.load_demo(url, work, years=2, today=DEMO_TODAY)
        from api import create_app

        app = create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": work / "contact.key",
                          "PUBLIC_READ_RATE": "1000000/60"})
        yield SimpleNamespace(app=app, url=url, work=work)
        app.extensions["jejak"].close()


# --- the portal served for real (the browser tests; `browser` is in tests/api/conftest.py) ---


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`jejak serve` (two gunicorn workers) on a free port, over demo data (last year and this) plus the small world."""
    tmp = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{tmp / 'jejak.db'}"
    public_world.load_demo(url, tmp, years=2, releases=False)  # last year closed: an annual release too
    public_world.load(url)
    port = free_port()
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key"),
           "JEJAK_CONTACT_KEY": str(tmp / "contact.key"), "JEJAK_PUBLIC_READ_RATE": "100000/60"}
    published = subprocess.run([JEJAK, "releases", "publish"], env=env,
                               capture_output=True, text=True, cwd=tmp)  # this year's months, world included
    assert published.returncode == 0 and published.stdout, published.stderr
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([JEJAK, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, base, tmp / "server.log")
        yield {"base": base, "url": url, "contact_key": tmp / "contact.key"}
    finally:
        terminate(proc)
        log.close()


@pytest.fixture
def at(browser):
    """A page at a given viewport width; it fails the test on any console error but the ones it expects."""
    opened = []

    def open_at(width: int, expect_status: int | None = None):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        opened.append((context, errors, expect_status))
        return page

    yield open_at
    for context, errors, status in opened:
        context.close()
        assert [e for e in errors if not (status and f"status of {status}" in e)] == [], errors
