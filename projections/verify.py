"""`jejak verify --projections`: every read model rebuilt from the ledger beside the live one, row by row.

The ledger's tree proves the events; the read models are what the API serves (the audit index, red
flags, the roster, public figures). An insider who edits a read-model row (an audit row's actor,
a deleted red flag) changes what is served without touching the tree. This rebuilds every read
model from the events into a scratch place (a temporary SQLite file, or a scratch schema of the
same PostgreSQL database), then compares each table with the live one by primary key and names
every row that differs. Nothing live is written.
"""

from __future__ import annotations

import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlalchemy
from sqlalchemy import select

from ledger.config import is_postgres
from projections.runner import PROJECTIONS, Projections

MAX_PER_TABLE = 20


@contextmanager
def _scratch(url: str) -> Iterator[str]:
    """A database URL the rebuild may fill and that is gone afterwards."""
    if not is_postgres(url):
        with tempfile.TemporaryDirectory(prefix="jejak-verify-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'read-models.db'}"
        return
    schema = f"jejak_verify_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine("postgresql+psycopg://" + url.split("://", 1)[1])
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _ordered(engine: sqlalchemy.Engine, table: sqlalchemy.Table) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(primary key, row) of every row in primary-key order, streamed: a table is never held whole."""
    keys = list(table.primary_key.columns)
    width = len(keys)
    # The merge compares keys in Python: text keys must come in code-point order, which PostgreSQL's
    # "C" collation gives (SQLite's default BINARY already does).
    order = [k.collate("C") if engine.dialect.name == "postgresql" and isinstance(k.type, sqlalchemy.String) else k
             for k in keys]
    with engine.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=5000).execute(
            select(*keys, table).order_by(*order))
        for row in rows:
            yield tuple(row[:width]), tuple(row[width:])


def _differences(table: sqlalchemy.Table, live: sqlalchemy.Engine, rebuilt: sqlalchemy.Engine) -> list[str]:
    """Live and rebuilt rows merged in primary-key order, each difference described."""
    names = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns]
    out: list[str] = []
    left, right = _ordered(live, table), _ordered(rebuilt, table)
    a, b = next(left, None), next(right, None)
    while (a is not None or b is not None) and len(out) < MAX_PER_TABLE:
        key = a[0] if b is None or (a is not None and a[0] <= b[0]) else b[0]
        where = ", ".join(f"{k}={v!r}" for k, v in zip(keys, key))
        if b is None or (a is not None and a[0] < b[0]):
            out.append(f"read model {table.name} row {where}: in the live table, but no event gives it")
            a = next(left, None)
        elif a is None or b[0] < a[0]:
            out.append(f"read model {table.name} row {where}: the events give it, but the live table lacks it")
            b = next(right, None)
        else:
            if a[1] != b[1]:
                changed = [f"{n} {x!r} (events say {y!r})" for n, x, y in zip(names, a[1], b[1]) if x != y]
                out.append(f"read model {table.name} row {where}: " + "; ".join(changed))
            a, b = next(left, None), next(right, None)
    if len(out) >= MAX_PER_TABLE:
        out.append(f"read model {table.name}: more differences not shown")
    return out


def compare_with_rebuild(ledger: Any, url: str, progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Each live read-model row that differs from a rebuild from the ledger's events, described.

    A live model behind the ledger (its follower lags) is reported as such rather than compared:
    catch it up (`jejak projections follow`) and verify again.
    """
    live = Projections(url)
    problems: list[str] = []
    try:
        head = ledger.head()
        behind = {n: p for n, p in live.positions().items() if p != head}
        problems += [f"read model {n}: at position {p}, the ledger at {head}; catch it up and verify again"
                     for n, p in sorted(behind.items())]
        with _scratch(url) as scratch_url:
            scratch = Projections(scratch_url)
            try:
                scratch.catch_up(ledger, on_chunk=(lambda done: progress(done, head)) if progress else None,
                                 analyze=False)
                for projection in PROJECTIONS:
                    if projection.name in behind:
                        continue
                    for table in projection.tables:
                        problems += _differences(table, live.engine, scratch.engine)
            finally:
                scratch.close()
    finally:
        live.close()
    return problems
