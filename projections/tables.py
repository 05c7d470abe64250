"""The shared SQLAlchemy metadata, the one tracking table, and the helpers every read model uses."""

from __future__ import annotations

import json
from operator import itemgetter
from json.encoder import encode_basestring_ascii
from typing import Any, Callable, Iterable

from sqlalchemy import JSON, BigInteger, Column, Connection, Integer, MetaData, String, Table

metadata = MetaData()

tracking = Table(
    "proj_tracking", metadata,
    Column("name", String(40), primary_key=True),
    Column("position", BigInteger, nullable=False),
    # The read model's `version` its rows were built with (projections/versions.py).
    Column("version", Integer, nullable=False, server_default="1"),
)

_dumps = json.JSONEncoder().encode  # what json.dumps(value) does, minus its keyword checks


def json_text(value: Any) -> str:
    """The JSON text SQLAlchemy's JSON type stores for `value` (None is JSON null), with shortcuts for scalars."""
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring_ascii(value)  # type: ignore[no-any-return]
    if type(value) is int:
        return int.__repr__(value)
    return _dumps(value)


# (dialect, table, columns) -> (statement, [(index, bind processor)])
_PLANS: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[tuple[int, Callable[[Any], Any]]]]] = {}


def _plan(conn: Connection, table: Table, keys: tuple[str, ...]) -> tuple[str, list[tuple[int, Callable[[Any], Any]]]]:
    dialect = conn.dialect
    plan = _PLANS.get((dialect.name, table.name, keys))
    if plan is None:
        cols = [table.c[k] for k in keys]  # an unknown column is a KeyError, as SQLAlchemy would refuse it
        q = dialect.identifier_preparer
        names = ", ".join(q.format_column(c) for c in cols)
        if dialect.name == "postgresql":
            sql = f"COPY {q.format_table(table)} ({names}) FROM STDIN"
        else:
            sql = f"INSERT INTO {q.format_table(table)} ({names}) VALUES ({', '.join('?' * len(cols))})"
        # JSON goes as its text (PostgreSQL's COPY parses it); other types through their own bind processor
        procs = [(i, json_text if isinstance(c.type, JSON) else p) for i, c in enumerate(cols)
                 if isinstance(c.type, JSON) or (p := c.type.dialect_impl(dialect).bind_processor(dialect))]
        plan = _PLANS[(dialect.name, table.name, keys)] = (sql, procs)
    return plan


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]] | list[list[Any]],
                keys: tuple[str, ...] | None = None) -> None:
    """Insert rows (all with the first row's keys) in the connection's transaction, straight through the driver.

    Rows are dicts, or lists of values in the order of `keys` (then they are changed in place).

    Values go through each column type's own bind processor (JSON text, SQLite dates), so the
    stored values are exactly what `conn.execute(table.insert(), rows)` stores; only the
    per-row statement machinery is skipped: SQLite gets one `executemany`, PostgreSQL one COPY.
    """
    if not rows:
        return
    if keys is None:
        keys = tuple(rows[0])
        if len(keys) > 1:  # column by column at C speed: itemgetter makes each row's tuple, zip turns them
            sql, procs = _plan(conn, table, keys)
            bound = list(map(itemgetter(*keys), rows))
            if procs:
                columns = list(zip(*bound))
                for i, p in procs:
                    columns[i] = tuple(map(p, columns[i]))
                bound = list(zip(*columns))
            _send(conn, sql, bound)
            return
        tuples = [[r[k] for k in keys] for r in rows]  # type: ignore[call-overload]
    else:
        tuples = rows  # type: ignore[assignment]
    sql, procs = _plan(conn, table, keys)
    if procs:
        for values in tuples:
            for i, p in procs:
                values[i] = p(values[i])
    _send(conn, sql, tuples)


def same(value: Any) -> Any:
    return value


def binders(conn: Connection, table: Table, keys: tuple[str, ...]) -> list[Callable[[Any], Any]]:
    """Per column of `keys`, what `insert_rows` makes of its value before the driver gets it (its type's
    bind processor, JSON as text; `same` when nothing): for a read model that builds bound rows itself."""
    procs = dict(_plan(conn, table, keys)[1])
    return [procs.get(i, same) for i in range(len(keys))]


def insert_bound(conn: Connection, table: Table, keys: tuple[str, ...], rows: list[Any]) -> None:
    """Insert rows (sequences in the order of `keys`) whose values are bound already (`binders`): as
    `insert_rows` would, without its pass over every value."""
    if rows:
        _send(conn, _plan(conn, table, keys)[0], rows)


def _send(conn: Connection, sql: str, rows: list[Any]) -> None:
    """The rows to the driver in the connection's transaction: PostgreSQL's COPY, SQLite's `executemany`."""
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
            for t in rows:
                copy.write_row(t)
    else:  # through SQLAlchemy, which takes tuples only, so a busy database is its OperationalError
        conn.exec_driver_sql(sql, rows if type(rows[0]) is tuple else [tuple(t) for t in rows])


def replace(conn: Connection, table: Table, key: str, keys: Iterable[Any], rows: list[dict[str, Any]]) -> None:
    """Delete the rows of these keys and insert their new ones: an idempotent upsert of whole streams."""
    keys = list(keys)
    for i in range(0, len(keys), 500):
        conn.execute(table.delete().where(table.c[key].in_(keys[i:i + 500])))
    insert_rows(conn, table, rows)


class Projection:
    """One read model: its tables, and how a chunk of events changes them."""

    name: str = ""
    # Raise it when what the read model stores changes without its columns changing: the next open
    # rebuilds it (projections/versions.py).
    version: int = 1
    tables: list[Table] = []
    # True when `apply` finds rows only by primary key: a rebuild from zero may then drop the secondary
    # indexes while it fills the tables. False when `apply` deletes or reads by an indexed column, which
    # would scan the whole table per lookup without its index.
    rebuild_without_indexes: bool = False

    def apply(self, conn: Connection, chunk: Any) -> None:
        raise NotImplementedError
