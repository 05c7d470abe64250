"""Load: 8 client processes x 500 requests against a real `jejak serve` (2 workers), on both backends.

Single events and small batches, overlapping subjects (shared employees and funding units),
`expected_version` (exact, racy and stale), an Idempotency-Key on every request, deliberate
resends, and retries of connection errors and 503s with the same key. Afterwards every receipt's
event is in the ledger exactly once, no event lacks an acknowledged request, refused requests left
nothing, stream versions are 1..n, the read models equal a rebuild and `jejak verify` passes.
"""

from __future__ import annotations


import pytest


from load_support import (Load, audit, backend, read_models_equal_a_rebuild, server_threads,  # noqa: E402
                          verify)
from reliability_report import record  # noqa: E402
from server_process import running  # noqa: E402

SEED = 20261129


@pytest.mark.slow
def test_eight_client_processes_lose_no_acknowledged_event_and_record_nothing_twice(empty_db, tmp_path):
    with running(empty_db, tmp_path, threads=server_threads(empty_db)) as server:
        load = Load(server.url, empty_db, server.token, tmp_path, SEED)
        load.setup()
        load.start()
        try:
            load.join()
        finally:
            load.stop()
        load.settle()
    answers = load.answers()
    tally = audit(empty_db, answers)
    differing = read_models_equal_a_rebuild(empty_db)
    verified = verify(empty_db, tmp_path)
    record("load 8x500", backend(empty_db), runs=1, requests=tally.requests, events=tally.events, lost=tally.lost,
           duplicated=tally.duplicated, server_errors=tally.server_errors,
           notes=f"jejak serve, 2 workers x {server_threads(empty_db)} thread(s); 8 client processes; "
                 f"{tally.notes()}")
    assert tally.problems == [], "\n".join(tally.problems)
    assert (tally.lost, tally.duplicated, tally.orphans, tally.server_errors) == (0, 0, 0, 0)
    assert tally.requests == 1 + 8 * 500
    assert tally.replays > 0 and tally.refused["409 version_conflict"] > 0  # the mix did what it meant to
    assert differing == [], differing
    assert verified.returncode == 0, verified.stdout + verified.stderr
