"""The demo builds its read models from the events it has just recorded, without reading the log back:
those events are exactly what the log decodes to, and the read models equal a rebuild from the log."""

from __future__ import annotations

import sqlalchemy

from api.demo.recording import DEMO_LEDGER_ENV
from ledger.application import Ledger
from projections.runner import Projections
from projections.source import read


def rows(projections: Projections) -> dict[str, list[tuple]]:
    """Every read model's rows, in primary-key order."""
    out = {}
    with projections.engine.connect() as conn:
        for projection in projections.projections.values():
            for table in projection.tables:
                order = list(table.primary_key.columns) or list(table.c)
                out[table.name] = [tuple(r) for r in conn.execute(sqlalchemy.select(table).order_by(*order))]
    return out


def test_the_events_kept_while_recording_are_the_log_and_build_the_same_read_models(recorded_demo):
    """On the session's demo city (tests/support/demo_city.py), recorded once with `on_recorded` keeping its
    events; here it is only read back and projected."""
    city = recorded_demo
    ledger = Ledger(city.url, env=DEMO_LEDGER_ENV)
    projections = None
    try:
        assert len(city.kept) == city.positions == ledger.head()
        assert city.kept == read(ledger, 0, city.positions + 10)  # every field, types included (a tuple is no list)

        projections = Projections(city.url)
        assert projections.rebuild(ledger, recorded=city.kept, chunk_size=1000) == city.positions
        from_memory = rows(projections)
        assert sum(len(r) for r in from_memory.values()) > city.positions  # something was built
        projections.rebuild(ledger, chunk_size=1000)
        assert rows(projections) == from_memory
    finally:
        if projections is not None:
            projections.close()
        ledger.close()


def test_kept_events_that_are_not_the_log_from_its_start_are_ignored_and_the_log_is_read(sqlite_demo):
    city = sqlite_demo
    ledger = Ledger(city.url, env=DEMO_LEDGER_ENV)
    projections = None
    try:
        projections = Projections(city.url)
        projections.rebuild(ledger)
        expected = rows(projections)
        assert projections.rebuild(ledger, recorded=city.kept[1:]) == ledger.head()  # a gap at position 1
        assert rows(projections) == expected
    finally:
        if projections is not None:
            projections.close()
        ledger.close()
