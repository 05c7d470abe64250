"""Crash: the load of test_load.py while the whole server (gunicorn master and workers) is SIGKILLed
three times at seeded random moments and started again on the same database and port.

The clients keep retrying with the same Idempotency-Keys until they get an answer, so a request
whose commit survived a kill is answered 200 with its original receipts, and one that died with the
server is recorded once on its retry. Afterwards the checks of the load scenario hold, and no batch
is half recorded: all its events are in the ledger, or none.
"""

from __future__ import annotations

import random
import time

import pytest


from load_support import (Load, audit, backend, read_models_equal_a_rebuild, server_threads,  # noqa: E402
                          verify)
from reliability_report import record  # noqa: E402
from server_process import running  # noqa: E402

SEED = 20261129
KILLS = 3


@pytest.mark.slow
def test_three_sigkills_under_load_lose_no_acknowledged_event_and_half_record_no_batch(empty_db, tmp_path):
    rnd = random.Random(f"{SEED}/{backend(empty_db)}")
    killed_at: list[int] = []
    with running(empty_db, tmp_path, threads=server_threads(empty_db)) as server:
        load = Load(server.url, empty_db, server.token, tmp_path, SEED)
        load.setup()
        load.start()
        try:
            for k in range(KILLS):  # one kill in each of three windows of the run, each at a random answer count
                at = int(load.total * (0.15 + 0.25 * k + rnd.uniform(0, 0.15)))
                while load.answered() < at and load.running():
                    time.sleep(0.005)
                time.sleep(rnd.uniform(0, 0.05))
                server.kill()
                killed_at.append(load.answered())
                time.sleep(rnd.uniform(0.05, 0.5))  # clients meet refused connections meanwhile
                server.start()
            load.join()
        finally:
            load.stop()
        load.settle()
    answers = load.answers()
    tally = audit(empty_db, answers)
    differing = read_models_equal_a_rebuild(empty_db)
    verified = verify(empty_db, tmp_path)
    record("crash 3x SIGKILL", backend(empty_db), runs=KILLS, requests=tally.requests, events=tally.events,
           lost=tally.lost, duplicated=tally.duplicated, server_errors=tally.server_errors,
           notes=f"jejak serve (2 workers x {server_threads(empty_db)} thread(s)) SIGKILLed with its process group "
                 f"after {', '.join(map(str, killed_at))} answers and restarted; {tally.half_batches} batches half "
                 f"recorded; {tally.notes()}")
    assert tally.problems == [], "\n".join(tally.problems)
    assert (tally.lost, tally.duplicated, tally.orphans, tally.half_batches, tally.server_errors) == (0, 0, 0, 0, 0)
    assert len(killed_at) == KILLS and killed_at[-1] < load.total  # every kill fell while clients were posting
    assert tally.connection_retried > 0  # and clients did meet the dead server
    assert differing == [], differing
    assert verified.returncode == 0, verified.stdout + verified.stderr
