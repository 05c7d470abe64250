"""Each domain rule records a valid event and refuses an invalid one by name, storing nothing."""

from __future__ import annotations

import pytest

from ledger.errors import NotFound, RuleViolated, ValidationFailed, VersionConflict

NIP = "198503122010011002"


# --- identifiers ---------------------------------------------------------------------------

def test_an_appointment_with_a_valid_nip_is_recorded(ledger, hr):
    hr.employee(ledger)
    assert ledger.state("employee", NIP)["grade"] == "III/a"


@pytest.mark.parametrize("nip, rule", [
    ("19850312201001100", "nip_format"),       # 17 digits
    ("19850231201001100X", "nip_format"),      # not all digits
    ("198502312010011002", "nip_birth_date"),  # 31 February
    ("198503122010131002", "nip_tmt_cpns"),    # month 13
    ("198503122002011002", "nip_tmt_cpns"),    # TMT CPNS at age 16
    ("198503122010013002", "nip_gender"),      # gender digit 3
])
def test_an_appointment_with_a_malformed_nip_is_refused(ledger, hr, nip, rule):
    hr.record(ledger, hr.unit())
    hr.refuses(ledger, hr.appoint(nip=nip), rule, field="subject")


def test_a_birth_date_differing_from_the_nip_is_refused(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.refuses(ledger, hr.appoint(birth_date="1985-03-13"), "nip_birth_date", field="data.birth_date")
    hr.record(ledger, hr.appoint(birth_date="1985-03-12"))


def test_an_ni_pppk_is_checked_for_length_and_birth_date_only(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.refuses(ledger, hr.appoint(nip="199213452023212001", employment_type="pppk", grade="VII", tmt="2023-03-01"),
               "nip_birth_date")
    # Digits 9-18 of an NI PPPK follow no PNS layout: month 21 and gender 9 are fine.
    hr.record(ledger, hr.appoint(nip="199204152023219009", employment_type="pppk", grade="VII", tmt="2023-03-01"))


# --- grades and promotion TMT ----------------------------------------------------------------

def test_a_promotion_to_the_next_step_is_recorded(ledger, hr):
    hr.employee(ledger, hr.promote("III/a", "III/b"))
    assert ledger.state("employee", NIP)["grade"] == "III/b"


def test_a_promotion_to_a_non_adjacent_grade_is_refused(ledger, hr):
    hr.employee(ledger)
    err = hr.refuses(ledger, hr.promote("III/a", "III/c"), "grade_next_step", field="data.to_grade")
    assert "III/b" in err.message and "III/b" in err.message_id


def test_a_promotion_from_a_grade_not_held_is_refused(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.promote("III/b", "III/c"), "grade_current", field="data.from_grade")


@pytest.mark.parametrize("tmt, ok", [
    ("2023-04-01", True), ("2023-10-01", True), ("2023-06-01", False), ("2023-02-01", False),
    ("2024-02-01", True), ("2025-08-01", True), ("2024-03-01", False), ("2025-09-01", False),
    ("2025-10-01", True), ("2025-11-01", True), ("2026-03-01", True),
])
def test_a_promotion_tmt_month_must_be_allowed_in_its_period(ledger, hr, tmt, ok):
    hr.employee(ledger)
    if ok:
        hr.record(ledger, hr.promote(tmt=tmt))
    else:
        hr.refuses(ledger, hr.promote(tmt=tmt), "promotion_tmt_month", field="effective_date")


def test_a_promotion_tmt_not_on_the_first_is_refused(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.promote(tmt="2025-04-02"), "promotion_tmt_first_day", field="effective_date")


def test_a_regular_promotion_without_two_baik_years_is_recorded_with_a_warning(ledger, hr):
    (receipt,) = hr.employee(ledger, hr.promote(kind="reguler"))
    warnings = ledger.event(receipt["event_id"])["warnings"]
    assert [w["rule"] for w in warnings] == ["promotion_two_baik_years"]
    assert warnings[0]["message_id"] and warnings[0]["message"] != warnings[0]["message_id"]


def test_a_regular_promotion_after_two_baik_years_carries_no_warning(ledger, hr):
    receipts = hr.employee(ledger, hr.plan(2023), hr.evaluate(2023), hr.plan(2024),
                           hr.evaluate(2024, "di_atas", "di_atas", "sangat_baik"), hr.promote(kind="reguler"))
    assert ledger.event(receipts[-1]["event_id"])["warnings"] == []


# --- performance -----------------------------------------------------------------------------

@pytest.mark.parametrize("results, behaviour, predikat", [
    ("di_atas", "di_atas", "sangat_baik"), ("di_atas", "sesuai", "baik"), ("di_atas", "di_bawah", "kurang"),
    ("sesuai", "di_atas", "baik"), ("sesuai", "sesuai", "baik"), ("sesuai", "di_bawah", "kurang"),
    ("di_bawah", "di_atas", "butuh_perbaikan"), ("di_bawah", "sesuai", "butuh_perbaikan"),
    ("di_bawah", "di_bawah", "sangat_kurang"),
])
def test_a_predikat_off_the_matrix_is_refused_and_the_matrix_one_recorded(ledger, hr, results, behaviour, predikat):
    hr.employee(ledger, hr.plan())
    wrong = "sangat_kurang" if predikat != "sangat_kurang" else "baik"
    hr.refuses(ledger, hr.evaluate(results=results, behaviour=behaviour, predikat=wrong), "predikat_matrix",
               field="data.predikat")
    hr.record(ledger, hr.evaluate(results=results, behaviour=behaviour, predikat=predikat))
    assert ledger.state("employee", NIP)["annual_predikat"] == {2025: predikat}


def test_an_employee_evaluating_themself_is_refused(ledger, hr):
    hr.employee(ledger, hr.plan())
    hr.refuses(ledger, hr.evaluate(evaluator=NIP), "evaluator_not_self", field="data.evaluator")
    hr.refuses(ledger, hr.plan(2026, evaluator=NIP), "evaluator_not_self", field="data.evaluator")


def test_an_evaluation_needs_that_years_plan(ledger, hr):
    hr.employee(ledger, hr.plan(2024))
    hr.refuses(ledger, hr.evaluate(2025), "evaluation_needs_plan", field="data.period.year")
    hr.record(ledger, hr.plan(2025), hr.evaluate(2025))


def test_an_evaluator_outside_the_hierarchy_is_recorded_with_a_warning(ledger, hr):
    hr.record(ledger, hr.unit(), hr.appoint(nip=hr.EVALUATOR, post="jpt_pratama", grade="IV/a", tmt="2005-01-01"))
    hr.record(ledger, hr.appoint(post="administrator"))
    plan, evaluation = hr.record(ledger, hr.plan(), hr.evaluate())
    assert ledger.event(evaluation["event_id"])["warnings"] == []
    hr.record(ledger, hr.appoint(nip="198001012006041003", post="pelaksana"),
              hr.plan(nip="198001012006041003"))
    (odd,) = hr.record(ledger, hr.evaluate(nip="198001012006041003"))
    assert [w["rule"] for w in ledger.event(odd["event_id"])["warnings"]] == ["evaluator_hierarchy"]


def test_an_objection_is_filed_within_14_days_of_the_evaluation(ledger, hr):
    _, evaluation = hr.employee(ledger, hr.plan(), hr.evaluate(evaluated_on="2026-01-10"))
    eid = evaluation["event_id"]
    hr.refuses(ledger, hr.object(eid, "2026-01-25"), "objection_within_14_days", field="data.filed_on")
    hr.refuses(ledger, hr.object(eid, "2026-01-09"), "objection_within_14_days", field="data.filed_on")
    hr.record(ledger, hr.object(eid, "2026-01-24"))


def test_an_objection_to_an_unknown_evaluation_is_not_found(ledger, hr):
    hr.employee(ledger)
    with pytest.raises(NotFound):
        ledger.record([hr.object("00000000-0000-4000-8000-000000000000", "2026-01-02")], "clerk")


# --- discipline, leave, training -------------------------------------------------------------

@pytest.mark.parametrize("level, good, bad", [
    ("ringan", "teguran_tertulis", "pemotongan_tukin_25_6_bulan"),
    ("sedang", "pemotongan_tukin_25_9_bulan", "teguran_lisan"),
    ("berat", "penurunan_jabatan_12_bulan", "pemotongan_tukin_25_12_bulan"),
])
def test_a_penalty_kind_must_belong_to_its_level(ledger, hr, level, good, bad):
    hr.employee(ledger)
    hr.refuses(ledger, hr.penalty(level, bad), "penalty_kind_for_level", field="data.kind")
    hr.record(ledger, hr.penalty(level, good))
    assert [p["kind"] for p in ledger.state("employee", NIP)["penalties"].values()] == [good]


def test_annual_leave_beyond_18_days_a_year_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger, hr.leave(start="2024-03-04", end="2024-03-11", days=6),  # 6 days carried over
                hr.leave(start="2025-03-03", end="2025-03-14", days=10))
    hr.finds(ledger, hr.leave(start="2025-06-02", end="2025-06-13", days=8))
    event = hr.finds(ledger, hr.leave(start="2025-07-01", end="2025-07-02", days=1), "annual_leave_cap")
    assert event["findings"][0]["facts"]["allowance"] == 18 and event["findings"][0]["facts"]["days_in_year"] == 19
    assert ledger.state("employee", NIP)["leave_days"] == {2024: 6, 2025: 19}


def test_24_days_of_annual_leave_after_two_unused_years_are_lawful_perban_bkn_24_2017(ledger, hr):
    hr.employee(ledger)  # TMT CPNS 2010-01; no cuti tahunan in 2023 nor 2024
    hr.finds(ledger, hr.leave(start="2025-06-02", end="2025-07-04", days=24))
    hr.finds(ledger, hr.leave(start="2025-08-04", end="2025-08-04", days=1), "annual_leave_cap")


def test_annual_leave_in_the_first_year_of_service_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger, nip="199001012025011001", tmt="2025-01-01")
    hr.finds(ledger, hr.leave(start="2025-06-02", end="2025-06-06", days=5, nip="199001012025011001"),
             "annual_leave_service")


