"""The demo builds its read models from the events it has just recorded, without reading the log back:
those events are exactly what the log decodes to, and the read models equal a rebuild from the log."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
import sqlalchemy

from api.demo.generator import generate
from api.demo.recording import DEMO_LEDGER_ENV, SimClock, record, relax_sqlite_sync
from ledger.application import Ledger
from projections.runner import Projections
from projections.source import read, recorded


def rows(projections: Projections) -> dict[str, list[tuple]]:
    """Every read model's rows, in primary-key order."""
    out = {}
    with projections.engine.connect() as conn:
        for projection in projections.projections.values():
            for table in projection.tables:
                order = list(table.primary_key.columns) or list(table.c)
                out[table.name] = [tuple(r) for r in conn.execute(sqlalchemy.select(table).order_by(*order))]
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    with psycopg.connect(url, autocommit=True) as conn:  # an empty schema, as each test expects
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


def test_the_events_kept_while_recording_are_the_log_and_build_the_same_read_models(url):
    world = generate(250, 2, seed=5, today=date(2026, 11, 28))
    clock = SimClock()
    ledger = Ledger(url, clock=clock, env=DEMO_LEDGER_ENV)
    relax_sqlite_sync(ledger)
    kept: list = []
    ledger.on_recorded = lambda recordings: kept.extend(recorded(recordings))
    projections = None
    try:
        positions = record(ledger, clock, world.plan.ordered(), lambda n: None)
        ledger.on_recorded = None
        assert len(kept) == positions == ledger.head()
        assert kept == read(ledger, 0, positions + 10)  # every field, types included (a tuple is no list)

        projections = Projections(url)
        assert projections.rebuild(ledger, recorded=kept, chunk_size=1000) == positions
        from_memory = rows(projections)
        assert sum(len(r) for r in from_memory.values()) > positions  # something was built
        projections.rebuild(ledger, chunk_size=1000)
        assert rows(projections) == from_memory
    finally:
        if projections is not None:
            projections.close()
        ledger.close()


def test_kept_events_that_are_not_the_log_from_its_start_are_ignored_and_the_log_is_read(tmp_path):
    url = f"sqlite:///{tmp_path / 'jejak.db'}"
    world = generate(200, 1, seed=2, today=date(2026, 11, 28))
    clock = SimClock()
    ledger = Ledger(url, clock=clock, env=DEMO_LEDGER_ENV)
    kept: list = []
    ledger.on_recorded = lambda recordings: kept.extend(recorded(recordings))
    projections = None
    try:
        record(ledger, clock, world.plan.ordered(), lambda n: None)
        ledger.on_recorded = None
        projections = Projections(url)
        projections.rebuild(ledger)
        expected = rows(projections)
        assert projections.rebuild(ledger, recorded=kept[1:]) == ledger.head()  # a gap at position 1
        assert rows(projections) == expected
    finally:
        if projections is not None:
            projections.close()
        ledger.close()
