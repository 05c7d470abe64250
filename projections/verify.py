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


def _rows(engine: sqlalchemy.Engine, table: sqlalchemy.Table) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    keys = list(table.primary_key.columns)
    with engine.connect() as conn:
        return {tuple(r[c.name] for c in keys): tuple(r.values()) for r in conn.execute(select(table)).mappings()}


def _differences(table: sqlalchemy.Table, live: dict, rebuilt: dict) -> list[str]:
    names = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns]
    out = []
    for key in sorted(set(live) | set(rebuilt), key=repr):
        where = ", ".join(f"{k}={v!r}" for k, v in zip(keys, key))
        if key not in rebuilt:
            out.append(f"read model {table.name} row {where}: in the live table, but no event gives it")
        elif key not in live:
            out.append(f"read model {table.name} row {where}: the events give it, but the live table lacks it")
        elif live[key] != rebuilt[key]:
            changed = [f"{n} {a!r} (events say {b!r})" for n, a, b in zip(names, live[key], rebuilt[key]) if a != b]
            out.append(f"read model {table.name} row {where}: " + "; ".join(changed))
        if len(out) >= MAX_PER_TABLE:
            out.append(f"read model {table.name}: more differences not shown")
            break
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
                        problems += _differences(table, _rows(live.engine, table), _rows(scratch.engine, table))
            finally:
                scratch.close()
    finally:
        live.close()
    return problems