def test_important_reason_leave_beyond_a_month_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger)
    hr.finds(ledger, hr.leave("alasan_penting", "2025-06-01", "2025-06-30", 21))
    hr.finds(ledger, hr.leave("alasan_penting", "2025-08-01", "2025-08-31", 22), "important_reason_leave_cap")


def test_long_leave_before_five_years_of_service_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger, hr.leave("besar", "2015-03-02", "2015-04-24", 40))  # NIP: TMT CPNS 2010-01
    other = "198503122021031003"
    hr.record(ledger, hr.appoint(nip=other, tmt="2021-03-01"))
    hr.finds(ledger, hr.leave("besar", "2026-01-05", "2026-02-27", 40, nip=other), "long_leave_service")
    hr.finds(ledger, hr.leave("besar", "2026-03-02", "2026-04-24", 40, nip=other))


def test_pppk_get_no_long_leave(ledger, hr):
    hr.employee(ledger, nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01")
    hr.refuses(ledger, hr.leave("besar", "2029-01-01", "2029-01-31", 20, nip=hr.PPPK), "leave_kind_for_pppk")
    hr.record(ledger, hr.leave("sakit", "2025-01-06", "2025-01-08", 3, nip=hr.PPPK))


def test_leave_counting_more_days_than_it_spans_is_refused(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.leave(start="2025-06-02", end="2025-06-03", days=3), "leave_days", field="data.days")


@pytest.mark.parametrize("jp", [0, -4])
def test_training_without_positive_jp_is_refused(ledger, hr, jp):
    hr.employee(ledger)
    hr.refuses(ledger, hr.training(jp=jp), "jp_positive", field="data.jp")
    hr.record(ledger, hr.training(jp=1))
    assert ledger.state("employee", NIP)["training"] == {2025: 1}


# --- separation --------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda hr: hr.promote(), lambda hr: hr.transfer(), lambda hr: hr.plan(), lambda hr: hr.training(),
    lambda hr: hr.leave(), lambda hr: hr.penalty(), lambda hr: hr.separate(kind="died"),
])
def test_no_personnel_action_is_accepted_after_separation(ledger, hr, make):
    hr.employee(ledger, hr.separate())
    hr.refuses(ledger, make(hr), "no_action_after_separation")


