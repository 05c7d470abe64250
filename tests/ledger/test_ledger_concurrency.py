"""Idempotency keys and expected versions hold under threads sharing one Ledger, on both backends."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ledger.errors import IdempotencyMismatch, RuleViolated, VersionConflict

NIP = "198503122010011002"


def test_a_repeated_key_with_the_same_body_returns_the_original_receipts_and_records_nothing(ledger, hr):
    hr.employee(ledger)
    body = [hr.promote(), hr.training(cost=500_000)]
    first, replayed = ledger.record(body, "siasn-sync", batch=True, idempotency_key="k-1")
    assert replayed is False and len(first) == 2  # the derived realisation is not a receipt
    head = ledger.head()
    again, replayed = ledger.record(body, "siasn-sync", batch=True, idempotency_key="k-1")
    assert replayed is True and again == first
    assert ledger.head() == head


def test_a_repeated_key_with_another_body_is_refused_and_records_nothing(ledger, hr):
    hr.employee(ledger)
    ledger.record([hr.promote()], "siasn-sync", idempotency_key="k-1")
    head = ledger.head()
    with pytest.raises(IdempotencyMismatch) as caught:
        ledger.record([hr.training()], "siasn-sync", idempotency_key="k-1")
    assert caught.value.field == "Idempotency-Key"
    assert ledger.head() == head


def test_idempotency_keys_are_scoped_to_the_principal(ledger, hr):
    hr.employee(ledger)
    ledger.record([hr.training()], "siasn-sync", idempotency_key="k-1")
    _, replayed = ledger.record([hr.training()], "clerk", idempotency_key="k-1")
    assert replayed is False
    assert ledger.state("employee", NIP)["training"] == {2025: 40}


def test_a_refused_request_does_not_claim_its_key(ledger, hr):
    hr.employee(ledger)
    with pytest.raises(RuleViolated):
        ledger.record([hr.promote(to_grade="III/c")], "clerk", idempotency_key="k-1")
    (receipt,), replayed = ledger.record([hr.promote()], "clerk", idempotency_key="k-1")
    assert replayed is False and receipt["version"] == 2


def test_ten_threads_racing_with_one_key_record_exactly_one_event(ledger, hr):
    hr.employee(ledger)
    head = ledger.head()
    start = threading.Barrier(10)

    def post(_):
        start.wait()
        return ledger.record([hr.training(jp=3)], "siasn-sync", idempotency_key="race")

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(post, range(10)))
    receipts = {r[0]["event_id"] for r, _ in results}
    assert len(receipts) == 1
    assert sorted(replayed for _, replayed in results) == [False] + [True] * 9
    assert ledger.head() == head + 1
    assert ledger.state("employee", NIP)["training"] == {2025: 3}


def test_eight_threads_appending_with_expected_versions_use_every_version_once(ledger, hr):
    hr.employee(ledger)
    per_thread, lock = 6, threading.Lock()
    recorded: list[tuple[int, int]] = []
    conflicts = [0]
    start = threading.Barrier(8)

    def append(worker: int) -> None:
        start.wait()
        done = 0
        while done < per_thread:
            version = ledger.state("employee", NIP)["version"]
            body = {**hr.training(jp=1), "expected_version": version, "correlation_id": f"w{worker}-{done}"}
            try:
                (receipt,), _ = ledger.record([body], f"worker-{worker}")
            except VersionConflict:
                with lock:
                    conflicts[0] += 1
                continue
            assert receipt["version"] == version + 1
            with lock:
                recorded.append((receipt["version"], receipt["position"]))
            done += 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(append, range(8)))
    total = 8 * per_thread
    assert sorted(v for v, _ in recorded) == list(range(2, 2 + total))
    history = ledger.history("employee", NIP, limit=1000)
    assert [e["version"] for e in history] == list(range(1, 2 + total))
    assert sorted(e["correlation_id"] for e in history[1:]) == sorted(
        f"w{w}-{i}" for w in range(8) for i in range(per_thread))
    assert conflicts[0] > 0  # the threads really raced
    assert ledger.head() == 4 + total
    assert [e["position"] for e in ledger.feed(0, 1000)] == list(range(1, 5 + total))
    assert ledger.state("employee", NIP)["training"] == {2025: total}


def _nip(i: int) -> str:
    return f"1985031{i}2010011{i:03d}"


def test_paid_trainings_racing_on_one_funding_unit_never_overspend_nor_conflict_falsely(ledger, hr):
    hr.record(ledger, hr.unit(), hr.budget(amount=5_000))
    for i in range(8):
        hr.record(ledger, hr.appoint(nip=_nip(i)))
    start = threading.Barrier(8)

    def pay(i: int):
        start.wait()
        body = {**hr.training(cost=1_000, nip=_nip(i)), "expected_version": 1}
        try:
            return ledger.record([body], "clerk")[0][0]
        except RuleViolated as exc:
            return exc.rule

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(pay, range(8)))
    paid = [o for o in outcomes if isinstance(o, dict)]
    assert len(paid) == 5  # no VersionConflict: each employee's expected version was right
    assert sorted(o for o in outcomes if not isinstance(o, dict)) == ["budget_within_allocation"] * 3
    assert ledger.state("unit", "BKPSDM")["budgets"][2025] == {"allocated": 5_000, "realised": 5_000, "remaining": 0}
    assert sum(ledger.state("employee", _nip(i))["training"].get(2025, 0) for i in range(8)) == 5 * 20
