"""Read models keep pace with the bulk path: a long backlog is caught up in larger chunks, exactly once."""

from __future__ import annotations

import projection_support as s
from ledger.application import Ledger
from ledger.bulk import Posting
from projections import runner
from projections.runner import Projections


def test_a_bulk_backlog_caught_up_in_large_chunks_equals_a_rebuild_from_zero(database_url, monkeypatch):
    ledger = Ledger(database_url, clock=s.Clock())
    projections = Projections(database_url)
    chunks: list[int] = []
    read = runner.read
    monkeypatch.setattr(runner, "read", lambda led, after, size: chunks.append(size) or read(led, after, size))
    try:
        ledger.record([s.unit("BKPSDM"), s.allocate("BKPSDM", 10**9)], "bkpsdm-clerk", batch=True)
        people = [s.nip(i) for i in range(20)]
        ledger.record_bulk([Posting([s.appoint(n, "BKPSDM")], "bkpsdm-clerk") for n in people])
        projections.catch_up(ledger)
        assert chunks and set(chunks) == {runner.CHUNK_SIZE}  # a short backlog: the live chunk size
        trainings = [s.train(people[i % 20], "BKPSDM", cost=1000, end=f"2025-11-{1 + i % 28:02d}")
                     for i in range(runner.BACKLOG_CHUNK_SIZE + 500)]
        ledger.record_bulk([Posting(trainings[i:i + 1000], "bkpsdm-clerk", batch=True)
                            for i in range(0, len(trainings), 1000)])
        chunks.clear()
        projections.catch_up(ledger)
        assert chunks[0] == runner.BACKLOG_CHUNK_SIZE
        live = s.dump(projections.engine)
        assert all(p == ledger.head() for p in s.tracking(projections.engine).values())
        projections.rebuild(ledger)
        assert s.dump(projections.engine) == live
    finally:
        projections.close()
        ledger.close()