def test_a_separation_can_still_be_corrected_and_annulled(ledger, hr):
    (sep,) = hr.employee(ledger, hr.separate())
    hr.record(ledger, hr.correct(sep["event_id"], {"kind": "retired"}))
    assert ledger.state("employee", NIP)["separation"]["kind"] == "retired"
    hr.record(ledger, hr.annul(sep["event_id"]))
    assert ledger.state("employee", NIP)["status"] == "active"
    hr.record(ledger, hr.promote())


# --- budget ------------------------------------------------------------------------------------

def test_a_realisation_beyond_the_allocation_is_refused(ledger, hr):
    hr.record(ledger, hr.unit(), hr.budget(amount=1_000), hr.realise(600))
    hr.refuses(ledger, hr.realise(401), "budget_within_allocation", field="data.amount")
    hr.refuses(ledger, hr.realise(1, year=2026), "budget_within_allocation")
    hr.record(ledger, hr.realise(400))
    assert ledger.state("unit", "BKPSDM")["budgets"][2025] == {"allocated": 1_000, "realised": 1_000, "remaining": 0}


def test_a_training_cost_beyond_the_funding_units_budget_is_refused(ledger, hr):
    (paid,) = hr.employee(ledger, hr.training(cost=9_000_000))
    assert ledger.event(paid["event_id"])["type"] == "TrainingCompleted"
    hr.refuses(ledger, hr.training(cost=1_000_001), "budget_within_allocation", field="data.cost")
    assert ledger.state("unit", "BKPSDM")["budgets"][2025]["remaining"] == 1_000_000
    derived = [e for e in ledger.feed(0, 100) if e["derived"]]
    assert [(e["type"], e["subject"], e["data"]["amount"]) for e in derived] == [
        ("TrainingBudgetRealised", "BKPSDM", 9_000_000)]


