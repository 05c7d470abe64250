"""A write whose COMMIT reached PostgreSQL but whose answer never came back is recorded once, not twice.

A real TCP proxy stands between the ledger and PostgreSQL: it forwards everything, and when armed it
passes one COMMIT on, waits for the server's answer, and then closes the ledger's side without
forwarding it. The write did commit; the ledger only sees its connection die. It must answer with the
receipt of what was recorded, not write again and not fail.

PostgreSQL only: SQLite writes to a local file, with no connection whose answer can be lost.
"""

from __future__ import annotations

import select
import socket
import threading

import psycopg
import pytest


class CommitAckDropper:
    """A TCP proxy to PostgreSQL on 127.0.0.1:5432 that can swallow the answer to one COMMIT."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = threading.Event()
        self.dropped = 0
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", 5432))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([client, upstream], [], [], 30)
                if not ready:
                    continue
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client:
                        upstream.sendall(data)
                        if self.armed.is_set() and b"COMMIT" in data:
                            self.armed.clear()
                            upstream.recv(65536)  # the server's answer: committed
                            self.dropped += 1
                            return  # ...which the ledger never gets
                    else:
                        client.sendall(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()

    def close(self) -> None:
        self.stopping = True
        self.listener.close()


@pytest.fixture
def proxied(pg_database):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    proxy = CommitAckDropper()
    yield proxy, pg_database.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    proxy.close()


def stored_event_ids(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT event_id FROM jejak_leaves ORDER BY position")]


@pytest.mark.parametrize("key", ["k-1", None], ids=["with an idempotency key", "without one"])
def test_an_event_whose_commit_answer_was_lost_is_recorded_once_and_acknowledged(proxied, pg_database, key):
    from ledger.application import Ledger

    proxy, url = proxied
    assert "5432" not in url
    ledger = Ledger(url)
    try:
        ledger.record([{"type": "UnitRegistered", "subject": "BKPSDM", "data": {"name": "BKPSDM"}}], "clerk")
        proxy.armed.set()
        receipts, replayed = ledger.record(
            [{"type": "UnitRegistered", "subject": "DINKES", "data": {"name": "Dinas Kesehatan"}}], "clerk",
            idempotency_key=key)
    finally:
        ledger.close()
    assert proxy.dropped == 1, "the proxy swallowed no COMMIT answer: the test did not test anything"
    stored = stored_event_ids(pg_database)
    assert len(stored) == 2 and stored[1] == receipts[0]["event_id"]
    assert (receipts[0]["position"], receipts[0]["subject"], replayed) == (2, "DINKES", False)
