"""Who read whom: the access log, append-only and hash-chained on the same terms as the ledger.

One row per subject whose personal data a response (or a command) carried: who (principal and
role), whose (subject), which field paths, through which route, when, under which request id.
Rows are refused UPDATE and DELETE by the same triggers as the events (`recorders.APPEND_ONLY`),
and each row's hash chains it to the one before (`ledger.integrity.access_chain`).

Chaining needs the previous row's hash, so appends take turns: on PostgreSQL under a
transaction-scoped advisory lock of their own (not the event writers' lock: reads never wait for
writes), on SQLite under `BEGIN IMMEDIATE`. The turn lasts one indexed read and one insert.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any, Sequence

from ledger.integrity import utc_text
from ledger.integrity.access_chain import GENESIS, row_hash
from ledger.storage.cursor import Cursor
from ledger.storage.retrying import Outcome, retry_write

READ_COLUMNS = ("id", "at", "principal", "role", "subject", "fields", "route", "request_id")


def entry(principal: str, role: str, subject: str, fields: Sequence[str], route: str,
          request_id: str | None = None) -> dict[str, Any]:
    """One read to log; `fields` are the paths of the personal values the reader received."""
    return {"principal": principal, "role": role, "subject": subject, "fields": sorted(set(fields)),
            "route": route, "request_id": request_id or uuid.uuid4().hex}


def append(recorder: Any, entries: Sequence[dict[str, Any]], at: datetime | None = None) -> None:
    """Append the entries, chained, in one committed transaction: durable when this returns."""
    if not entries:
        return
    moment = utc_text(at or datetime.now(timezone.utc))
    if recorder.postgres:
        store = recorder.datastore

        def attempt(outcome: Outcome) -> None:
            with store.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                # SET LOCAL lock_timeout and the lock in one round trip
                curs.execute("SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(hashtext(%s))",
                             (f"{store.lock_timeout}s", f"jejak-access-log:{store.schema}"))
                _chain(Cursor(curs, postgres=True), entries, moment)
                outcome.committing = True

        def committed() -> bool | None:  # the rows went in one transaction: the first is there, or none is
            first = entries[0]
            return bool(recorder.query("SELECT 1 FROM jejak_access_log WHERE request_id = ? AND subject = ?"
                                       " AND at = ?", (first["request_id"], first["subject"], moment))) or None

        # The pool does not ping (ledger.config): the first append after a restart meets an ended connection.
        retry_write(attempt, committed)
        return
    with recorder.datastore.get_connection(commit=True) as conn:
        curs = conn.cursor()
        curs.execute("BEGIN IMMEDIATE")  # take the write lock before reading the head
        try:
            _chain(Cursor(curs, postgres=False), entries, moment)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


def _chain(cur: Cursor, entries: Sequence[dict[str, Any]], at: str) -> None:
    head = cur.execute("SELECT id, row_hash FROM jejak_access_log ORDER BY id DESC LIMIT 1").fetchone()
    last, prev = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    rows = []
    for e in entries:
        last += 1
        row = {"id": last, "at": at, **{k: e[k] for k in READ_COLUMNS[2:]}}
        digest = row_hash(prev, row)
        rows.append((last, at, e["principal"], e["role"], e["subject"], json.dumps(row["fields"], ensure_ascii=False),
                     e["route"], e["request_id"], prev, digest))
        prev = digest
    cur.executemany("INSERT INTO jejak_access_log (id, at, principal, role, subject, fields, route, request_id,"
                    " prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def read(recorder: Any, *, subject: str | None = None, principal: str | None = None, since: str | None = None,
         after_id: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Rows oldest first, filtered; `since` is a UTC timestamp text (rows strictly after it)."""
    where, params = ["id > ?"], [after_id]
    for column, value in (("subject", subject), ("principal", principal)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("at > ?")
        params.append(since)
    rows = recorder.query(f"SELECT {', '.join(READ_COLUMNS)} FROM jejak_access_log WHERE {' AND '.join(where)}"
                          " ORDER BY id LIMIT ?", [*params, limit])
    return [{**dict(zip(READ_COLUMNS, r)), "id": int(r[0]), "fields": json.loads(r[5])} for r in rows]
