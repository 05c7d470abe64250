"""The per-process aggregate cache: never stale across processes, never changed by a refused write,
never changed under a reader, and always the same answer as a ledger without it. Both backends."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from ledger.application import Ledger
from ledger.errors import RuleViolated, VersionConflict

NIP = "198503122010011002"



@pytest.fixture
def uncached(database_url):
    app = Ledger(database_url, env={"JEJAK_AGGREGATE_CACHE": "0"})
    yield app
    app.close()


def test_the_cache_is_on_by_default_and_can_be_turned_off(ledger, uncached):
    assert ledger.aggregates is not None and uncached.aggregates is None


def test_a_write_by_another_process_is_seen_at_once(ledger, twin, hr):
    hr.employee(ledger, hr.training(jp=5))
    assert ledger.state("employee", NIP)["training"] == {2025: 5}  # now cached here
    assert ledger.aggregates.get(ledger.aggregate("employee", NIP).id) is not None
    hr.record(twin, hr.training(jp=7))
    state = ledger.state("employee", NIP)
    assert state["training"] == {2025: 12} and state["version"] == 3
    # and the cached copy here writes on top of the other's event, not beside it
    hr.record(ledger, hr.training(jp=1))
    assert twin.state("employee", NIP)["training"] == {2025: 13}
    assert ledger.aggregate("employee", NIP).version == 4


def test_a_stale_expected_version_is_refused_even_when_this_process_cached_the_older_version(ledger, twin, hr):
    hr.employee(ledger)
    ledger.state("employee", NIP)
    hr.record(twin, hr.training(jp=7))
    with pytest.raises(VersionConflict):
        ledger.record([{**hr.training(jp=3), "expected_version": 1}], "clerk")
    (receipt,), _ = ledger.record([{**hr.training(jp=3), "expected_version": 2}], "clerk")
    assert receipt["version"] == 3


def test_a_refused_batch_leaves_the_cached_stream_as_it_was(ledger, hr):
    hr.employee(ledger, hr.training(jp=5))
    before = ledger.state("employee", NIP)
    cached = ledger.aggregate("employee", NIP)
    facts = list(cached.facts)
    with pytest.raises(RuleViolated):
        # the training is decided (and applied to the batch's copy) before the promotion is refused
        ledger.record([hr.training(jp=9), hr.promote(from_grade="IV/a", to_grade="IV/b")], "clerk", batch=True)
    assert ledger.aggregate("employee", NIP) is cached and cached.facts == facts
    assert ledger.state("employee", NIP) == before
    assert ledger.head() == 5


def test_an_aggregate_handed_to_a_reader_is_never_changed_by_later_writes(ledger, hr):
    hr.employee(ledger)
    seen = ledger.aggregate("employee", NIP)
    version, facts = seen.version, list(seen.facts)
    hr.record(ledger, hr.training(jp=4), hr.training(jp=6))
    assert (seen.version, seen.facts) == (version, facts)
    assert ledger.aggregate("employee", NIP).version == version + 2


def test_concurrent_writers_and_readers_agree_with_an_uncached_ledger(ledger, twin, uncached, hr):
    hr.employee(ledger)
    errors: list[BaseException] = []
    reads: list[dict] = []

    def write(app, n):
        try:
            for _ in range(n):
                hr.record(app, hr.training(jp=1))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def read(n):
        try:
            for _ in range(n):
                reads.append(ledger.state("employee", NIP))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(ledger, 15)), threading.Thread(target=write, args=(ledger, 15)),
               threading.Thread(target=write, args=(twin, 15)), threading.Thread(target=read, args=(60,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # every state a reader saw was a whole version: its JP equals its number of trainings
    for state in reads:
        assert state["training"].get(2025, 0) == state["version"] - 1
    for app in (ledger, twin):
        assert app.state("employee", NIP) == uncached.state("employee", NIP)
    assert uncached.state("employee", NIP)["training"] == {2025: 45}
    now = datetime.now(timezone.utc)
    assert ledger.state("employee", NIP, as_of=now) == uncached.state("employee", NIP, as_of=now)


def test_the_cache_holds_at_most_its_size(database_url, hr):
    app = Ledger(database_url, env={"JEJAK_AGGREGATE_CACHE": "2"})
    try:
        hr.record(app, hr.unit(), hr.unit("DINKES", "Dinas Kesehatan"), hr.unit("DISDIK", "Dinas Pendidikan"))
        for code in ("BKPSDM", "DINKES", "DISDIK"):
            app.state("unit", code)
        assert len(app.aggregates.items) == 2
        assert app.state("unit", "BKPSDM")["name"] == "Badan Kepegawaian dan Pengembangan SDM"
    finally:
        app.close()


def test_a_refusal_decided_on_a_stale_cached_stream_is_decided_again_on_what_is_stored(ledger, twin, hr):
    hr.employee(ledger)
    ledger.state("employee", NIP)  # cached here without a plan for 2025
    hr.record(twin, hr.plan(2025))
    (receipt,), _ = ledger.record([hr.evaluate(2025)], "clerk")  # no "evaluation_needs_plan" from the cache
    assert receipt["version"] == 3


def test_a_stream_only_read_by_a_decision_is_read_again_when_another_process_changed_it(ledger, twin, hr):
    hr.employee(ledger, hr.plan(2026))
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    ledger.state("employee", hr.EVALUATOR)  # cached here while still serving
    hr.record(twin, hr.separate("retired", tmt="2026-02-01", nip=hr.EVALUATOR))
    hr.finds(ledger, hr.evaluate(2026), "evaluator_active")  # the evaluator as stored, not as cached

