"""Where a request's reads go: a streaming replica (`JEJAK_READ_DATABASE_URL`) or the primary, and read-your-writes.

A client that sends `Jejak-Min-Position: <position from its receipt>` reads at least that position: the replica
is polled (its events' head, or its read models' tracking positions) for at most `JEJAK_READ_WAIT_MS`, and the
read goes to the primary when the replica is not there yet. Each response says where it was read
(`Jejak-Read-From: replica|primary`). Physical replication copies the read models too: the follow workers and
catch-ups write them on the primary, and the replica holds them at the same position as its events.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy
from flask import Flask, g, has_request_context, request

from api.errors import ApiError
from ledger.config import ConfigurationError, is_postgres, whole_number
from ledger.errors import NotFound

log = logging.getLogger("jejak.api")
HEADER = "Jejak-Min-Position"
WAIT_MS_DEFAULT = 200
POLL_SECONDS = 0.005
RESTING_SECONDS = 5.0  # after a replica's failure, reads go to the primary this long before it is tried again


def read_url() -> str | None:
    """JEJAK_READ_DATABASE_URL: a PostgreSQL replica of JEJAK_DATABASE_URL, or None (every read on the primary)."""
    url = os.environ.get("JEJAK_READ_DATABASE_URL", "").strip()
    if url and not is_postgres(url):
        raise ConfigurationError(f"JEJAK_READ_DATABASE_URL={url!r}: expected postgresql://... (a streaming replica "
                                 "of the PostgreSQL in JEJAK_DATABASE_URL)")
    return url or None


def wait_seconds() -> float:
    text = os.environ.get("JEJAK_READ_WAIT_MS", "").strip() or str(WAIT_MS_DEFAULT)
    try:
        return whole_number(text, 0, 10_000) / 1000
    except ValueError as exc:
        raise ConfigurationError(f"JEJAK_READ_WAIT_MS={text!r}: {exc}") from None


@dataclass
class Replica:
    """The replica's ledger (reads only, creates nothing) and read models' engine, opened once per process."""

    url: str
    ledger: Any
    engine: sqlalchemy.Engine
    wait: float
    failed_at: float = float("-inf")

    def usable(self) -> bool:
        return time.monotonic() - self.failed_at >= RESTING_SECONDS

    def failed(self, exc: BaseException) -> bool:
        """Whether `exc` is the replica's database failing (down, restarting, a query cancelled by replay);
        if so the replica rests and the caller reads the primary instead."""
        from ledger.storage.retrying import connection_lost
        from projections.engine import TRANSIENT

        if isinstance(exc, TRANSIENT) or connection_lost(exc) or type(exc).__module__.startswith("psycopg"):
            self.failed_at = time.monotonic()
            log.warning("the read replica failed (%s); reads go to the primary for %.0f s",
                        type(exc).__name__, RESTING_SECONDS)
            return True
        return False

    def close(self) -> None:
        self.engine.dispose()
        self.ledger.close()


def open_replica(url: str | None) -> Replica | None:
    if url is None:
        return None
    from ledger.application import open_reader
    from projections.engine import make_engine

    return Replica(url, open_reader(url), make_engine(url), wait_seconds())


def wanted_position() -> int | None:
    """The position the client must read (its receipt's), from the `Jejak-Min-Position` header, or None."""
    if not has_request_context():
        return None
    text = request.headers.get(HEADER)
    if text is None:
        return None
    try:
        return whole_number(text, 1, 2**63 - 1)
    except ValueError as exc:
        raise ApiError("validation_failed", f"{HEADER}: {exc} (the position of a receipt)", field=HEADER) from None


def reaches(replica: Replica, probe: Callable[[], int], position: int) -> bool:
    """Whether `probe()` reaches `position` within the replica's wait (polled; it replays in commit order)."""
    deadline = time.monotonic() + replica.wait
    while True:
        try:
            if probe() >= position:
                return True
        except Exception as exc:
            if replica.failed(exc):
                return False
            raise
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


def read_models_position(engine: sqlalchemy.Engine) -> int:
    """The position every read model on `engine` has applied (the lowest tracking position)."""
    from projections.tables import tracking

    with engine.connect() as conn:
        return conn.execute(sqlalchemy.select(sqlalchemy.func.min(tracking.c.position))).scalar() or 0


def routed(what: str, choose: Callable[[], tuple[str, Any]]) -> Any:
    """One choice per request and kind of read (`events` or `read_models`), remembered for the response header."""
    if not has_request_context():
        return choose()[1]
    chosen = g.setdefault("jejak_reads", {})
    if what not in chosen:
        chosen[what] = choose()
    return chosen[what][1]


def behind() -> bool:
    """Whether this request already found the replica short of its position (then the next read waits no more)."""
    return has_request_context() and any(place == "primary" for place, _ in g.get("jejak_reads", {}).values())


def check_known(head: int, position: int) -> None:
    if head < position:
        raise NotFound(f"{HEADER}: no event at position {position}; the ledger has {head}", field=HEADER)


def _say_where(response: Any) -> Any:
    chosen = g.get("jejak_reads")
    if chosen:
        places = {place for place, _ in chosen.values()}
        response.headers["Jejak-Read-From"] = "primary" if "primary" in places else "replica"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_say_where)


def note_primary(what: str, ledger: Any) -> None:
    """Record that this request read `what` on the primary after all (a proof past the replica's tree)."""
    if has_request_context():
        g.setdefault("jejak_reads", {})[what] = ("primary", ledger)


def read_model_positions(engine: sqlalchemy.Engine) -> dict[str, int]:
    """Each read model's tracking position on `engine` (the replica's or the primary's)."""
    from projections.tables import tracking

    with engine.connect() as conn:
        return {n: p for n, p in conn.execute(sqlalchemy.select(tracking.c.name, tracking.c.position))}


def tried(engine: sqlalchemy.Engine) -> sqlalchemy.Engine:
    """`engine`, after one small read on it (a down replica fails here, where the primary can take over)."""
    read_model_positions(engine)
    return engine
