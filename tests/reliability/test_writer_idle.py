"""A starved writer is not ended in the middle of its transaction.

PostgreSQL ends a session idle in its transaction for longer than `idle_in_transaction_session_timeout`
(the `eventsourcing` library sets 5 s on every pooled connection). The bulk path writes 5,000 events in
one transaction; hashing their leaves under the write lock took over 5 s on a machine at load 10, and the
growth build died there (`IdleInTransactionSessionTimeout`), losing the batch. The leaves' position-free
work (stream id, event id, canonical bytes) is now done before the transaction. The attack: a writer whose
per-event work is slow (1 ms an event, as a starved CPU makes it) and a 1 s timeout.
"""

from __future__ import annotations

import time

import pytest

from ledger import integrity
from ledger.application import Ledger
from ledger.bulk import Posting
from ledger.integrity.verify import verify

EVENTS = 1500  # at 1 ms each: 1.5 s of work, over the 1 s timeout if done inside the transaction


def _bodies(n: int) -> list[dict]:
    return [{"type": "UnitRegistered", "subject": f"OPD-IDLE-{i:05d}", "data": {"name": f"Dinas Uji {i}"}}
            for i in range(n)]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_slow_bulk_writer_is_not_ended_idle_in_its_transaction(database_url, monkeypatch):
    slow = integrity.stored_event_id

    def starved(state):
        time.sleep(0.001)
        return slow(state)

    monkeypatch.setattr(integrity, "stored_event_id", starved)
    ledger = Ledger(database_url, env={"POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "1"})
    try:
        bodies = _bodies(EVENTS)
        ledger.record_bulk([Posting(bodies[:500], "clerk", batch=True), Posting(bodies[500:], "clerk", batch=True)])
        assert ledger.head() == EVENTS
        assert verify(ledger.recorder, []).problems == []  # the leaves and nodes written from the prepared parts hold
    finally:
        ledger.close()
