"""Reads: metadata kept with every event, the feed in gapless order, and the CONTRACT's bitemporal boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from ledger.errors import NotFound, ValidationFailed

NIP = "198503122010011002"


def moment(receipt):
    return datetime.fromisoformat(receipt["recorded_at"].replace("Z", "+00:00"))


def test_every_metadata_field_is_stored_with_the_event(ledger, hr):
    hr.employee(ledger)
    body = {**hr.promote(kind="reguler"), "reason": "Periode April 2025", "on_behalf_of": "197901012005011001",
            "correlation_id": "siasn-2025-03-21"}
    (receipt,), _ = ledger.record([body], "siasn-sync", source="siasn", idempotency_key="k-9")
    event = ledger.event(receipt["event_id"])
    assert {k: event[k] for k in ("type", "subject", "version", "actor", "on_behalf_of", "source", "correlation_id",
                                  "idempotency_key", "effective_date", "legal_basis", "reason", "derived")} == {
        "type": "PromotionGranted", "subject": NIP, "version": 2, "actor": "siasn-sync",
        "on_behalf_of": "197901012005011001", "source": "siasn", "correlation_id": "siasn-2025-03-21",
        "idempotency_key": "k-9", "effective_date": "2025-04-01", "legal_basis": hr.SK,
        "reason": "Periode April 2025", "derived": False}
    assert event["data"] == body["data"]
    assert [w["rule"] for w in event["warnings"]] == ["promotion_two_baik_years"]
    assert {k: event[k] for k in receipt} == receipt
    assert ledger.locate(receipt["event_id"])["position"] == receipt["position"] == ledger.head()


def test_the_feed_is_gapless_and_history_pages_by_version(ledger, hr):
    hr.employee(ledger, *[hr.training(jp=i + 1) for i in range(5)])
    feed = ledger.feed(0, 100)
    assert [e["position"] for e in feed] == list(range(1, ledger.head() + 1))
    assert [e["position"] for e in ledger.feed(3, 2)] == [4, 5]
    assert [e["version"] for e in ledger.history("employee", NIP, after_version=2, limit=2)] == [3, 4]
    assert [e["position"] for e in ledger.events_at([9, 4, 5, 4])] == [4, 5, 9]
    assert all(len(e["leaf_hash"]) == 64 for e in feed)


def test_unknown_subjects_and_events_are_not_found(ledger, hr):
    hr.record(ledger, hr.unit())
    with pytest.raises(NotFound):
        ledger.state("employee", NIP)
    with pytest.raises(NotFound):
        ledger.history("employee", NIP)
    with pytest.raises(NotFound):
        ledger.event("00000000-0000-4000-8000-000000000000")
    assert ledger.locate("00000000-0000-4000-8000-000000000000") is None


def test_an_empty_or_oversized_request_is_refused(ledger, hr):
    with pytest.raises(ValidationFailed):
        ledger.record([], "clerk", batch=True)
    with pytest.raises(ValidationFailed):
        ledger.record([hr.unit(f"U{i}") for i in range(1001)], "clerk", batch=True)
    assert ledger.head() == 0


def test_as_of_a_recording_time_includes_that_event(clocked_ledger, hr):
    ledger = clocked_ledger
    _, promotion = hr.employee(ledger, hr.plan(), hr.promote())
    at = moment(promotion)
    assert ledger.state("employee", NIP, as_of=at)["grade"] == "III/b"
    before = ledger.state("employee", NIP, as_of=at - timedelta(microseconds=1))
    assert (before["grade"], before["version"]) == ("III/a", 2)
    with pytest.raises(NotFound):
        ledger.state("employee", NIP, as_of=at - timedelta(days=1))


def test_valid_at_a_tmt_shows_the_new_state_and_before_appointment_there_is_none(ledger, hr):
    hr.employee(ledger, hr.promote(tmt="2025-04-01"), hr.transfer(tmt="2025-03-01"))
    assert ledger.state("employee", NIP, valid_at=date(2025, 4, 1))["grade"] == "III/b"
    assert ledger.state("employee", NIP, valid_at=date(2025, 3, 31))["grade"] == "III/a"
    assert ledger.state("employee", NIP, valid_at=date(2025, 3, 1))["unit"] == "DINKES"
    with pytest.raises(NotFound) as caught:
        ledger.state("employee", NIP, valid_at=date(2009, 12, 31))
    assert caught.value.field == "valid_at"


def test_an_annulment_counts_from_its_recording_for_every_valid_date(clocked_ledger, hr):
    ledger = clocked_ledger
    (promotion,) = hr.employee(ledger, hr.promote(tmt="2025-04-01"))
    (annulment,) = hr.record(ledger, hr.annul(promotion["event_id"]))
    late = date(2026, 1, 1)
    assert ledger.state("employee", NIP, valid_at=late)["grade"] == "III/a"
    believed = ledger.state("employee", NIP, as_of=moment(annulment) - timedelta(microseconds=1), valid_at=late)
    assert believed["grade"] == "III/b"
    assert [e["type"] for e in ledger.history("employee", NIP)] == ["EmployeeAppointed", "PromotionGranted",
                                                                    "Annulled"]


def test_a_correction_counts_from_its_recording_for_the_originals_valid_dates(clocked_ledger, hr):
    ledger = clocked_ledger
    (promotion,) = hr.employee(ledger, hr.promote("III/a", "III/b", tmt="2025-04-01"))
    (fix,) = hr.record(ledger, hr.correct(promotion["event_id"], {"effective_date": "2025-08-01"}))
    assert ledger.state("employee", NIP, valid_at=date(2025, 5, 1))["grade"] == "III/a"
    assert ledger.state("employee", NIP, valid_at=date(2025, 8, 1))["grade"] == "III/b"
    earlier = ledger.state("employee", NIP, as_of=moment(promotion), valid_at=date(2025, 5, 1))
    assert earlier["grade"] == "III/b"


def test_annulling_a_paid_training_is_one_atomic_request_on_two_streams(ledger, hr):
    (paid,) = hr.employee(ledger, hr.training(cost=2_500_000))
    head = ledger.head()
    receipts, _ = ledger.record([hr.annul(paid["event_id"])], "clerk")
    assert [r["subject"] for r in receipts] == [NIP]  # the derived annulment is not a receipt
    derived = ledger.feed(head, 10)
    assert [(e["type"], e["subject"], e["derived"]) for e in derived] == [
        ("Annulled", NIP, False), ("Annulled", "BKPSDM", True)]
    assert ledger.state("employee", NIP)["training"] == {}
    assert ledger.state("unit", "BKPSDM")["budgets"][2025]["realised"] == 0


def test_receipts_are_exactly_what_was_stored_for_single_batch_and_derived_events(ledger, hr):
    hr.employee(ledger)
    (single,), _ = ledger.record([hr.leave()], "clerk")
    batch, _ = ledger.record([hr.training(jp=4, cost=250_000), hr.training(jp=6), hr.plan()], "clerk", batch=True)
    for receipt in [single, *batch]:
        stored = ledger.event(receipt["event_id"])
        assert {k: stored[k] for k in receipt} == receipt
        assert len(receipt["leaf_hash"]) == 64
    # the cost's derived budget realisation is recorded right after its cause but gets no receipt
    assert [r["position"] for r in batch] == [single["position"] + 1, single["position"] + 3,
                                              single["position"] + 4]
    assert ledger.feed(single["position"] + 1, 1)[0]["type"] == "TrainingBudgetRealised"


def test_events_at_scattered_positions_read_in_one_query_equal_the_feeds_views(ledger, hr):
    hr.employee(ledger, *[hr.training(jp=i + 1) for i in range(8)])
    feed = {e["position"]: e for e in ledger.feed(0, 100)}
    scattered = [9, 2, 5, 7, 2, 11]  # four runs, a repeat, out of order
    got = ledger.events_at(scattered)
    assert [e["position"] for e in got] == sorted(set(scattered))
    assert got == [feed[p] for p in sorted(set(scattered))]
    assert all(e["leaf_hash"] for e in got)
    assert ledger.events_at([]) == [] and ledger.events_at([3, 4]) == [feed[3], feed[4]]


def test_a_cold_read_folds_the_stream_as_the_event_stores_own_projector_does(database_url, hr):
    """Reads fold with `ledger.reading.play` (no per-event Protocol check): at every recorded moment
    the state equals the library's `project_aggregate` over the same events."""
    from eventsourcing.application import project_aggregate

    from ledger.application import Ledger
    from ledger.stream import stream_id

    cold = Ledger(database_url, env={"JEJAK_AGGREGATE_CACHE": "0"})
    try:
        hr.employee(cold, *[hr.training(jp=i + 1) for i in range(4)], hr.promote(kind="reguler"))
        events = list(cold.events.get(stream_id("employee", NIP)))
        reference = project_aggregate(None, events)
        for event in events:
            expected = reference.state(as_of=event.timestamp)
            got = cold.state("employee", NIP, as_of=event.timestamp)
            assert {k: got[k] for k in expected} == expected
        assert cold.aggregate("employee", NIP).version == reference.version == len(events)
    finally:
        cold.close()
