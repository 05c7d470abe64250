"""A rebuild drops the read models' secondary indexes while it fills them and always ends with all of them."""

from __future__ import annotations

import pytest
import sqlalchemy

import projection_support as s
from ledger.application import Ledger
from projections.runner import NAMES, PROJECTIONS, Projections
from projections.tables import metadata


EXPECTED = {ix.name for t in s.table_names() for ix in metadata.tables[t].indexes}
DEFERRED = {ix.name for p in PROJECTIONS if p.rebuild_without_indexes for t in p.tables for ix in t.indexes}


def indexes(engine: sqlalchemy.Engine) -> set[str]:
    """The declared secondary indexes present (unique constraints' own indexes are never dropped)."""
    inspector = sqlalchemy.inspect(engine)
    return {ix["name"] for t in s.table_names() for ix in inspector.get_indexes(t)} & EXPECTED


class Crash(Exception):
    """Injected inside a rebuild's chunk."""


def fill(ledger: Ledger) -> None:
    s.record(ledger, s.unit("DINKES"))
    s.record(ledger, s.allocate("DINKES", 10_000_000))
    for i in range(5):
        s.record(ledger, s.appoint(s.nip(i), "DINKES"))
        s.record(ledger, s.train(s.nip(i), "DINKES", cost=100_000))


def test_a_rebuild_ends_with_every_index_and_the_rows_of_a_live_catch_up(ledger, database_url):
    fill(ledger)
    live = Projections(database_url)
    try:
        live.catch_up(ledger, chunk_size=3)
        rows = s.dump(live.engine)
        assert indexes(live.engine) == EXPECTED
        during = []
        live.fault = lambda name, events: during.append(indexes(live.engine)) if not during else None
        live.rebuild(ledger)
        live.fault = None
        # While it filled the tables, only indexes no handler looks rows up by were gone (a lookup without its
        # index would scan the table once per chunk and stream: quadratic at city scale).
        assert DEFERRED and during == [EXPECTED - DEFERRED]
        assert indexes(live.engine) == EXPECTED
        assert s.dump(live.engine) == rows
        assert s.tracking(live.engine) == {n: ledger.head() for n in NAMES}
    finally:
        live.close()


def test_an_interrupted_rebuild_leaves_its_indexes_to_the_next_start(ledger, database_url):
    fill(ledger)
    projections = Projections(database_url)
    try:
        def crash(name: str, events: list) -> None:
            if name == "audit_index":
                raise Crash(name)

        projections.fault = crash
        with pytest.raises(Crash):
            projections.rebuild(ledger)
        assert indexes(projections.engine) == EXPECTED  # the rebuild's own cleanup
        projections.fault = None
        projections._drop_indexes(NAMES)  # as a killed process leaves them: no cleanup ran
        assert indexes(projections.engine) == EXPECTED - DEFERRED
    finally:
        projections.close()
    restarted = Projections(database_url)
    try:
        assert indexes(restarted.engine) == EXPECTED
        restarted.catch_up(ledger)
        assert s.tracking(restarted.engine) == {n: ledger.head() for n in NAMES}
        assert {t: len(r) for t, r in s.dump(restarted.engine, ["audit_index"]).items()}["proj_audit"] == ledger.head()
    finally:
        restarted.close()
