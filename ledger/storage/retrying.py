"""Connections the database ended (a restart, a failover, `pg_terminate_backend`): how to tell, and retrying.

A lost connection is retried on a fresh one. Reads are simply run again. A write is run again only when
it cannot have committed, or when the ledger can tell whether it did: a connection that dies while
COMMIT is on its way leaves the outcome unknown, and the caller then looks for its own rows (for events,
their event ids in jejak_leaves) before deciding to write again. A lock wait that timed out, or a pool with
no free connection, is *not* a lost connection: it is answered `503 database_busy` at once, as before.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")

ATTEMPTS = 8          # about 4 s of waiting in all: a pool refills in well under that after a termination
FIRST_WAIT = 0.05     # seconds; doubles up to MAX_WAIT, with jitter so that workers do not retry in step
MAX_WAIT = 1.0
# SQLSTATEs of a connection the server ended: class 08 (connection exception), admin_shutdown,
# crash_shutdown, cannot_connect_now (the server is starting or stopping).
ENDED = {"57P01", "57P02", "57P03"}
NOT_LOST = {"PoolTimeout", "TooManyRequests", "PoolClosed"}  # busy or closing: no retry here


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        stack += [e.__cause__, e.__context__, getattr(e, "orig", None)]
    return seen


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database connection was lost or refused.

    psycopg's errors are told apart by their SQLSTATE; a client-side OperationalError or InterfaceError
    (no SQLSTATE: "the connection is closed", "server closed the connection unexpectedly", "connection
    refused") is a lost connection too, except the pool's own timeouts.
    """
    for e in _chain(exc):
        if not type(e).__module__.startswith("psycopg"):
            continue
        names = {c.__name__ for c in type(e).__mro__}
        if names & NOT_LOST:
            return False
        state = getattr(e, "sqlstate", None)
        if state is None:
            if names & {"OperationalError", "InterfaceError"}:
                return True
        elif state.startswith("08") or state in ENDED:
            return True
    return False


def pause(attempt: int) -> None:
    time.sleep(min(MAX_WAIT, FIRST_WAIT * 2 ** attempt) * random.uniform(0.5, 1.0))


def retry_read(run: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """`run()`, again on a lost connection (at most `attempts` times in all): for reads only."""
    for attempt in range(attempts):
        try:
            return run()
        except Exception as exc:
            if attempt == attempts - 1 or not connection_lost(exc):
                raise
        pause(attempt)
    raise AssertionError("unreachable")


class Outcome:
    """What a write attempt knew when it failed: whether COMMIT had been sent (its outcome unknown)."""

    def __init__(self) -> None:
        self.committing = False
        self.unknown = False  # some earlier attempt may have committed


def retry_write(run: Callable[[Outcome], T], committed: Callable[[], T | None],
                integrity_errors: tuple[type[BaseException], ...] = (), *,
                on_conflict_after_unknown: bool = False, attempts: int = ATTEMPTS) -> T | None:
    """`run(outcome)`, again on a lost connection, never writing twice.

    `run` sets `outcome.committing` just before its transaction commits. When the connection is lost
    after that, the write may have committed: `committed()` then looks for it (its result, or None)
    before any new attempt, and again if a later attempt conflicts with rows that are already there
    (an `integrity_errors` error: the first attempt's commit landed after the look). With
    `on_conflict_after_unknown`, such a conflict by itself means the write is done (rows keyed by what they
    say, which nobody else writes): the answer is then None.
    """
    unknown = False
    for attempt in range(attempts):
        outcome = Outcome()
        try:
            return run(outcome)
        except integrity_errors:
            if unknown:
                if on_conflict_after_unknown:
                    return None
                found = committed()
                if found is not None:
                    return found
            raise
        except Exception as exc:
            if attempt == attempts - 1 or not connection_lost(exc):
                raise
            if outcome.committing:
                unknown = True
                found = _look(committed)
                if found is not None:
                    return found
        pause(attempt)
    raise AssertionError("unreachable")


def _look(committed: Callable[[], Any]) -> Any:
    """`committed()` on a fresh connection, itself retried while the database is still away."""
    return retry_read(committed)