def test_annulling_an_allocation_that_money_was_spent_from_is_refused(ledger, hr):
    _, alloc, _ = hr.record(ledger, hr.unit(), hr.budget(amount=1_000), hr.realise(300))
    hr.refuses(ledger, hr.annul(alloc["event_id"], subject="BKPSDM"), "budget_within_allocation")
    hr.refuses(ledger, hr.correct(alloc["event_id"], {"amount": 299}, subject="BKPSDM"), "budget_within_allocation")
    hr.record(ledger, hr.correct(alloc["event_id"], {"amount": 300}, subject="BKPSDM"))


def test_annulling_a_paid_training_returns_its_money_to_the_budget(ledger, hr):
    (paid,) = hr.employee(ledger, hr.training(cost=4_000_000))
    hr.record(ledger, hr.annul(paid["event_id"]))
    state = ledger.state("unit", "BKPSDM")
    assert state["budgets"][2025]["realised"] == 0 and state["version"] == 4
    realised = next(e for e in ledger.feed(0, 100) if e["type"] == "TrainingBudgetRealised")
    hr.refuses(ledger, hr.annul(realised["event_id"], subject="BKPSDM"), "fix_derived_through_cause")


def test_a_training_cost_is_not_corrected_in_place(ledger, hr):
    (paid,) = hr.employee(ledger, hr.training(cost=4_000_000))
    hr.refuses(ledger, hr.correct(paid["event_id"], {"cost": 1}), "training_cost_by_annulment",
               field="data.fields.cost")


# --- feedback ----------------------------------------------------------------------------------

def test_feedback_steps_follow_their_order(ledger, hr):
    hr.record(ledger, hr.unit(), hr.feedback())
    hr.refuses(ledger, hr.step("FeedbackResponded", response="Sudah ditangani"), "feedback_step_order")
    hr.refuses(ledger, hr.step("FeedbackClosed"), "feedback_step_order")
    hr.record(ledger, hr.step("FeedbackVerified"), hr.step("FeedbackDispositioned", to_unit="BKPSDM"),
              hr.step("FeedbackResponded", response="Sudah ditangani"))
    hr.refuses(ledger, hr.step("FeedbackRejected", cause="duplicate"), "feedback_step_order")
    hr.record(ledger, hr.step("FeedbackClosed"))
    state = ledger.state("feedback", "LPR-0001")
    assert state["status"] == "closed"
    assert [s["status"] for s in state["steps"]] == ["received", "verified", "dispositioned", "responded", "closed"]
    hr.refuses(ledger, hr.step("FeedbackVerified"), "feedback_step_order")


