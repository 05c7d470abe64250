"""The facts bound against a chunk that needs more facts than the bound: the worker must still read the ledger
only before a read-model transaction opens (`Projections._prefetch`, SQLite's write lock), load each stream at
most once a chunk, and count what it holds exactly after every chunk."""

from __future__ import annotations

import projection_support as s
from test_facts_bound import fill

from ledger.application import Ledger
from projections import source
from projections.runner import Projections


def test_a_chunk_larger_than_the_bound_reads_no_stream_inside_a_read_model_transaction(database_url, monkeypatch):
    ledger = Ledger(database_url)
    try:
        fill(ledger)
        monkeypatch.setenv("JEJAK_PROJECTION_FACTS", "40")  # a chunk of 7 touches 6 streams of up to 31 facts
        inside, loads, state = [], [], {"applying": False}
        real_load, real_apply = source.Facts._load, Projections._apply

        def load(self, sid, kind):
            (inside if state["applying"] else loads).append(sid)
            return real_load(self, sid, kind)

        def apply(self, *args):
            state["applying"] = True
            try:
                return real_apply(self, *args)
            finally:
                state["applying"] = False

        monkeypatch.setattr(source.Facts, "_load", load)
        monkeypatch.setattr(Projections, "_apply", apply)
        small = Projections(database_url)
        try:
            def after_chunk(_: int) -> None:
                facts = small._facts
                actual = [len(entry[2]) for entry in facts.streams.values()]
                assert facts.held == sum(actual), "the count of held facts drifted from what is held"
                assert sum(actual) <= 40 or len(actual) == 1, f"held {sum(actual)} facts after a chunk"
                assert len(loads) == len(set(loads)), "a stream was loaded twice for one chunk"
                loads.clear()

            small.catch_up(ledger, chunk_size=7, on_chunk=after_chunk)
            assert inside == [], f"{len(inside)} stream loads inside read-model transactions"
            built = s.dump(small.engine)
        finally:
            small.close()
        monkeypatch.setattr(source.Facts, "_load", real_load)
        monkeypatch.setattr(Projections, "_apply", real_apply)
        roomy = Projections(database_url)
        try:
            roomy.rebuild(ledger)
            assert s.dump(roomy.engine) == built
        finally:
            roomy.close()
    finally:
        ledger.close()
