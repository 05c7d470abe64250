"""A real `jejak serve` (gunicorn) for the fuzz and hostile-input scenarios, with its log file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
JEJAK = str(Path(sys.executable).parent / "jejak")


@dataclass
class Server:
    url: str
    database_url: str
    token: str  # an admin's
    log: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def head(self) -> int:
        resp = requests.get(f"{self.url}/v1/feed?after=0&limit=1", headers=self.headers, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()["head"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def empty_database(request: pytest.FixtureRequest, tmp: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@contextmanager
def serving(db_url: str, tmp: Path, **env: str) -> Iterator[Server]:
    """`jejak serve` with 2 workers x 4 threads on a free port; stopped (and its log kept) afterwards."""
    from api.keys import KeyStore

    store = KeyStore(db_url)
    try:
        token = store.create("admin-live", "admin")
    finally:
        store.close()
    port = free_port()
    log_path = tmp / "server.log"
    full_env = {**os.environ, "JEJAK_DATABASE_URL": db_url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key"), **env}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([JEJAK, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                                 "--threads", "4"], env=full_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"jejak serve exited with {proc.returncode}:\n{log_path.read_text()}")
                try:
                    if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"jejak serve did not answer in 60 s:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield Server(base, db_url, token, log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
