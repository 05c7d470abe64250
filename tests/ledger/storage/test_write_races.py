"""Another process writes between a decision and its write transaction (two Ledgers on one database are two
processes): what the decision read, and the idempotency key it claims, are checked where it is written."""

from __future__ import annotations

import json

import pytest

from ledger.application import Ledger
from ledger.bulk import Posting
from ledger.errors import IdempotencyMismatch, NotFound
from ledger.storage import backup

NIP = "198503122010011002"



def meanwhile(app: Ledger, write, saving: str = "save") -> None:
    """Run `write` (another process's) once, after `app` decided its next request and before it saves it
    (`saving`: the method the path saves with; the bulk path's is `_save_collected`)."""
    real = getattr(app, saving)

    def save(*args, **kwargs):
        setattr(app, saving, real)
        write()
        return real(*args, **kwargs)

    setattr(app, saving, save)


def findings(app: Ledger, receipt: dict) -> list[str]:
    return [f["rule"] for f in app.event(receipt["event_id"])["findings"]]


@pytest.mark.parametrize("cached", [True, False], ids=["evaluator-cached", "evaluator-not-cached"])
def test_a_stream_only_read_that_changes_before_the_write_is_decided_on_again(ledger, twin, hr, cached):
    hr.employee(ledger, hr.plan(2026))
    hr.record(twin, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    ledger.state("employee", NIP)  # the evaluated employee is cached here; the evaluator only if `cached`
    if cached:
        ledger.state("employee", hr.EVALUATOR)
    meanwhile(ledger, lambda: hr.record(twin, hr.separate("retired", tmt="2026-02-01", nip=hr.EVALUATOR)))
    receipt = hr.record(ledger, hr.evaluate(2026))[0]
    # on the state stored when it was written, the evaluator had separated
    assert findings(ledger, receipt) == ["evaluator_active"]


def test_the_same_key_and_body_from_two_processes_records_one_event_and_both_get_its_receipt(ledger, twin, hr):
    hr.employee(ledger)
    ledger.state("employee", NIP)
    body = hr.training(jp=3)
    theirs: list = []
    meanwhile(ledger, lambda: theirs.append(twin.record([body], "clerk", idempotency_key="k1")))
    ours, replayed = ledger.record([body], "clerk", idempotency_key="k1")
    assert replayed and theirs[0] == (ours, False)
    assert ledger.head() == 5
    assert ledger.state("employee", NIP)["training"] == {2025: 3}


def test_the_same_key_with_another_body_meanwhile_is_a_mismatch_and_records_nothing(ledger, twin, hr):
    hr.employee(ledger)
    ledger.state("employee", NIP)
    meanwhile(ledger, lambda: twin.record([hr.training(jp=3)], "clerk", idempotency_key="k1"))
    with pytest.raises(IdempotencyMismatch):
        ledger.record([hr.training(jp=4)], "clerk", idempotency_key="k1")
    assert ledger.head() == 5
    rows = ledger.recorder.query("SELECT positions FROM jejak_idempotency WHERE key = ?", ("k1",))
    assert [json.loads(r[0]) for r in rows] == [[5]]


def test_a_lawful_write_refused_on_a_stale_cache_is_recorded_once_decided_on_what_is_stored(ledger, twin, hr):
    hr.employee(ledger)
    ledger.state("employee", NIP)  # cached here at version 1
    hr.record(twin, hr.training(jp=3))
    (receipt,), replayed = ledger.record([{**hr.training(jp=4), "expected_version": 2}], "clerk")
    assert not replayed and receipt["version"] == 3


def test_a_stream_only_read_by_a_bulk_is_checked_where_it_is_written(ledger, twin, hr):
    hr.employee(ledger, hr.plan(2026))
    hr.record(twin, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    meanwhile(ledger, lambda: hr.record(twin, hr.separate("retired", tmt="2026-02-01", nip=hr.EVALUATOR)),
              "_save_collected")
    ((receipt,),) = ledger.record_bulk([Posting([hr.evaluate(2026)], "clerk")])
    assert findings(ledger, receipt) == ["evaluator_active"]


def test_a_key_claimed_by_the_bulk_path_is_replayed_by_a_single_append(ledger, twin, hr):
    hr.employee(ledger)
    body = hr.training(jp=3)
    (receipts,) = twin.record_bulk([Posting([body], "clerk", idempotency_key="k1")])
    ledger.state("employee", NIP)  # cached here: the append decides without a read and meets the claim
    assert ledger.record([body], "clerk", idempotency_key="k1") == (receipts, True)
    assert ledger.head() == 5


def test_a_unit_gone_with_a_restore_under_a_running_process_is_not_remembered_as_registered(database_url,
                                                                                           tmp_path, hr):
    ledger = Ledger(database_url, env={"JEJAK_AGGREGATE_CACHE": "1"})
    try:
        hr.employee(ledger)
        backup.backup(database_url, tmp_path / "before.bak")
        hr.record(ledger, hr.unit("DISDIK"), hr.training(jp=1, funding_unit="DISDIK"))  # DISDIK seen to exist
        backup.restore(tmp_path / "before.bak", database_url, force=True)  # ... and gone again
        ledger.state("unit", "BKPSDM")  # the employee leaves the cache of one stream: loaded cold again
        with pytest.raises(NotFound):
            ledger.record([hr.training(jp=2, funding_unit="DISDIK")], "clerk")
    finally:
        ledger.close()


def test_a_fix_of_an_event_another_process_recorded_is_decided_on_the_stream_that_holds_it(ledger, twin, hr):
    hr.employee(ledger)
    ledger.state("employee", NIP)  # cached here before the training below
    paid = hr.record(twin, hr.training(jp=3, cost=500))[0]
    (corrected,), _ = ledger.record([hr.correct(paid["event_id"], {"jp": 4})], "clerk")
    (annulled,), _ = ledger.record([hr.annul(paid["event_id"])], "clerk")
    assert (corrected["version"], annulled["version"]) == (3, 4)
    assert ledger.state("unit", "BKPSDM")["budgets"][2025]["realised"] == 0  # the cost annulled with it


def test_a_replay_from_another_process_answers_the_receipts_the_original_got(ledger, twin, hr):
    hr.employee(ledger)
    bodies = [hr.training(jp=3, cost=500), hr.training(jp=2)]
    original, replayed = twin.record(bodies, "clerk", batch=True, idempotency_key="k1")
    assert not replayed
    ledger.state("employee", NIP)  # cached here at the original's version: the replay decides without a read
    assert ledger.record(bodies, "clerk", batch=True, idempotency_key="k1") == (original, True)
    assert ledger.head() == 7  # 4, the two trainings and the cost realised
