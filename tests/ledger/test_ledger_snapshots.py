"""Snapshots change nothing served: a long stream reads as the fold of its events, and a forged
snapshot row, the attack of issue 14, is neither read nor left unreported by `jejak verify`."""

from __future__ import annotations

from click.testing import CliRunner
from eventsourcing.domain import Snapshot

from api.cli.integrity import verify
from ledger.application import Ledger
from ledger.employee import Employee
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file, public_pem
from ledger.stream import stream_id

NIP = "198503122010011002"


def fold(events):
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    return aggregate


SNAPSHOT_TABLES = {  # as the library creates them when snapshotting is on (Jejak before issue 14)
    False: ("stored_snapshots", "CREATE TABLE IF NOT EXISTS stored_snapshots (originator_id TEXT, originator_version"
                                " INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"),
    True: ("jejak_snapshots", "CREATE TABLE IF NOT EXISTS jejak_snapshots (originator_id uuid NOT NULL,"
                              " originator_version bigint NOT NULL, topic text, state bytea,"
                              " PRIMARY KEY (originator_id, originator_version))"),
}


def test_a_stream_of_a_thousand_events_reads_as_the_fold_of_its_events(clocked_ledger, database_url, hr):
    ledger = clocked_ledger
    hr.employee(ledger)
    trainings = [hr.training(jp=1 + i % 7) for i in range(999)]
    for start in range(0, 999, 333):
        ledger.record(trainings[start:start + 333], "siasn-sync", batch=True)
    tail = hr.record(ledger, hr.promote(), hr.plan(), hr.evaluate(), hr.transfer())
    assert tail[-1]["version"] == 1004
    assert ledger.snapshots is None  # Jejak writes and reads no snapshots

    sid = stream_id("employee", NIP)
    events = list(ledger.events.get(sid))
    full_replay = fold(events).state()
    reader = Ledger(database_url)  # a new process's view
    try:
        state = reader.state("employee", NIP)
        assert {k: v for k, v in state.items() if k not in ("version", "last_position")} == full_replay
        assert state["version"] == 1004 and state["last_position"] == ledger.head()
        assert state["training"] == {2025: sum(1 + i % 7 for i in range(999))}
        assert (state["grade"], state["unit"]) == ("III/b", "DINKES")
        at_500 = reader.state("employee", NIP, as_of=events[499].timestamp)
        assert at_500["version"] == 500
        assert {k: v for k, v in at_500.items() if k not in ("version", "last_position")} == fold(events[:500]).state()
    finally:
        reader.close()


def test_a_forged_snapshot_row_is_never_served_and_verify_names_it(clocked_ledger, database_url, hr, tmp_path):
    """An insider turns the 2025 predikat from baik to sangat_kurang in one snapshot row."""
    ledger = clocked_ledger
    hr.employee(ledger, hr.plan(), hr.evaluate(predikat="baik"))
    key = tmp_path / "signing.key"
    create_key_file(key)
    Checkpointer(ledger.recorder, key).issue()
    sid = stream_id("employee", NIP)
    genuine = ledger.mapper.to_stored_event(Snapshot.take(ledger.aggregate("employee", NIP)))
    assert genuine.state.count(b'"baik"') >= 1
    forged = genuine.state.replace(b'"baik"', b'"sangat_kurang"')
    table, ddl = SNAPSHOT_TABLES[ledger.recorder.postgres]
    ledger.recorder.execute(ddl)
    ledger.recorder.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state)"
                            " VALUES (?, ?, ?, ?)", (sid if ledger.recorder.postgres else sid.hex,
                                                     genuine.originator_version, genuine.topic, forged))
    # The row really claims the forgery: the library's snapshot read would have served it.
    claimed = ledger.mapper.to_domain_event(type(genuine)(sid, genuine.originator_version, genuine.topic, forged))
    assert claimed.mutate(None).state()["annual_predikat"] == {2025: "sangat_kurang"}
    # What Jejak serves: the events.
    reader = Ledger(database_url)
    try:
        assert reader.state("employee", NIP)["annual_predikat"] == {2025: "baik"}
        assert isinstance(reader.aggregate("employee", NIP), Employee)
    finally:
        reader.close()
    pem = tmp_path / "published.pem"
    pem.write_text(public_pem(load_key_file(key).public_key()))
    result = CliRunner().invoke(verify, ["--public-key", str(pem)],
                                env={"JEJAK_DATABASE_URL": database_url, "JEJAK_SIGNING_KEY": str(key)})
    assert result.exit_code == 1, result.output
    assert f"snapshot of stream {sid} at version 3 disagrees with its events" in result.output
