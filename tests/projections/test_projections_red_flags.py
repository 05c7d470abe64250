"""Each red-flag kind: a minimal history that raises it, and a near miss that does not."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

import projection_support as s
from ledger.application import Ledger
from ledger.events import TrainingBudgetRealised
from ledger.stream import stream_id
from projections import queries
from projections.runner import Projections

A, B, BOSS = s.nip(1), s.nip(2), s.nip(3)


@pytest.fixture
def clock():
    return s.Clock(datetime(2025, 11, 3, 2, 0, tzinfo=timezone.utc))  # 09:00 WIB, a Monday


@pytest.fixture
def world(database_url, clock):
    """Two units, employee A (pelaksana) and BOSS (administrator) in DINKES; projections on the same DB."""
    ledger = Ledger(database_url, clock=clock)
    projections = Projections(database_url)
    for code in ("DINKES", "BKPSDM"):
        s.record(ledger, s.unit(code))
    s.record(ledger, s.appoint(A, "DINKES", "pelaksana"))
    s.record(ledger, s.appoint(BOSS, "DINKES", "administrator"))
    yield ledger, projections
    projections.close()
    ledger.close()


def flags_of(ledger, projections, kind):
    projections.catch_up(ledger)
    return queries.flags(projections.engine, kind=kind)


def test_an_action_recorded_by_its_own_subject_is_flagged(world):
    ledger, projections = world
    rec = s.record(ledger, s.promote(A, "III/a", "III/b", kind="pilihan"), actor=A)
    [flag] = flags_of(ledger, projections, "self_action")
    assert flag["subject"] == A and flag["positions"] == [rec["position"]] and flag["detail"]["roles"] == ["actor"]


def test_an_action_on_behalf_of_its_own_subject_is_flagged(world):
    ledger, projections = world
    s.record(ledger, s.promote(A, "III/a", "III/b", kind="pilihan", on_behalf_of=A))
    [flag] = flags_of(ledger, projections, "self_action")
    assert flag["detail"]["roles"] == ["on_behalf_of"]


def test_an_action_on_behalf_of_a_superior_is_not_a_self_action(world):
    ledger, projections = world
    s.record(ledger, s.promote(A, "III/a", "III/b", kind="pilihan", on_behalf_of=BOSS))
    assert flags_of(ledger, projections, "self_action") == []


def test_an_evaluator_outside_the_hierarchy_is_flagged(world):
    ledger, projections = world
    s.record(ledger, s.plan(A, BOSS))
    rec = s.record(ledger, s.evaluate(A, BOSS))  # a pelaksana is evaluated by a pengawas, not an administrator
    [flag] = flags_of(ledger, projections, "evaluator_hierarchy")
    assert flag["positions"] == [rec["position"]] and flag["unit"] == "DINKES"


def test_an_evaluator_within_the_hierarchy_is_not_flagged(world):
    ledger, projections = world
    s.record(ledger, s.appoint(B, "DINKES", "pengawas"))
    s.record(ledger, s.plan(A, B))
    s.record(ledger, s.evaluate(A, B))
    assert flags_of(ledger, projections, "evaluator_hierarchy") == []


def assign(nip: str, eff: str) -> dict:
    return {"type": "PositionAssigned", "subject": nip, "effective_date": eff, "legal_basis": s.LB,
            "data": {"position": {"type": "pengawas", "title": "Kepala Seksi"}, "unit": "DINKES"}}


def test_a_tmt_91_days_before_recording_is_flagged_as_backdated(world):
    ledger, projections = world
    rec = s.record(ledger, assign(A, "2025-08-04"))  # recorded 2025-11-03 WIB
    [flag] = flags_of(ledger, projections, "backdated")
    assert flag["positions"] == [rec["position"]] and flag["detail"]["days"] == 91


def test_a_tmt_90_days_before_recording_is_not_backdated(world):
    ledger, projections = world
    s.record(ledger, assign(A, "2025-08-05"))
    assert flags_of(ledger, projections, "backdated") == []


def test_annulling_a_backdated_event_removes_its_flag_and_correcting_the_tmt_rejudges_it(world):
    ledger, projections = world
    first = s.record(ledger, assign(A, "2025-08-04"))
    second = s.record(ledger, assign(A, "2025-10-01"))
    assert len(flags_of(ledger, projections, "backdated")) == 1
    s.record(ledger, s.annul(A, first["event_id"]))
    assert flags_of(ledger, projections, "backdated") == []
    fix = s.record(ledger, s.correct(A, second["event_id"], effective_date="2025-01-02"))
    [flag] = flags_of(ledger, projections, "backdated")
    assert flag["positions"] == [second["position"], fix["position"]]


def test_a_regular_promotion_without_two_baik_years_is_flagged(world):
    ledger, projections = world
    rec = s.record(ledger, s.promote(A, "III/a", "III/b"))
    [flag] = flags_of(ledger, projections, "promotion_without_two_baik")
    assert flag["positions"] == [rec["position"]]


def test_a_regular_promotion_after_two_baik_years_is_not_flagged(world):
    ledger, projections = world
    for year in (2023, 2024):
        s.record(ledger, s.plan(A, BOSS, year))
        s.record(ledger, s.evaluate(A, BOSS, year))
    s.record(ledger, s.promote(A, "III/a", "III/b"))
    assert flags_of(ledger, projections, "promotion_without_two_baik") == []


def legacy_realisation(ledger: Ledger, code: str, amount: int) -> None:
    """A realisation from before the allocation rule (a migrated record): appended without the rules,
    which is the only way such an event can exist, since `Ledger.record` refuses it."""
    agg = ledger.repository.get(stream_id("unit", code))
    agg.trigger_event(TrainingBudgetRealised, data={"year": 2025, "amount": amount},
                      meta={"event_id": str(uuid.uuid4()), "subject": code, "actor": "migration-2019",
                            "source": "simpeg-lama", "effective_date": None, "warnings": []},
                      timestamp=ledger.clock())
    ledger.save(agg)


def test_realisation_beyond_allocation_is_flagged(world):
    ledger, projections = world
    s.record(ledger, s.allocate("DINKES", 1_000_000))
    legacy_realisation(ledger, "DINKES", 1_000_001)
    [flag] = flags_of(ledger, projections, "realisation_beyond_allocation")
    assert flag["detail"] == {"year": 2025, "allocated": 1_000_000, "realised": 1_000_001}
    assert len(flag["positions"]) == 2


def test_realisation_of_exactly_the_allocation_is_not_flagged(world):
    ledger, projections = world
    s.record(ledger, s.allocate("DINKES", 1_000_000))
    s.record(ledger, s.train(A, "DINKES", cost=1_000_000))
    assert flags_of(ledger, projections, "realisation_beyond_allocation") == []


def burst(ledger, clock, n, hour_utc):
    clock.now = clock.now.replace(hour=hour_utc)
    for _ in range(n):
        clock.advance(seconds=20)
        s.record(ledger, s.allocate("BKPSDM", 1000), actor="night-sync")


def test_twenty_events_by_one_actor_after_18_wib_are_a_burst(world, clock):
    ledger, projections = world
    burst(ledger, clock, 20, 12)  # 19:00 WIB
    [flag] = flags_of(ledger, projections, "off_hours_burst")
    assert flag["actor"] == "night-sync" and len(flag["positions"]) == 20
    assert flag["detail"]["block_starts"] == "2025-11-03"


def test_nineteen_events_after_hours_or_twenty_in_office_hours_are_no_burst(world, clock):
    ledger, projections = world
    burst(ledger, clock, 19, 12)  # 19:00 WIB
    clock.advance(days=1)
    burst(ledger, clock, 20, 3)  # 10:00 WIB
    assert flags_of(ledger, projections, "off_hours_burst") == []


def test_flags_can_be_paged_and_filtered_by_unit(world):
    ledger, projections = world
    s.record(ledger, assign(A, "2025-01-02"))
    s.record(ledger, s.promote(A, "III/a", "III/b"), actor=A)
    projections.catch_up(ledger)
    every = queries.flags(projections.engine)
    assert [f["id"] for f in every] == sorted(f["id"] for f in every) and len(every) >= 3
    assert queries.flags(projections.engine, after_id=every[0]["id"], limit=1) == [every[1]]
    assert queries.flags(projections.engine, unit="BKPSDM") == []
    with pytest.raises(ValueError, match="kind"):
        queries.flags(projections.engine, kind="nonsense")



def test_findings_are_listed_by_rule_and_an_annulment_voids_them_live_as_rebuilt(world, database_url):
    ledger, projections = world
    two_steps = s.record(ledger, s.promote(A, "III/a", "III/b", kind="pilihan"))  # no two Baik years
    s.record(ledger, s.promote(BOSS, "III/a", "III/b", kind="pengabdian"))  # no predikat asked: no finding
    projections.catch_up(ledger)
    [found] = queries.flags(projections.engine, rule="promotion_two_baik_years")
    assert found["kind"] == "finding" and found["positions"] == [two_steps["position"]] and found["unit"] == "DINKES"
    assert found["detail"]["regulation"] == "PP 99/2000" and found["detail"]["type"] == "PromotionGranted"
    findings = queries.flags(projections.engine, kind="finding")  # its other finding: under 4 years in rank
    assert found in findings and {f["event_id"] for f in findings} == {two_steps["event_id"]}
    assert queries.flags(projections.engine, rule="evaluator_hierarchy") == []
    # `rule` selects findings: a red flag of another kind carries none, so the page is empty
    assert queries.flags(projections.engine, kind="backdated", rule="promotion_two_baik_years") == []
    s.record(ledger, s.annul(A, two_steps["event_id"]))
    assert flags_of(ledger, projections, "finding") == []
    kept = s.record(ledger, s.promote(BOSS, "III/b", "III/c", kind="reguler"))
    assert {f["event_id"] for f in flags_of(ledger, projections, "finding")} == {kept["event_id"]}
    rebuilt = Projections(database_url)
    try:
        live = s.dump(projections.engine, ["red_flags"])
        rebuilt.rebuild(ledger)
        assert s.dump(rebuilt.engine, ["red_flags"]) == live and live["proj_finding"]
    finally:
        rebuilt.close()
