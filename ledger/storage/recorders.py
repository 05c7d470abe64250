"""The event store's recorders, extended inside the write transaction.

The `eventsourcing` core recorders store the events. In the same transaction
Jejak (1) gives events gapless positions (PostgreSQL's sequence leaves gaps
after a rollback, which would break `leaf index = position - 1`), (2) records
each event's leaf hash and the Merkle nodes it completes, and (3) claims the
idempotency key of the request. Either all of it commits or none of it does.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Sequence
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import SQL, Identifier, PostgresApplicationRecorder  # psycopg's, via the library
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger import integrity
from ledger.storage.retrying import Outcome, retry_read, retry_write

# Here, not imported from ledger.unit_names: storage stays below the domain modules.
UNIT_NAME_INSERT = ("INSERT INTO jejak_unit_names (normalised, code) SELECT ?, ? WHERE NOT EXISTS"
                    " (SELECT 1 FROM jejak_unit_names WHERE normalised = ? AND code = ?)")

from ledger.storage.append_only import APPEND_ONLY, PG_REFUSE_FUNCTION, pg_append_only, sqlite_append_only
from ledger.storage.cursor import Cursor  # noqa: E402 (re-exported: the access log and tests use it)
from ledger.storage.schema import LEDGER_TABLES  # noqa: E402 (re-exported: the migrations' baseline reads it)


_recent = threading.local()


def recent_leaves() -> dict[int, tuple[str, bytes]]:
    """{position: (event_id, leaf hash)} of this thread's last insert, committed or not: a writer
    reads it right after its own save returned, to answer with receipts without reading back."""
    return getattr(_recent, "leaves", {})


def after_insert(cur: Cursor, rows: list[tuple[int, StoredEvent]], idempotency: Any = None,
                 disclosures: Sequence[Any] = (), erasures: Sequence[Any] = (),
                 unit_names: Sequence[tuple[str, str]] = (),
                 prepared: Sequence[tuple[str, str | None, bytes]] | None = None,
                 unchanged: Sequence[tuple[str, int]] = ()) -> None:
    """Leaves, Merkle nodes, the idempotency claim, the personal data kept apart (disclosures
    sealed in, erased ones deleted with their tombstones) and unit names, in the events' own transaction;
    `prepared` is `prepare(stored_events)`, made before it (see `prepare`). Each (stream id, version) in
    `unchanged` was decided on without a read and must still be the stream's last version (else a conflict)."""
    _recent.leaves = {}
    refuse_moved_on(cur, unchanged)
    leaves = []
    nodes: dict[tuple[int, int], bytes] = {}

    def left_sibling(level: int, idx: int) -> bytes:
        if (level, idx) in nodes:
            return nodes[(level, idx)]
        if level == 0:
            found = cur.execute("SELECT leaf_hash FROM jejak_leaves WHERE position = ?", (idx + 1,)).fetchone()
        else:
            found = cur.execute("SELECT hash FROM jejak_nodes WHERE level = ? AND idx = ?", (level, idx)).fetchone()
        assert found is not None, f"Merkle node ({level}, {idx}) missing: run `jejak verify`"
        return bytes(found[0])

    ready = prepared if prepared is not None and len(prepared) == len(rows) else prepare([s for _, s in rows])
    for (position, s), (sid, event_id, tail) in zip(rows, ready):
        leaf = integrity.leaf_hash(integrity.leaf_input_at(position, tail))
        nodes[(0, position - 1)] = leaf
        leaves.append((position, event_id, sid, s.originator_version, leaf))
        for level, idx, h in integrity.parents_completed_by(position - 1, leaf, left_sibling):
            nodes[(level, idx)] = h
    cur.executemany("INSERT INTO jejak_leaves (position, event_id, stream_id, version, leaf_hash)"
                    " VALUES (?, ?, ?, ?, ?)", leaves)
    cur.executemany("INSERT INTO jejak_nodes (level, idx, hash) VALUES (?, ?, ?)",
                    [(lv, i, h) for (lv, i), h in nodes.items() if lv > 0])
    _recent.leaves = {p: (eid, leaf) for p, eid, _, _, leaf in leaves}
    if isinstance(idempotency, tuple):  # one request: every event of the transaction is its
        idempotency = [(*idempotency, [eid for _, eid, _, _, _ in leaves])]
    if idempotency:  # the bulk path's requests: (principal, key, hash, the event ids each one caused)
        where = {eid: p for p, eid, _, _, _ in leaves}
        cur.executemany("INSERT INTO jejak_idempotency (principal, key, request_hash, positions) VALUES (?, ?, ?, ?)",
                        [(principal, key, request_hash, json.dumps(sorted(where[e] for e in ids)))
                         for principal, key, request_hash, ids in idempotency])
    if disclosures:
        where = {eid: p for p, eid, _, _, _ in leaves}
        cur.executemany("INSERT INTO jejak_disclosures (commitment, event_id, position, subject, field, path, sealed)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(d.commitment, d.event_id, where[d.event_id], d.subject, d.field, d.path, sealed)
                         for d, sealed in disclosures])
    if erasures:
        if not cur.postgres:  # deleted bytes are overwritten with zeros, not left in free pages
            cur.execute("PRAGMA secure_delete = ON")
        for e in erasures:
            cur.execute("DELETE FROM jejak_disclosures WHERE commitment = ?", (e.commitment,))
        cur.executemany("INSERT INTO jejak_erasures (commitment, erased_by, erased_at, event_id, subject, field, path)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(e.commitment, e.erased_by, e.erased_at, e.event_id, e.subject, e.field, e.path)
                         for e in erasures])
    for normalised, code in unit_names:
        cur.execute(UNIT_NAME_INSERT, (normalised, code, normalised, code))


