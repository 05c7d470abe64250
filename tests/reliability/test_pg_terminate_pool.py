"""Each use of the ledger's own PostgreSQL pool, made first after PostgreSQL ended every connection.

The pool does not ping a connection before handing it out (`POSTGRES_PRE_PING` "n"), so whatever takes
a connection first after a restart gets one the server has ended: each such use must retry on a new one.
A read made before it would drain the ended connections and hide a use that does not, so each use here
is the first after its own termination.
"""

from __future__ import annotations

import uuid

import pytest

from ledger.application import Ledger
from ledger.storage import access_log
from test_pg_terminate import terminate_all  # noqa: E402

USES = {
    "query": lambda led: led.recorder.query("SELECT COUNT(*) FROM jejak_leaves"),
    "select_notifications": lambda led: led.recorder.select_notifications(1, 10),
    "max_notification_id": lambda led: led.recorder.max_notification_id(),
    "head": lambda led: led.head(),
    "access_log.append": lambda led: access_log.append(
        led.recorder, [access_log.entry("auditor-1", "auditor", "198503122010011002", ["data.nik"], "/t")]),
}


@pytest.mark.parametrize("use", sorted(USES))
def test_a_use_of_the_pool_first_after_every_connection_ended_succeeds(pg_database, use):
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    ledger = Ledger(pg_database)
    try:
        ledger.recorder.query("SELECT 1")  # the pool is open, its connections idle
        assert terminate_all(pg_database) >= 1
        USES[use](ledger)
        assert terminate_all(pg_database) >= 1
        USES[use](ledger)  # and again, on a pool that refilled once
    finally:
        ledger.close()
