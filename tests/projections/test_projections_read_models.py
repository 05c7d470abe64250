"""What each read model shows, with corrections and annulments honoured."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy

import projection_support as s
from ledger.application import Ledger
from projections import queries
from projections.runner import Projections

A, BOSS = s.nip(1), s.nip(3)


@pytest.fixture
def clock():
    return s.Clock(datetime(2025, 11, 3, 2, 0, tzinfo=timezone.utc))  # Monday 09:00 WIB


@pytest.fixture
def world(database_url, clock):
    ledger = Ledger(database_url, clock=clock)
    projections = Projections(database_url)
    for code in ("DINKES", "BKPSDM"):
        s.record(ledger, s.unit(code))
    s.record(ledger, s.appoint(A, "DINKES", "pelaksana"))
    s.record(ledger, s.appoint(BOSS, "DINKES", "pengawas"))
    yield ledger, projections
    projections.close()
    ledger.close()


def seen(ledger, projections):
    projections.catch_up(ledger)
    return projections.engine


def test_the_roster_shows_a_promotion_and_reverts_it_when_annulled(world):
    ledger, projections = world
    rec = s.record(ledger, s.promote(A, "III/a", "III/b", kind="pilihan"))
    [row] = queries.employees(seen(ledger, projections), grade="III/b")
    assert row["nip"] == A and row["position"] == {"type": "pelaksana", "title": "Pelaksana"}
    assert row["last_position"] == rec["position"] and row["version"] == 2
    s.record(ledger, s.annul(A, rec["event_id"]))
    engine = seen(ledger, projections)
    assert queries.employees(engine, grade="III/b") == []
    assert [e["nip"] for e in queries.employees(engine, unit="DINKES")] == sorted([A, BOSS])
    assert queries.employees(engine, unit="DINKES", after_nip=min(A, BOSS)) == \
        queries.employees(engine, unit="DINKES")[1:]


def test_training_counts_corrected_jp_drops_annulled_trainings_and_marks_the_20_jp_duty(world):
    ledger, projections = world
    s.record(ledger, s.allocate("DINKES", 1_000_000))
    first = s.record(ledger, s.train(A, "DINKES", jp=8, cost=400_000))
    second = s.record(ledger, s.train(A, "DINKES", jp=10))
    s.record(ledger, s.correct(A, second["event_id"], jp=12))
    [year] = queries.training(seen(ledger, projections), A, 2025)
    assert (year["jp"], year["cost"], year["duty_met"], len(year["records"])) == (20, 400_000, True, 2)
    assert queries.unit_budget(projections.engine, "DINKES") == [
        {"unit": "DINKES", "year": 2025, "allocated": 1_000_000, "realised": 400_000, "remaining": 600_000}]
    s.record(ledger, s.annul(A, first["event_id"]))  # the ledger annuls its realisation with it
    engine = seen(ledger, projections)
    [year] = queries.training(engine, A)
    assert (year["jp"], year["cost"], year["duty_met"]) == (12, 0, False)
    assert queries.unit_budget(engine, "DINKES", 2025)[0]["realised"] == 0


def appoint_pppk(n, code, employment_type="pppk"):
    body = s.appoint(n, code)
    body["data"].update(employment_type=employment_type, grade="IX")
    return body


def test_the_20_jp_duty_judges_pns_only_and_a_pppk_over_24_jp_is_flagged(world):
    ledger, projections = world
    p, half = s.nip(20), s.nip(21)
    s.record(ledger, appoint_pppk(p, "DINKES"))
    s.record(ledger, appoint_pppk(half, "DINKES", "pppk_paruh_waktu"))
    s.record(ledger, s.train(A, "DINKES", jp=19))
    s.record(ledger, s.train(p, "DINKES", jp=30))
    s.record(ledger, s.train(half, "DINKES", jp=24))
    engine = seen(ledger, projections)
    [pns] = queries.training(engine, A)
    assert (pns["jp"], pns["duty_jp"], pns["duty_met"], pns["ceiling_jp"], pns["over_pppk_ceiling"]) == \
        (19, 20, False, None, None)
    [over] = queries.training(engine, p)
    assert (over["employment_type"], over["duty_jp"], over["duty_met"], over["ceiling_jp"], over["over_pppk_ceiling"]) \
        == ("pppk", None, None, 24, True)
    [at] = queries.training(engine, half)
    assert (at["duty_met"], at["over_pppk_ceiling"]) == (None, False)


def test_training_attainment_of_a_unit_counts_its_pns_only(world):
    ledger, projections = world
    for i in range(10, 15):  # with A, 6 PNS in DINKES (BOSS moves out), all under 20 JP
        s.record(ledger, s.appoint(s.nip(i), "DINKES"))
        s.record(ledger, s.train(s.nip(i), "DINKES", jp=19))
    s.record(ledger, s.transfer(BOSS, "DINKES", "BKPSDM"))
    for i in range(20, 30):  # 10 PPPK, none trained: not "below 20 JP"
        s.record(ledger, appoint_pppk(s.nip(i), "DINKES"))
    engine = seen(ledger, projections)
    dinkes = queries.public_unit(engine, "DINKES")
    assert dinkes["headcount"]["total"] == 16 and dinkes["headcount"]["pns"] == 6
    assert dinkes["training"]["2025"] == {"staff": 6, "met_20_jp": {"suppressed": True},
                                          "below_20_jp": {"suppressed": True}}
    for i in range(10, 15):  # 5 PNS reach 20 JP, A (no training) and nobody else stays below
        s.record(ledger, s.train(s.nip(i), "DINKES", jp=1))
    for i in range(15, 19):
        s.record(ledger, s.appoint(s.nip(i), "DINKES"))
    dinkes = queries.public_unit(seen(ledger, projections), "DINKES")
    assert dinkes["training"]["2025"] == {"staff": 10, "met_20_jp": 5, "below_20_jp": 5}


def test_a_database_built_before_the_pns_only_duty_rebuilds_training_and_public_stats(world, database_url):
    ledger, projections = world
    s.record(ledger, appoint_pppk(s.nip(20), "DINKES"))
    s.record(ledger, s.train(s.nip(20), "DINKES", jp=2))
    seen(ledger, projections)
    expected = s.dump(projections.engine, ["training", "public_stats"])
    with projections.engine.begin() as conn:  # the old tables: no ceiling, no jp_duty, a PPPK judged below 20 JP
        conn.execute(sqlalchemy.text("ALTER TABLE proj_training_year DROP COLUMN over_pppk_ceiling"))
        conn.execute(sqlalchemy.text("ALTER TABLE proj_public_member DROP COLUMN jp_duty"))
        conn.execute(sqlalchemy.text("UPDATE proj_training_year SET duty_met = false"))
    projections.close()
    again = Projections(database_url)
    try:
        assert s.tracking(again.engine)["training"] == s.tracking(again.engine)["public_stats"] == 0
        assert s.tracking(again.engine)["roster"] == ledger.head()
        again.catch_up(ledger)
        assert s.dump(again.engine, ["training", "public_stats"]) == expected
        assert queries.training(again.engine, s.nip(20))[0]["duty_met"] is None
    finally:
        again.close()


def test_evaluations_carry_ratings_evaluator_and_the_predikat_after_an_objection(world):
    ledger, projections = world
    s.record(ledger, s.plan(A, BOSS, 2024))
    ev = s.record(ledger, s.evaluate(A, BOSS, 2024, results="di_bawah", behaviour="sesuai", predikat="butuh_perbaikan"))
    obj = s.record(ledger, {"type": "ObjectionFiled", "subject": A, "data": {
        "evaluation_event_id": ev["event_id"], "filed_on": "2025-01-05", "grounds": "Target tidak realistis"}})
    s.record(ledger, {"type": "ObjectionDecided", "subject": A, "data": {
        "objection_event_id": obj["event_id"], "outcome": "upheld", "decided_by": s.nip(9), "new_predikat": "baik"}})
    [row] = queries.evaluations(seen(ledger, projections), A)
    assert (row["predikat"], row["original_predikat"], row["objection"], row["evaluator"]) == \
        ("baik", "butuh_perbaikan", "upheld", BOSS)
    assert row["evaluated_on"] == "2024-12-31" and row["period"] == {"year": 2024, "kind": "annual", "number": None}


def test_a_ticket_shows_each_step_time_and_a_late_verification_breach_but_never_its_contact(world, clock):
    ledger, projections = world
    s.record(ledger, {**s.ticket("LPR-1", "DINKES"), "data": {**s.ticket("LPR-1", "DINKES")["data"],
                                                               "anonymous": False, "contact_encrypted": "enc:abc"}})
    clock.advance(days=4)  # Friday: due was Thursday
    s.record(ledger, s.step("LPR-1", "FeedbackVerified"))
    s.record(ledger, s.step("LPR-1", "FeedbackDispositioned", to_unit="BKPSDM"))
    clock.advance(hours=5)
    s.record(ledger, s.step("LPR-1", "FeedbackResponded", response="Sudah diperbaiki"))
    engine = seen(ledger, projections)
    number = ledger.state("feedback", "LPR-1")["public_number"]
    t = queries.feedback_ticket(engine, number.lower())
    assert t["ticket"] == number and queries.feedback_ticket(engine, "LPR-1") is None  # only the public number
    assert t["status"] == "responded" and t["unit"] == "BKPSDM" and t["response"] == "Sudah diperbaiki"
    assert t["verification_due"] == "2025-11-06" and t["verification_breached"] is True
    assert t["steps"]["received"] == "2025-11-03T02:00:00.000000Z" and t["response_hours"] == 101.0
    assert "enc:abc" not in str(t) and "contact" not in str(t)


def test_a_waiting_ticket_is_judged_against_the_clock(world):
    ledger, projections = world
    s.record(ledger, s.ticket("LPR-2", "DINKES"))
    engine = seen(ledger, projections)
    number = ledger.state("feedback", "LPR-2")["public_number"]
    assert queries.feedback_ticket(engine, number, now=datetime(2025, 11, 6, 10, tzinfo=timezone.utc))[
        "verification_breached"] is False
    assert queries.feedback_ticket(engine, number, now=datetime(2025, 11, 7, 1, tzinfo=timezone.utc))[
        "verification_breached"] is True
    assert queries.feedback_ticket(engine, "nope") is None


def test_public_stats_count_five_or_more_and_suppress_smaller_groups(world):
    ledger, projections = world
    for i in range(10, 15):
        s.record(ledger, s.appoint(s.nip(i), "BKPSDM", "pelaksana"))
    engine = seen(ledger, projections)
    bk = queries.public_unit(engine, "BKPSDM")
    assert bk["headcount"] == {"total": 5, "by_position_type": {"pelaksana": 5}, "pns": 5}
    assert queries.public_unit(engine, "DINKES")["headcount"]["total"] == {"suppressed": True}
    s.record(ledger, s.transfer(s.nip(10), "BKPSDM", "DINKES"))
    engine = seen(ledger, projections)
    assert queries.public_unit(engine, "BKPSDM")["headcount"]["total"] == {"suppressed": True}
    assert [u["code"] for u in queries.public_units(engine)] == ["BKPSDM", "DINKES"]
    assert "nip" not in str(queries.public_units(engine)).lower()


def test_the_audit_index_lists_changes_newest_first_with_filters_and_pages(world):
    ledger, projections = world
    promo = s.record(ledger, s.promote(A, "III/a", "III/b", kind="pilihan", on_behalf_of=BOSS), actor="siasn-sync")
    fix = s.record(ledger, s.correct(A, promo["event_id"], kind="penghargaan"))
    engine = seen(ledger, projections)
    rows = queries.audit(engine, subject=A)
    assert [r["position"] for r in rows] == [fix["position"], promo["position"], 3]
    assert rows[1]["changes"] == [{"field": "grade", "before": "III/a", "after": "III/b"}]
    assert rows[1]["legal_basis"] == s.LB and rows[1]["effective_date"] == "2025-12-01" and rows[1]["unit"] == "DINKES"
    assert rows[0]["changes"] == [{"field": "data.kind", "before": "pilihan", "after": "penghargaan"}]
    assert [r["position"] for r in queries.audit(engine, actor="siasn-sync")] == [promo["position"]]
    assert [r["position"] for r in queries.audit(engine, on_behalf_of=BOSS)] == [promo["position"]]
    assert [r["type"] for r in queries.audit(engine, type="UnitRegistered")] == ["UnitRegistered"] * 2
    assert queries.audit(engine, subject=A, before_position=promo["position"], limit=1)[0]["position"] == 3
    assert queries.audit(engine, since="2025-11-03T02:00:00Z", until="2025-11-03T02:00:00Z", unit="BKPSDM") == [
        r for r in queries.audit(engine, unit="BKPSDM")]
    with pytest.raises(ValueError, match="since"):
        queries.audit(engine, since="yesterday")
    with pytest.raises(ValueError, match="limit"):
        queries.audit(engine, limit=0)


def test_status_reports_lag_until_caught_up(world):
    ledger, projections = world
    head = ledger.head()
    assert {r["lag"] for r in projections.status(ledger)} == {head}
    assert projections.catch_up(ledger) == head
    assert {(r["position"], r["lag"]) for r in projections.status(ledger)} == {(head, 0)}
    assert projections.catch_up(ledger) == 0


def test_an_evaluation_by_the_wali_kota_shows_the_named_official_and_its_audit_the_plan(world):
    ledger, projections = world
    wali_kota = {"name": "Amir Hamzah", "title": "Wali Kota Binjai"}
    s.record(ledger, s.appoint(C := s.nip(9), "DINKES", "jpt_pratama", grade="IV/c"))
    s.record(ledger, s.plan(C, wali_kota))
    s.record(ledger, s.evaluate(C, wali_kota))
    [row] = queries.evaluations(seen(ledger, projections), C)
    assert row["evaluator"] == row["plan_evaluator"] == "Wali Kota Binjai: Amir Hamzah"
    [planned] = [r for r in queries.audit(projections.engine, subject=C) if r["type"] == "PerformancePlanned"]
    assert planned["changes"] == [{"field": "skp_plan.2025.evaluator", "before": None, "after": wali_kota}]
