"""Console sessions: a random id in an HttpOnly cookie, only its SHA-256 kept server-side, with idle
and absolute timeouts; the CSRF token is derived from the id, so it is tied to the session."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa

from api.db import make_engine

TOUCH_EVERY = 60.0  # seconds: a session's last-seen time is written at most this often (every write is a lock)
IDLE_MINUTES_DEFAULT = "30"
SESSION_HOURS_DEFAULT = "8"

metadata = sa.MetaData()
console_sessions = sa.Table(
    "console_sessions", metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("principal", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def csrf_token(session_id: str) -> str:
    """The synchronizer token of a session: knowing it proves nothing about the id it comes from."""
    return hmac.new(session_id.encode("utf-8"), b"jejak-console-csrf", hashlib.sha256).hexdigest()


def timeouts(config: Any) -> tuple[float, float]:
    """(idle, absolute) timeouts in seconds, from the app config or JEJAK_CONSOLE_* settings."""
    idle = float(config.get("CONSOLE_IDLE_MINUTES") or os.environ.get("JEJAK_CONSOLE_IDLE_MINUTES")
                 or IDLE_MINUTES_DEFAULT)
    hours = float(config.get("CONSOLE_SESSION_HOURS") or os.environ.get("JEJAK_CONSOLE_SESSION_HOURS")
                  or SESSION_HOURS_DEFAULT)
    if not idle > 0 or not hours > 0:
        raise RuntimeError("JEJAK_CONSOLE_IDLE_MINUTES / JEJAK_CONSOLE_SESSION_HOURS: expected positive numbers")
    return idle * 60, hours * 3600


@dataclass(frozen=True)
class Session:
    id: str
    principal: str
    role: str

    @property
    def csrf(self) -> str:
        return csrf_token(self.id)


class SessionStore:
    """The `console_sessions` table on the ledger's database; its engine is made in the serving process
    (after gunicorn's fork), never shared across one."""

    def __init__(self, url: str, idle: float, absolute: float, clock: Callable[[], float] = time.time) -> None:
        self.url, self.idle, self.absolute, self.clock = url, idle, absolute, clock
        self._engine: sa.Engine | None = None
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def engine(self) -> sa.Engine:
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                self._engine = make_engine(self.url)
                self._pid = os.getpid()
                metadata.create_all(self._engine, checkfirst=True)
            return self._engine

    def open(self, principal: str, role: str) -> Session:
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(console_sessions.delete().where(  # sweep: nobody's session outlives its timeouts
                sa.or_(console_sessions.c.last_seen_at < now - self.idle,
                       console_sessions.c.created_at < now - self.absolute)))
            conn.execute(console_sessions.insert().values(id_hash=_hash(session_id), principal=principal, role=role,
                                                          created_at=now, last_seen_at=now))
        return Session(session_id, principal, role)

    def resume(self, session_id: str | None, still_allowed: Callable[[str], str | None]) -> Session | None:
        """The live session of this id, touched; None when unknown, idle or too old, or its key was revoked
        (`still_allowed(principal)` answers the key's current role, or None)."""
        if not session_id or len(session_id) > 100:
            return None
        now, key = self.clock(), _hash(session_id)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(console_sessions).where(console_sessions.c.id_hash == key)).first()
            if row is None:
                return None
            role = still_allowed(row.principal)
            if (now - row.last_seen_at > self.idle or now - row.created_at > self.absolute or role != row.role):
                conn.execute(console_sessions.delete().where(console_sessions.c.id_hash == key))
                return None
            if now - row.last_seen_at >= min(TOUCH_EVERY, self.idle / 2):
                conn.execute(console_sessions.update().where(console_sessions.c.id_hash == key)
                             .values(last_seen_at=now))
        return Session(session_id, row.principal, row.role)

    def close(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(console_sessions.delete().where(console_sessions.c.id_hash == _hash(session_id)))

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
