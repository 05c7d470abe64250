"""A long stream reads from a snapshot plus a short tail, and the snapshot changes nothing read."""

from __future__ import annotations

from ledger.application import Ledger
from ledger.stream import stream_id

NIP = "198503122010011002"


def fold(events):
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    return aggregate


def test_a_stream_of_a_thousand_events_reads_from_a_snapshot_and_equals_a_full_replay(clocked_ledger, database_url,
                                                                                     hr):
    ledger = clocked_ledger
    hr.employee(ledger)
    trainings = [hr.training(jp=1 + i % 7) for i in range(999)]
    for start in range(0, 999, 333):
        ledger.record(trainings[start:start + 333], "siasn-sync", batch=True)
    sid = stream_id("employee", NIP)
    (snapshot,) = ledger.snapshots.get(sid, desc=True, limit=1)
    assert snapshot.originator_version == 1000

    tail = hr.record(ledger, hr.promote(), hr.plan(), hr.evaluate(), hr.transfer())
    assert tail[-1]["version"] == 1004

    events = list(ledger.events.get(sid))
    full_replay = fold(events).state()
    reader = Ledger(database_url)  # a new process's view: snapshot 1000, then a tail of four events
    assert reader.snapshots is not None
    assert [e.originator_version for e in reader.events.get(sid, gt=snapshot.originator_version)] == [
        1001, 1002, 1003, 1004]
    try:
        state = reader.state("employee", NIP)
        assert {k: v for k, v in state.items() if k not in ("version", "last_position")} == full_replay
        assert state["version"] == 1004 and state["last_position"] == ledger.head()
        assert state["training"] == {2025: sum(1 + i % 7 for i in range(999))}
        assert (state["grade"], state["unit"]) == ("III/b", "DINKES")

        middle = events[499].timestamp  # before the snapshot was taken
        at_500 = reader.state("employee", NIP, as_of=middle)
        assert at_500["version"] == 500
        assert {k: v for k, v in at_500.items() if k not in ("version", "last_position")} == fold(events[:500]).state()
    finally:
        reader.close()
