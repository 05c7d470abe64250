"""The kept (stream, version) -> position pairs of `Reading.position_of` live no longer than their aggregate
in the cache: a restore under a running process (or a failover that lost the last commits) puts other
events at those versions, and a stream loaded cold again must show its event's position, not a kept one."""

from __future__ import annotations

import projection_support as s
from ledger.application import Ledger
from ledger.storage import backup


def test_a_stream_loaded_again_after_a_restore_shows_its_events_position(database_url, tmp_path):
    ledger = Ledger(database_url, env={"JEJAK_AGGREGATE_CACHE": "1"})
    try:
        ledger.record([s.unit("U1")], actor="clerk")
        backup.backup(database_url, tmp_path / "before.bak")
        ledger.record([s.unit("U2")], actor="clerk")
        ledger.record([s.allocate("U1", 10**6)], actor="clerk")
        assert ledger.state("unit", "U1")["last_position"] == 3  # kept
        backup.restore(tmp_path / "before.bak", database_url, force=True)
        other = Ledger(database_url)
        try:
            other.record([s.allocate("U1", 5)], actor="clerk")  # U1's version 2, now at position 2
            assert other.state("unit", "U1")["last_position"] == 2
        finally:
            other.close()
        ledger.record([s.unit("U3")], actor="clerk")  # position 3 is now another stream's event
        assert ledger.state("unit", "U3")["version"] == 1  # U1 leaves the cache of one stream
        state = ledger.state("unit", "U1")
        assert (state["version"], state["last_position"]) == (2, 2)
    finally:
        ledger.close()