def refuse_moved_on(cur: Cursor, unchanged: Sequence[tuple[str, int]]) -> None:
    """A conflict if a stream decided on without a read has events past that version (the writer then decides
    again on what is stored); inside the write transaction, so no write can slip in after the look."""
    for sid, version in unchanged:
        if cur.execute("SELECT 1 FROM jejak_leaves WHERE stream_id = ? AND version > ? LIMIT 1",
                       (sid, version)).fetchone() is not None:
            raise IntegrityError(f"stream {sid} moved on past version {version} since it was read")


def prepare(stored_events: Sequence[StoredEvent]) -> list[tuple[str, str | None, bytes]]:
    """(stream id, event id, leaf tail) of each event: its leaf's work that needs no position, done
    before the write lock (PostgreSQL ends a writer idle in its transaction for 5 s: a 5,000-event
    bulk on a loaded machine crossed that while it hashed under the lock)."""
    out = []
    for s in stored_events:
        sid = str(s.originator_id if isinstance(s.originator_id, UUID) else UUID(str(s.originator_id)))
        out.append((sid, integrity.stored_event_id(s.state),
                    integrity.leaf_tail(sid, s.originator_version, s.topic, s.state)))
    return out


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
    """SQLite: rowids are already gapless (max + 1 after a rollback)."""

    postgres = False

    def construct_create_table_statements(self) -> list[str]:
        return super().construct_create_table_statements() + [s.format(blob="BLOB", without_rowid=" WITHOUT ROWID")
                                                             for s in LEDGER_TABLES] + [
            t for table in [self.events_table_name, *APPEND_ONLY] for t in sqlite_append_only(table)]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        # the leaves' position-free work before BEGIN, so the write lock is held for less (see `prepare`)
        return super().insert_events(stored_events, prepared=prepare(stored_events), **kwargs)

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events)
        assert ids is not None
        after_insert(Cursor(c, postgres=False), list(zip(ids, stored_events)), kwargs.get("idempotency"),
                     kwargs.get("disclosures", ()), kwargs.get("erasures", ()),
                     kwargs.get("unit_names", ()), kwargs.get("prepared"), kwargs.get("unchanged", ()))
        return ids

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.transaction(commit=False) as c:
            return Cursor(c, postgres=False).execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one `?`-placeholder write statement in its own committed transaction."""
        with self.datastore.transaction(commit=True) as c:
            Cursor(c, postgres=False).execute(sql, params)

    def execute_many(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run `?`-placeholder write statements in one committed transaction: all or none."""
        with self.datastore.transaction(commit=True) as c:
            for sql, params in statements:
                Cursor(c, postgres=False).execute(sql, params)

    def scrub_after_erasure(self) -> None:
        """Copy the WAL into the main file and truncate it to nothing: the erased disclosures' pages,
        zeroed by `secure_delete`, replace the last copies of their sealed bytes."""
        with self.datastore.get_connection(commit=True) as conn:
            conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    """PostgreSQL: positions are max + 1 under the table lock, so a rollback leaves no gap."""

    postgres = True

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        # POSTGRES_SCHEMA: the library qualifies its own tables; Jejak's (jejak_*, their triggers and
        # function) follow the connections' search_path, set to the same schema before the pool opens.
        datastore.pool.kwargs["options"] = f"-c search_path={datastore.schema}"
        super().__init__(datastore, events_table_name=events_table_name)
        self.sql_create_statements.extend(SQL(s.format(blob="BYTEA", without_rowid="")) for s in LEDGER_TABLES)
        self.sql_create_statements.append(SQL(PG_REFUSE_FUNCTION))
        for name in [events_table_name, *APPEND_ONLY]:
            self.sql_create_statements.extend(SQL(t) for t in pg_append_only(name))
        table = SQL("{0}.{1}").format(Identifier(datastore.schema), Identifier(events_table_name))
        self._max_sql = SQL("SELECT COALESCE(MAX(notification_id), 0) AS m FROM {0}").format(table)
        self._insert_sql = SQL(
            "INSERT INTO {0} (originator_id, originator_version, topic, state, notification_id)"
            " VALUES (%s, %s, %s, %s, %s)").format(table)
        # Writers queue on a transaction-scoped advisory lock instead of LOCK TABLE ... EXCLUSIVE,
        # which PostgreSQL grants only with UPDATE/DELETE/TRUNCATE privilege: the service can then
        # run under a role that may only INSERT and SELECT (docs/INTEGRITY.md).
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout),
            SQL("SELECT pg_advisory_xact_lock(hashtext({0}))").format(
                f"jejak-writer:{datastore.schema}.{events_table_name}"),
        ]

    def create_table(self) -> None:
        # The schema first, on its own: the library creates its composite types before its tables.
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("SELECT pg_advisory_xact_lock(hashtext('jejak-create-tables'))"))
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(Identifier(self.datastore.schema)))
        super().create_table()

    def _create_table(self, curs: Any) -> None:
        # Processes opening the ledger at once (gunicorn workers, verify workers) would race on
        # CREATE OR REPLACE FUNCTION ("tuple concurrently updated", deadlocks): take turns.
        curs.execute(SQL("SELECT pg_advisory_xact_lock(hashtext('jejak-create-tables'))"))
        super()._create_table(curs)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert the events with their leaves, nodes and idempotency claim; again on a lost connection.

        (The library's own insert_events retries too; this override had lost that.) An attempt that lost
        its connection before COMMIT wrote nothing. One that lost it during COMMIT may have committed: the
        events' own event ids are then looked up in jejak_leaves, and if they are there their positions
        are the answer, so an event is never recorded twice (and the idempotency claim, committed with
        them, answers the client's own retry).
        """
        if not stored_events:
            return []
        ready = prepare(stored_events)

        def attempt(outcome: Outcome) -> Sequence[int]:
            # get_connection() turns psycopg's errors into the library's (IntegrityError on a conflict).
            with self.datastore.get_connection() as conn:
                with conn.transaction():
                    with conn.cursor() as curs:
                        self._lock_table(curs)
                        curs.execute(self._max_sql)
                        start = curs.fetchone()["m"] + 1
                        ids = list(range(start, start + len(stored_events)))
                        curs.executemany(self._insert_sql, [
                            (s.originator_id, s.originator_version, s.topic, s.state, i)
                            for i, s in zip(ids, stored_events)])
                        self._notify_channel(curs)
                        after_insert(Cursor(curs, postgres=True), list(zip(ids, stored_events)),
                                     kwargs.get("idempotency"), kwargs.get("disclosures", ()),
                                     kwargs.get("erasures", ()), kwargs.get("unit_names", ()), ready,
                                     kwargs.get("unchanged", ()))
                    outcome.committing = True
            return ids

        return retry_write(attempt, lambda: self._committed_positions(stored_events), (IntegrityError,))

    def _committed_positions(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The positions of these events if an earlier attempt committed them, else None."""
        wanted = [integrity.stored_event_id(s.state) for s in stored_events]
        found = dict(self._query("SELECT event_id, position FROM jejak_leaves WHERE event_id = ANY(?)", (wanted,)))
        if not found:
            return None
        assert len(found) == len(wanted), "a transaction committed in part: run `jejak verify`"
        _recent.leaves = {}  # not this attempt's: the writer reads the receipts back
        return [found[w] for w in wanted]

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            return Cursor(curs, postgres=True).execute(sql, params).fetchall()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return retry_read(lambda: self._query(sql, params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one `?`-placeholder write statement in its own committed transaction."""
        self.execute_many([(sql, params)])

    def execute_many(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run `?`-placeholder write statements in one committed transaction: all or none.

        They are inserts into append-only tables keyed by what they say (checkpoints, keys,
        cosignatures): after a lost COMMIT, a retry that finds its rows already there is done.
        """
        def attempt(outcome: Outcome) -> None:
            with self.datastore.get_connection() as conn:
                with conn.transaction():
                    with conn.cursor() as curs:
                        for sql, params in statements:
                            Cursor(curs, postgres=True).execute(sql, params)
                    outcome.committing = True

        retry_write(attempt, lambda: None, (IntegrityError,), on_conflict_after_unknown=True)

    def scrub_after_erasure(self) -> None:
        """VACUUM the disclosures, so the erased rows' space is reclaimed (outside any transaction). WAL
        segments keep the sealed, encrypted rows until they are recycled (docs/PERSONAL_DATA.md)."""
        with self.datastore.get_connection() as conn:
            conn.execute("VACUUM jejak_disclosures")
