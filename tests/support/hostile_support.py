"""Helpers shared by the hostile-input scenarios: the app under test, held locks, bounded waits."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any, Iterator

import psycopg

from api_bodies import auth

LOCK_TIMEOUT = "1"  # seconds a writer waits for the ledger's lock before answering 503
LIVENESS = 60       # a request still unanswered after this long is a hang, not a slow answer


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def make_app(database_url: str, monkeypatch: Any, tmp_path: Any) -> Iterator[Any]:
    """The API on an empty database, with a signing key, and writers giving up on a held lock after 1 s."""
    from api import create_app
    from ledger.integrity.checkpoints import create_key_file

    monkeypatch.setenv("JEJAK_LOCK_TIMEOUT", LOCK_TIMEOUT)
    create_key_file(tmp_path / "signing.key")
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(tmp_path / "signing.key"))
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield app
    app.extensions["jejak"].close()


def admin_headers(app: Any) -> dict[str, str]:
    return auth(app.extensions["jejak"].keys.create("admin-1", "admin"))


def answered(fn: Any) -> Any:
    """Call `fn` in a thread and return its result; fail (instead of hanging CI) if it never answers."""
    out: dict[str, Any] = {}
    t = threading.Thread(target=lambda: out.setdefault("r", fn()), daemon=True)
    t.start()
    t.join(LIVENESS)
    assert not t.is_alive(), f"no answer within {LIVENESS} s: a held lock made the request hang"
    return out["r"]


class HeldLock:
    """Another connection holding the ledger's write lock, as a slow writer or a maintenance job would."""

    def __init__(self, services: Any, how: str) -> None:
        self.services, self.how = services, how
        url = services.url
        if how == "sqlite_immediate":
            from ledger.config import sqlite_path

            self.conn: Any = sqlite3.connect(sqlite_path(url), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn = psycopg.connect(url, autocommit=False)
            table = services.ledger.recorder.events_table_name
            if how == "pg_advisory":  # the lock every ledger writer queues on (ledger/recorders.py)
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"jejak-writer:public.{table}",))
            else:  # a table lock that lets readers in but no writer
                self.conn.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')

    def release(self) -> None:
        if self.how == "sqlite_immediate":
            self.conn.execute("ROLLBACK")
        else:
            self.conn.rollback()
        self.conn.close()


def lock_kinds(url: str) -> list[str]:
    return ["sqlite_immediate"] if backend(url) == "sqlite" else ["pg_advisory", "pg_table_exclusive"]


def refuse_inserts_as_busy(url: str, table: str) -> None:
    """PostgreSQL: every INSERT into `table` fails as if its lock could not be had (lock_not_available)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE FUNCTION busy_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                     " RAISE EXCEPTION USING ERRCODE = 'lock_not_available'; END $$")
        conn.execute(f"CREATE TRIGGER busy_{table} BEFORE INSERT ON {table}"
                     f" FOR EACH ROW EXECUTE FUNCTION busy_{table}()")
