"""The attack suite's city: `jejak demo` (200 ASN, 2025 and 2026 up to 10 April 2026, seed 7) on each backend.

The demo publishes the releases due by its last day (R-2025 on 1 April 2026); attacks then record
what a patient citizen would watch for (a pengawas transferring out, a separation, an annulled
training) with the ledger's clock just after that day, and publish the next releases.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
import requests

import public_world

DEMO_TODAY = "2026-04-10"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def demo_city(request, tmp_path_factory):
    """The portal app over a small deterministic demo city that has published its due releases."""
    work = tmp_path_factory.mktemp("attack-city")
    if request.param == "sqlite":
        url = f"sqlite:///{work / 'jejak.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    public_world.load_demo(url, work, years=2, today=DEMO_TODAY)
    from api import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": work / "contact.key",
                      "PUBLIC_READ_RATE": "1000000/60"})
    yield SimpleNamespace(app=app, url=url, work=work)
    app.extensions["jejak"].close()


# --- the portal served for real, and Debian's chromium (the browser tests) ---

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    published = subprocess.run([str(Path(sys.executable).parent / "jejak"), "releases", "publish"], env=env,
                               capture_output=True, text=True, cwd=tmp)  # this year's months, world included
    assert published.returncode == 0 and published.stdout, published.stderr
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jejak"), "serve", "--port", str(port),
                             "--workers", "2", "--threads", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if proc.poll() is not None:
                pytest.fail(f"jejak serve exited with {proc.returncode}: {(tmp / 'server.log').read_text()}")
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail(f"jejak serve did not answer: {(tmp / 'server.log').read_text()}")
        yield {"base": base, "url": url, "contact_key": tmp / "contact.key"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


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