# --- subjects, versions, corrections ----------------------------------------------------------

@pytest.mark.parametrize("make", [lambda hr: hr.promote(), lambda hr: hr.plan(), lambda hr: hr.realise(1)])
def test_an_event_for_an_unknown_subject_is_not_found_and_stores_nothing(ledger, hr, make):
    hr.record(ledger, hr.unit("DINKES"))
    with pytest.raises(NotFound) as caught:
        ledger.record([make(hr)], "clerk")
    assert caught.value.field == "subject"
    assert ledger.head() == 1


def test_a_stale_expected_version_is_a_conflict_and_stores_nothing(ledger, hr):
    hr.employee(ledger, hr.plan())
    with pytest.raises(VersionConflict) as caught:
        ledger.record([{**hr.promote(), "expected_version": 1}], "clerk")
    assert caught.value.field == "expected_version"
    assert ledger.head() == 5
    (ok,) = hr.record(ledger, {**hr.promote(), "expected_version": 2})
    assert ok["version"] == 3


def test_a_correction_replaces_fields_and_keeps_the_original_in_history(ledger, hr):
    (promotion,) = hr.employee(ledger, hr.promote("III/a", "III/b"))
    hr.record(ledger, hr.correct(promotion["event_id"], {"effective_date": "2025-06-01"}))
    state = ledger.state("employee", NIP)
    assert state["last_promotion_on"].isoformat() == "2025-06-01" and state["version"] == 3
    history = ledger.history("employee", NIP)
    assert [e["type"] for e in history] == ["EmployeeAppointed", "PromotionGranted", "Corrected"]
    assert history[1]["effective_date"] == "2025-04-01"


def test_a_correction_that_breaks_the_originals_rules_is_refused(ledger, hr):
    (promotion,) = hr.employee(ledger, hr.promote("III/a", "III/b"))
    hr.refuses(ledger, hr.correct(promotion["event_id"], {"effective_date": "2025-05-01"}), "promotion_tmt_month",
               field="data.fields.effective_date")
    hr.refuses(ledger, hr.correct(promotion["event_id"], {"to_grade": "III/d"}), "grade_next_step",
               field="data.fields.to_grade")


def test_a_correction_names_only_fields_of_the_original(ledger, hr):
    (promotion,) = hr.employee(ledger, hr.promote())
    with pytest.raises(ValidationFailed) as caught:
        ledger.record([hr.correct(promotion["event_id"], {"grade": "III/b"})], "clerk")
    assert caught.value.field == "data.fields.grade"


def test_fixes_target_originals_that_are_not_yet_annulled(ledger, hr):
    (promotion,) = hr.employee(ledger, hr.promote())
    (annulment,) = hr.record(ledger, hr.annul(promotion["event_id"]))
    assert ledger.state("employee", NIP)["grade"] == "III/a"
    hr.refuses(ledger, hr.annul(promotion["event_id"]), "already_annulled")
    hr.refuses(ledger, hr.correct(promotion["event_id"], {"kind": "reguler"}), "already_annulled")
    hr.refuses(ledger, hr.annul(annulment["event_id"]), "fix_targets_original")


def test_a_fix_names_an_event_of_its_own_subject(ledger, hr):
    (promotion,) = hr.employee(ledger, hr.promote())
    hr.refuses(ledger, hr.annul(promotion["event_id"], subject="BKPSDM"), "fix_same_subject")


