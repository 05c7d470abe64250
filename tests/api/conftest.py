"""API fixtures: one app per backend and module, keys for every role, and a small world; and a real
`jejak serve` process (gunicorn) on 127.0.0.1 and a free port, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests

from api_bodies import ROLES, auth, world
from server_process import terminate


def _reset_pg(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api_url(request, tmp_path_factory):
    """An empty database for one test module: a new SQLite file or an emptied PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('api') / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    _reset_pg(url)
    return url


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


ROOT = Path(__file__).resolve().parents[2]
JEJAK = str(Path(sys.executable).parent / "jejak")  # the installed command line, as operators run it


@dataclass
class LiveServer:
    url: str
    database_url: str
    tokens: dict[str, str]
    log: Path

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live_server(request, tmp_path_factory):
    """`jejak serve` with 2 workers x 8 threads; keys for every role made with `jejak keys create`."""
    tmp = tmp_path_factory.mktemp("live")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'jejak.db'}"
    else:
        db_url = request.getfixturevalue("pg_database")
        _reset_pg(db_url)
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
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jejak serve exited with {proc.returncode}:\n{(tmp / 'server.log').read_text()}")
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not up yet, or too slow to answer on a busy machine
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jejak serve did not answer in 60 s:\n{(tmp / 'server.log').read_text()}")
            time.sleep(0.1)
        yield LiveServer(base, db_url, tokens, tmp / "server.log")
    finally:
        if proc.poll() is not None:
            print(f"jejak serve died with {proc.returncode}:\n{(tmp / 'server.log').read_text()[-5000:]}")
        terminate(proc)
        log.close()
