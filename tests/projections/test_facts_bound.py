"""A read-model worker's memory is bounded by the facts it keeps, not by how many streams hold them.

The attack (issue 21, the 10 M growth ledger): 8,000 streams of ~1,250 events each fit a cache bounded at
20,000 streams, so a follower kept every fact of the ledger and grew by ~1.7 GB a million events until the
machine ran out. Here a few long streams and a small bound: the worker holds at most the bound (or one
stream, if a single stream is longer), and what it builds equals a rebuild by a worker with room for all.
"""

from __future__ import annotations

import projection_support as s
from ledger.application import Ledger
from projections.runner import Projections

UNITS = ["BKPSDM", "DINKES"]
PEOPLE = [s.nip(i) for i in range(6)]


def fill(ledger: Ledger) -> int:
    """Six employees with 21-31 events each, interleaved as a sync posts them: 160 events in all."""
    ledger.record([s.unit(u) for u in UNITS] + [s.allocate(u, 10**9) for u in UNITS], actor="bkpsdm-clerk",
                  batch=True)
    ledger.record([s.appoint(n, UNITS[i % 2]) for i, n in enumerate(PEOPLE)], actor="bkpsdm-clerk", batch=True)
    for round_ in range(30):
        ledger.record([s.train(n, UNITS[i % 2], jp=1 + (round_ + i) % 8) for i, n in enumerate(PEOPLE)
                       if i < 4 or round_ < 20], actor="siasn-sync", batch=True)
    return ledger.head()


def held(projections: Projections) -> tuple[int, int]:
    facts = projections._facts
    assert facts is not None
    return facts.held, sum(len(entry[2]) for entry in facts.streams.values())


def test_a_follower_keeps_at_most_its_bound_of_facts_and_builds_what_a_rebuild_builds(database_url, monkeypatch):
    ledger = Ledger(database_url)
    try:
        size = fill(ledger)
        assert size >= 150
        monkeypatch.setenv("JEJAK_PROJECTION_FACTS", "40")
        small = Projections(database_url)
        try:
            most = 0
            while small.catch_up(ledger, chunk_size=7):  # chunks touch every stream in turn
                counted, actual = held(small)
                assert counted == actual, "the count of held facts drifted from what is held"
                most = max(most, actual)
            assert 0 < most <= 40, f"held {most} facts with a bound of 40"
            built = s.dump(small.engine)
        finally:
            small.close()
        monkeypatch.setenv("JEJAK_PROJECTION_FACTS", str(10 * size))
        roomy = Projections(database_url)
        try:
            roomy.rebuild(ledger)
            assert held(roomy)[1] >= size - 10, "the roomy worker should have kept (nearly) every fact"
            assert s.dump(roomy.engine) == built
        finally:
            roomy.close()
    finally:
        ledger.close()
