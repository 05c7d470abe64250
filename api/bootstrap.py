"""The one place that wires the ledger, the read models and the key store for a process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from api import reads
from api.keys import KeyStore
from ledger.application import Ledger
from ledger.errors import NotFound
from ledger.integrity.checkpoints import Checkpointer, checkpointer_from_env
from ledger.storage.retrying import connection_lost
from ledger.config import database_url
from projections.runner import Projections


log = logging.getLogger("jejak.api")


class Catcher:
    """One background thread per process that catches the read models up once writes pause.

    A round holds each read model's write transaction while it works, which stalls writers
    (SQLite has one writer), so rounds wait for `quiet` seconds without writes, or at most
    `patience` seconds under a steady stream; reads never wait for it: they catch up themselves.
    """

    def __init__(self, catch_up: Any, quiet: float = 0.5, patience: float = 10.0) -> None:
        self.catch_up, self.quiet, self.patience = catch_up, quiet, patience
        self.wanted = threading.Event()
        self.stopping = False
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def poke(self) -> None:
        with self.lock:
            if self.thread is None:  # started lazily: after gunicorn's fork, in the worker itself
                self.thread = threading.Thread(target=self._run, name="jejak-catch-up", daemon=True)
                self.thread.start()
        self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            first = time.monotonic()
            while not self.stopping:  # let a burst of writes finish first
                self.wanted.clear()
                if not self.wanted.wait(self.quiet) or time.monotonic() - first >= self.patience:
                    break
            if self.stopping:
                return
            self.wanted.clear()
            try:
                self.catch_up()
            except Exception as exc:  # noqa: BLE001 - the next poke or read retries; never kill the thread
                if connection_lost(exc):  # a restart or failover: expected, and retried; no traceback
                    log.warning("background projection catch-up lost its database connection; it is retried")
                    self.wanted.set()
                else:
                    log.exception("background projection catch-up failed; reads will catch up themselves")

    def stop(self) -> None:
        self.stopping = True
        self.wanted.set()
        if self.thread is not None:
            self.thread.join(timeout=30)


@dataclass
class Services:
    """Built once per process and shared by all its threads; never per request."""

    url: str
    ledger: Ledger
    projections: Projections
    keys: KeyStore
    checkpointer: Checkpointer | None = None
    replica: reads.Replica | None = None  # JEJAK_READ_DATABASE_URL: where reads go (api/reads.py)
    catcher: Any = field(default=None, repr=False)
    lock: Any = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.catcher = Catcher(self.catch_up)

    def catch_up(self) -> None:
        """One catch-up at a time per process: the runner's stream cache is not shared across threads."""
        with self.lock:
            self.projections.catch_up(self.ledger)

    def after_write(self, head: int | None = None) -> None:
        """Wake the background catch-up (writes stay fast); `read_models()` guarantees freshness. `head`, the
        last position the write recorded, spares the checkpointer reading the ledger's head for its count."""
        self.catcher.poke()
        if self.checkpointer is not None:
            self.checkpointer.maybe_issue(head)  # every N events or M seconds (ledger/integrity/checkpoints.py)

    def read_models(self) -> Any:
        """The read models' engine: the replica's as it stands (or as far as the client's position), otherwise
        the primary's caught up to the ledger head as of now, so readers see their own writes."""
        return reads.routed("read_models", self._choose_read_models)

    def _choose_read_models(self) -> tuple[str, Any]:
        position = reads.wanted_position()
        if self.replica is not None and self.replica.usable():
            if position is None:
                self.catcher.poke()  # the primary's read models move on, and the replica with them
                return "replica", self.replica.engine
            self.catch_up()  # the replica can only replay what the primary has applied
            applied = lambda: reads.read_models_position(self.replica.engine)  # noqa: E731
            if not reads.behind() and reads.reaches(self.replica, applied, position):
                return "replica", self.replica.engine
        if position is not None:
            reads.check_known(self.ledger.head(), position)
        self.catch_up()
        return "primary", self.projections.engine

    def primary_read_models(self) -> Any:
        """The primary's read models, caught up to the ledger head: for the console, which reads the primary's
        events beside them (docs/DEPLOY.md "Reads on a replica")."""
        self.catch_up()
        return self.projections.engine

    def reader(self) -> Any:
        """The ledger to read events from for this request: the replica's, unless the client's position is not
        there within the wait (then the primary's, the only writer)."""
        return reads.routed("events", self._choose_reader)

    def from_ledger(self, read: Any) -> Any:
        """`read(ledger)` on this request's reader; a subject or event the replica does not know (yet) is asked of
        the primary before it is called missing, so a lagging replica never answers 404 for what exists, and a
        failing replica's read is made on the primary."""
        reader = self.reader()
        try:
            return read(reader)
        except Exception as exc:
            if reader is self.ledger or not (isinstance(exc, NotFound) or self.replica.failed(exc)):
                raise
            reads.note_primary("events", self.ledger)
            return read(self.ledger)

    def from_read_models(self, read: Any) -> Any:
        """`read(engine)` on this request's read models; a failing replica's read is made on the primary."""
        engine = self.read_models()
        try:
            return read(engine)
        except Exception as exc:
            if engine is self.projections.engine or not self.replica.failed(exc):
                raise
            self.catch_up()
            reads.note_primary("read_models", self.projections.engine)
            return read(self.projections.engine)

    def _choose_reader(self) -> tuple[str, Any]:
        position = reads.wanted_position()
        if self.replica is not None and self.replica.usable() and (position is None or (
                not reads.behind() and reads.reaches(self.replica, self.replica.ledger.head, position))):
            return "replica", self.replica.ledger
        if position is not None:
            reads.check_known(self.ledger.head(), position)
        return "primary", self.ledger

    def close(self) -> None:
        self.catcher.stop()
        self.projections.close()
        self.keys.close()
        if self.replica is not None:
            self.replica.close()
        self.ledger.close()


def build_services(url: str | None = None) -> Services:
    url = database_url(url)
    ledger = Ledger(url)
    # One pool for the events (the ledger's) and one engine for everything else (read models and keys) per
    # process: the connection budget in docs/DEPLOY.md counts on it.
    projections = Projections(url)
    return Services(url=url, ledger=ledger, projections=projections, keys=KeyStore(url, projections.engine),
                    checkpointer=checkpointer_from_env(ledger.recorder, url),
                    replica=reads.open_replica(reads.read_url()))


def services() -> Any:
    return current_app.extensions["jejak"]
