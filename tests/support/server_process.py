"""A real `jejak serve` (gunicorn) for the fuzz, hostile-input, load and crash scenarios, with its log file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import psycopg
import pytest
import requests

PG_ADMIN = os.environ.get("JEJAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
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


@dataclass
class LiveServer:
    """A served Jejak with a token per role (the API's and the observability tests' `live_server`)."""
    url: str
    database_url: str
    tokens: dict[str, str]
    log: Path

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}


def terminate(proc: subprocess.Popen) -> None:
    """Stop a server process: politely, then for good after 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(proc: subprocess.Popen, base: str, log: Path, wait: float = 60,
                    on_timeout: Callable[[], None] | None = None) -> None:
    """Return once `base`/healthz answers 200; fail the test with the server's log when the process exits
    or has not answered in `wait` seconds (after `on_timeout`, which may stop it)."""
    deadline = time.monotonic() + wait
    while True:
        if proc.poll() is not None:
            pytest.fail(f"jejak serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not up yet, or too slow to answer on a busy machine
            pass
        if time.monotonic() > deadline:
            if on_timeout is not None:
                on_timeout()
            pytest.fail(f"jejak serve did not answer in {wait:.0f} s:\n{log.read_text()}")
        time.sleep(0.05)


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies, which an init may never reap, do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def empty_database(request: pytest.FixtureRequest, tmp: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@contextmanager
def own_pg_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database for one session fixture, dropped afterwards (the session's `pg_database` has
    its `public` schema emptied by every test that asks for an empty database)."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ServerProcess:
    """`jejak serve` in its own process group, so a test can SIGKILL the master and its workers at
    once (as a power cut would) and start it again on the same port and database.

    The log file is appended to across restarts; `token` is an admin's, created once.
    """

    def __init__(self, db_url: str, tmp: Path, *, workers: int = 2, threads: int = 4, **env: str) -> None:
        from api.keys import KeyStore

        store = KeyStore(db_url)
        try:
            self.token = store.create("admin-live", "admin")
        finally:
            store.close()
        self.db_url, self.tmp, self.workers, self.threads = db_url, tmp, workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "server.log"
        self.log.write_text("")
        self.env = {**os.environ, "JEJAK_DATABASE_URL": db_url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key"),
                    **env}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def server(self) -> Server:
        return Server(self.url, self.db_url, self.token, self.log)

    def start(self, wait: float = 60) -> None:
        """Start it (again) and return once /healthz answers 200."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.log, "a") as log:
            log.write(f"--- start {self.starts + 1} ---\n")
            log.flush()
            self.proc = subprocess.Popen(
                [JEJAK, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
                 "--threads", str(self.threads)], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.starts += 1
        wait_for_health(self.proc, self.url, self.log, wait, on_timeout=self.kill)

    def kill(self) -> None:
        """SIGKILL the whole process group (the gunicorn master and every worker), no shutdown at all."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        # Workers are in the group too; wait until none of them is left holding the port or a lock.
        deadline = time.monotonic() + 20
        while group_alive(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the master), then SIGKILL of whatever is left of the group."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


@contextmanager
def serving(db_url: str, tmp: Path, **env: str) -> Iterator[Server]:
    """`jejak serve` with 2 workers x 4 threads on a free port; stopped (and its log kept) afterwards."""
    with running(db_url, tmp, **env) as process:
        yield process.server


@contextmanager
def running(db_url: str, tmp: Path, *, threads: int = 4, **env: str) -> Iterator[ServerProcess]:
    """Like `serving`, but yields the `ServerProcess` itself: a test may kill and restart it."""
    process = ServerProcess(db_url, tmp, threads=threads, **env)
    try:
        process.start()
        yield process
    finally:
        process.stop()
