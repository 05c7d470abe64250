"""API keys: random bearer tokens stored only as SHA-256 hashes, revocable at once."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from api.db import make_engine
from ledger.storage.retrying import retry_read

ROLES = ("recorder", "inspector", "auditor", "admin", "feedback_officer")  # feedback_officer: the desk only
NAME_PATTERN = r"[a-z0-9][a-z0-9._-]{0,63}"
# Principals Jejak records under itself: a key by one of these names would make its events look
# exactly like the portal's submissions or an import. `jejak` and `jejak-*` are kept for more.
PORTAL_PRINCIPAL = "public-portal"
RESERVED_PRINCIPALS = frozenset({PORTAL_PRINCIPAL, "jejak-import"})
RESERVED_PREFIX = "jejak"


def is_reserved(name: str) -> bool:
    """Whether a principal name belongs to Jejak itself."""
    return name in RESERVED_PRINCIPALS or name == RESERVED_PREFIX or name.startswith(RESERVED_PREFIX + "-")

metadata = sa.MetaData()
api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32), nullable=True),
)


class KeyProblem(ValueError):
    """A key command that cannot be done (bad name or role, duplicate, unknown)."""


@dataclass(frozen=True)
class Principal:
    name: str
    role: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Every request starts with this lookup: the statement is built once (its parts cost more than the
# indexed read itself on SQLite), the token's hash bound per call.
LIVE_KEY = sa.select(api_keys.c.name, api_keys.c.role, api_keys.c.token_hash).where(
    api_keys.c.token_hash == sa.bindparam("wanted"), api_keys.c.revoked_at.is_(None))


class KeyStore:
    """The `api_keys` table in the ledger's own database; looked up on every request, never cached."""

    def __init__(self, url: str, engine: sa.Engine | None = None) -> None:
        """With `engine`, the keys share it (a server worker's one read-model engine) and leave it open on close."""
        self.owned = engine is None
        self.engine = make_engine(url) if engine is None else engine
        metadata.create_all(self.engine, checkfirst=True)

    def close(self) -> None:
        if self.owned:
            self.engine.dispose()

    def create(self, name: str, role: str) -> str:
        """Create a key and return its token: the only time the token exists in clear."""
        if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
            raise KeyProblem(f"--name: {name!r} must be lower-case letters, digits, . _ - (at most 64)")
        if is_reserved(name):
            raise KeyProblem(f"--name: {name!r} is reserved for Jejak's own principals (public-portal, jejak-import, "
                             "jejak-*): events under it would pass for the system's; choose another name")
        if role not in ROLES:
            raise KeyProblem(f"--role: {role!r} is not one of {', '.join(ROLES)}")
        token = "jjk_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(api_keys.c.name).where(api_keys.c.name == name)).first()
            if exists:
                raise KeyProblem(f"--name: a key named {name!r} already exists; choose another name")
            conn.execute(api_keys.insert().values(name=name, role=role, token_hash=token_hash(token),
                                                  created_at=_now(), revoked_at=None))
        return token

    def list(self) -> list[dict[str, str | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(api_keys.c.name, api_keys.c.role, api_keys.c.created_at,
                                          api_keys.c.revoked_at).order_by(api_keys.c.name)).all()
        return [dict(r._mapping) for r in rows]

    def revoke(self, name: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(api_keys.update().where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
                                .values(revoked_at=_now()))
        if done.rowcount != 1:
            raise KeyProblem(f"NAME: no active key named {name!r}; see `jejak keys list`")

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a live token, or None; the stored hash is compared in constant time."""
        wanted = token_hash(token)

        def look() -> Any:
            with self.engine.connect() as conn:
                return conn.execute(LIVE_KEY, {"wanted": wanted}).first()

        row = retry_read(look)  # every request starts here: the first to meet a restarted database retries
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        if row.name in RESERVED_PRINCIPALS:  # stored before the reservation: an impostor of the system
            return None
        return Principal(row.name, row.role)