def test_a_batch_is_atomic_and_names_the_index_of_the_bad_event(ledger, hr):
    hr.employee(ledger)
    head = ledger.head()
    with pytest.raises(RuleViolated) as caught:
        ledger.record([hr.promote("III/a", "III/b"), hr.promote("III/b", "III/d")], "clerk", batch=True)
    assert caught.value.field == "events[1].data.to_grade"
    assert caught.value.message_id.startswith("events[1].data.to_grade: ")
    assert ledger.head() == head
    receipts, _ = ledger.record([hr.promote("III/a", "III/b"), hr.promote("III/b", "III/c", tmt="2025-10-01")],
                                "clerk", batch=True)
    assert [r["version"] for r in receipts] == [2, 3]


def test_a_correction_to_an_unregistered_unit_is_not_found(ledger, hr):
    (transfer,) = hr.employee(ledger, hr.transfer())
    with pytest.raises(NotFound) as caught:
        ledger.record([hr.correct(transfer["event_id"], {"to_unit": "NOWHERE"})], "clerk")
    assert caught.value.field == "data.fields.to_unit"
    hr.record(ledger, hr.correct(transfer["event_id"], {"to_unit": "BKPSDM", "from_unit": "DINKES"}))


def test_an_internship_needs_a_registered_host_unit_and_an_appointed_supervisor(ledger, hr):
    hr.employee(ledger)
    body = {"type": "InternshipStarted", "subject": "MAGANG-2025-001",
            "data": {"intern_name": "Rina", "institution": "Universitas Sumatera Utara", "scheme": "MBKM",
                     "host_unit": "BKPSDM", "supervisor": NIP, "start_date": "2025-02-03", "end_date": "2025-06-27"}}
    for change, field in [({"host_unit": "NOWHERE"}, "data.host_unit"),
                          ({"supervisor": "199001012015011001"}, "data.supervisor")]:
        with pytest.raises(NotFound) as caught:
            ledger.record([{**body, "data": {**body["data"], **change}}], "clerk")
        assert caught.value.field == field
    hr.refuses(ledger, {**body, "data": {**body["data"], "end_date": "2025-01-31"}}, "internship_dates")
    done = {"type": "InternshipCompleted", "subject": "MAGANG-2025-001",
            "data": {"outcome": "passed", "sks": 20, "completed_on": "2025-06-27"}}
    hr.record(ledger, body, done)
    assert ledger.state("internship", "MAGANG-2025-001")["status"] == "completed"
    hr.refuses(ledger, done, "internship_finished")


def test_feedback_for_an_unregistered_unit_is_not_found(ledger, hr):
    hr.record(ledger, hr.unit())
    with pytest.raises(NotFound) as caught:
        ledger.record([hr.feedback(unit="NOWHERE")], "clerk")
    assert caught.value.field == "data.unit"
    hr.record(ledger, hr.feedback(), hr.step("FeedbackVerified"))
    with pytest.raises(NotFound):
        ledger.record([hr.step("FeedbackDispositioned", to_unit="NOWHERE")], "clerk")
    assert ledger.head() == 3


def test_a_pppk_training_year_above_24_jp_is_recorded_with_a_warning_and_a_pns_one_is_not(ledger, hr):
    hr.employee(ledger, nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01")
    first, at_ceiling = hr.record(ledger, hr.training(jp=20, nip=hr.PPPK), hr.training(jp=4, nip=hr.PPPK))
    assert ledger.event(at_ceiling["event_id"])["warnings"] == []
    head = ledger.head()
    (over,) = hr.record(ledger, hr.training(jp=2, nip=hr.PPPK))
    assert ledger.head() == head + 1  # recorded, not refused
    warnings = ledger.event(over["event_id"])["warnings"]
    assert [w["rule"] for w in warnings] == ["pppk_training_ceiling"] and "26 JP" in warnings[0]["message"]
    assert "26 JP" in warnings[0]["message_id"]
    # another calendar year starts again from zero
    (next_year,) = hr.record(ledger, hr.training(jp=24, end="2026-02-06", nip=hr.PPPK))
    assert ledger.event(next_year["event_id"])["warnings"] == []
    # the 20 JP duty of a PNS has no ceiling
    (pns,) = hr.record(ledger, hr.appoint(), hr.training(jp=40))[1:]
    assert ledger.event(pns["event_id"])["warnings"] == []
