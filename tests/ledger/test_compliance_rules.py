"""Each rule of the rulebook's compliance tier (and the lawful actions it must let through): a lawful case
recorded with no finding, an irregular case recorded with exactly its finding, an impossible case refused.
Every test names the regulation it follows."""

from __future__ import annotations

NIP = "198503122010011002"
OLD_PELAKSANA = "196001011985011001"  # born 1960-01-01, TMT CPNS 1985-01: BUP 58 passed on 2018-02-01
TEACHER = "196505101990031001"  # born 1965-05-10: at 60 (guru) retired from 2025-06-01
SUPERIOR = "197001012000011001"


def _training(nip, start, end, jp=10):
    return {"type": "TrainingCompleted", "subject": nip,
            "data": {"path": "klasikal", "form": "pelatihan_teknis", "title": "Manajemen ASN", "provider": "BPSDM",
                     "start_date": start, "end_date": end, "jp": jp, "cost": 0, "funding_unit": "BKPSDM"}}


def _cltn(hr, start, end, days, nip=NIP):
    """CLTN with the Kepala BKN's approval letter (PP 11/2017), so only the rule under test finds."""
    body = hr.leave("cltn", start, end, days, nip=nip)
    body["data"]["approval_sk"] = "B-1234/KP.08.03/SD/K/2024"
    return body


def _two_baik_years(ledger, hr, nip=NIP):
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    hr.record(ledger, hr.plan(2023, nip=nip), hr.evaluate(2023, nip=nip), hr.plan(2024, nip=nip),
              hr.evaluate(2024, nip=nip))


# --- ranks: PP 99/2000 ----------------------------------------------------------------------------

def _degree(level, graduated_on="2023-08-30", nip=NIP):
    return {"type": "EducationCompleted", "subject": nip,
            "data": {"level": level, "institution": "Universitas Sumatera Utara", "graduated_on": graduated_on}}


def test_kp_penyesuaian_ijazah_from_ii_b_to_iii_a_is_lawful_pp_99_2000_art_18(ledger, hr):
    hr.employee(ledger, _degree("s1"), grade="II/b")
    body = hr.promote("II/b", "III/a", kind="penyesuaian_ijazah")
    body["data"]["education_level"] = "s1"
    hr.finds(ledger, body)
    assert ledger.state("employee", NIP)["grade"] == "III/a"


def test_kp_penyesuaian_ijazah_to_another_diplomas_grade_is_recorded_with_its_finding_pp_99_2000_art_18(ledger, hr):
    hr.employee(ledger, _degree("d3"), grade="II/b")
    body = hr.promote("II/b", "III/a", kind="penyesuaian_ijazah")
    body["data"]["education_level"] = "d3"  # a D-III starts at II/c
    event = hr.finds(ledger, body, "penyesuaian_ijazah_diploma")
    assert event["findings"][0]["facts"] == {"education_level": "d3", "to_grade": "III/a", "first_grade": "II/c"}


def test_kp_penyesuaian_ijazah_to_no_diplomas_first_grade_is_refused_pp_99_2000_art_18(ledger, hr):
    hr.employee(ledger, grade="II/b")
    hr.refuses(ledger, hr.promote("II/b", "II/d", kind="penyesuaian_ijazah"), "grade_next_step",
               field="data.to_grade")
    hr.refuses(ledger, hr.promote("II/b", "III/a", kind="reguler"), "grade_next_step", field="data.to_grade")


def test_kp_pengabdian_and_anumerta_keep_no_period_month_pp_99_2000(ledger, hr):
    hr.employee(ledger, grade="III/a")
    hr.finds(ledger, hr.promote("III/a", "III/b", tmt="2023-03-01", kind="pengabdian"))
    hr.finds(ledger, hr.promote("III/b", "III/c", tmt="2024-03-01", kind="pengabdian"))
    hr.finds(ledger, hr.promote("III/c", "III/d", tmt="2024-03-17", kind="anumerta"))
    assert ledger.state("employee", NIP)["grade"] == "III/d"


def test_a_regular_promotion_outside_its_period_months_is_still_refused_pp_99_2000_art_16(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, hr.promote(tmt="2023-03-01", kind="reguler"), "promotion_tmt_month", field="effective_date")
    hr.refuses(ledger, hr.promote(tmt="2023-03-15", kind="pengabdian"), "promotion_tmt_first_day",
               field="effective_date")


def test_a_pilihan_promotion_without_two_baik_years_is_recorded_with_its_finding_pp_99_2000_art_7(ledger, hr):
    hr.employee(ledger)
    event = hr.finds(ledger, hr.promote(kind="pilihan"), "promotion_two_baik_years")
    assert event["findings"][0]["facts"] == {"2023": None, "2024": None}
    assert event["findings"][0]["regulation"] == "PP 99/2000" and event["findings"][0]["article"] == "art. 7"


def test_a_pilihan_promotion_after_two_baik_years_has_no_finding_pp_99_2000_art_7(ledger, hr):
    hr.employee(ledger)
    _two_baik_years(ledger, hr)
    hr.finds(ledger, hr.promote(kind="pilihan"))


def test_pppk_are_never_promoted_pp_49_2018(ledger, hr):
    hr.employee(ledger, nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01")
    hr.refuses(ledger, hr.promote("IX", "XVII", nip=hr.PPPK), "promotion_pns_only", field="type")


# --- discipline: PP 94/2021 -----------------------------------------------------------------------

def test_a_promotion_during_a_running_tukin_cut_is_recorded_with_its_finding_pp_94_2021(ledger, hr):
    hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_12_bulan", tmt="2025-01-01"))
    _two_baik_years(ledger, hr)
    event = hr.finds(ledger, hr.promote(tmt="2025-10-01"), "promotion_during_penalty")
    assert event["findings"][0]["facts"]["until"] == "2026-01-01"


def test_a_promotion_after_the_penalty_ended_has_no_finding_pp_94_2021(ledger, hr):
    hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_6_bulan", tmt="2025-01-01"),
                hr.penalty("ringan", "teguran_tertulis", tmt="2025-02-01"))
    _two_baik_years(ledger, hr)
    hr.finds(ledger, hr.promote(tmt="2025-10-01"))


# --- separation: UU 20/2023 art. 55 ---------------------------------------------------------------

def test_an_action_on_a_pns_past_bup_is_recorded_with_its_finding_uu_20_2023_art_55(ledger, hr):
    hr.employee(ledger, nip=OLD_PELAKSANA, tmt="1985-01-01")
    hr.finds(ledger, _training(OLD_PELAKSANA, "2017-07-03", "2017-07-05"))
    event = hr.finds(ledger, _training(OLD_PELAKSANA, "2025-07-01", "2025-07-04"), "action_past_bup")
    assert event["findings"][0]["facts"]["bup"] == 58 and event["findings"][0]["severity"] == "serious"
    hr.finds(ledger, hr.separate("retired", tmt="2025-08-01", nip=OLD_PELAKSANA))


def test_a_teachers_bup_is_60_uu_14_2005(ledger, hr):
    hr.record(ledger, hr.unit())
    body = hr.appoint(nip=TEACHER, tmt="1990-03-01", post="jf_ahli_muda")
    body["data"]["position"]["title"] = "Guru Ahli Muda"
    hr.record(ledger, body)
    hr.finds(ledger, _training(TEACHER, "2025-04-07", "2025-04-09"))  # 59: past 58, before 60
    event = hr.finds(ledger, _training(TEACHER, "2025-07-01", "2025-07-04"), "action_past_bup")
    assert event["findings"][0]["facts"]["bup"] == 60


# --- evaluation: PermenPANRB 6/2022, PP 30/2019 ---------------------------------------------------

def _evaluated(ledger, hr):
    hr.employee(ledger)
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"),
              hr.appoint(nip=SUPERIOR, post="administrator", grade="IV/a", tmt="2000-01-01"), hr.plan())
    (evaluation,) = hr.record(ledger, hr.evaluate(evaluated_on="2026-01-10"))
    (objection,) = hr.record(ledger, hr.object(evaluation["event_id"], "2026-01-15"))
    return objection


def _decision(objection, decided_by):
    return {"type": "ObjectionDecided", "subject": NIP,
            "data": {"objection_event_id": objection["event_id"], "outcome": "upheld", "decided_by": decided_by,
                     "new_predikat": "sangat_baik"}}


def test_an_objection_decided_by_the_evaluators_superior_has_no_finding_pp_30_2019_art_59(ledger, hr):
    hr.finds(ledger, _decision(_evaluated(ledger, hr), SUPERIOR))


def test_an_objection_decided_by_the_evaluator_is_recorded_with_its_finding_pp_30_2019_art_59(ledger, hr):
    event = hr.finds(ledger, _decision(_evaluated(ledger, hr), hr.EVALUATOR), "objection_decided_by_evaluator")
    assert event["findings"][0]["severity"] == "serious"
    assert ledger.state("employee", NIP)["annual_predikat"] == {2025: "sangat_baik"}  # recorded: it happened


def test_an_objection_decided_by_the_objector_is_refused_pp_30_2019_art_59(ledger, hr):
    hr.refuses(ledger, _decision(_evaluated(ledger, hr), NIP), "evaluator_not_self", field="data.decided_by")


def test_a_retired_evaluator_is_recorded_with_its_finding_permenpanrb_6_2022(ledger, hr):
    hr.employee(ledger, hr.plan())
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    hr.finds(ledger, hr.evaluate(2025))
    hr.record(ledger, hr.separate("retired", tmt="2026-02-01", nip=hr.EVALUATOR), hr.plan(2026))
    hr.finds(ledger, hr.evaluate(2026), "evaluator_active")


# --- leave: PP 11/2017, PP 49/2018 ----------------------------------------------------------------

def test_leave_within_each_kinds_cap_has_no_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger, hr.leave("besar", "2025-01-06", "2025-04-04", 60), hr.leave("sakit", "2025-05-01", "2025-12-31", 170))
    hr.record(ledger, hr.appoint(nip="199001012015012001", tmt="2015-01-01"))
    hr.finds(ledger, hr.leave("melahirkan", "2025-02-03", "2025-05-02", 64, nip="199001012015012001"))


def test_leave_beyond_each_kinds_cap_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger)
    hr.finds(ledger, hr.leave("besar", "2025-01-06", "2026-01-05", 260), "long_leave_cap")
    hr.finds(ledger, hr.leave("sakit", "2026-02-02", "2028-10-29", 1000), "sick_leave_cap")
    hr.finds(ledger, hr.leave("melahirkan", "2029-01-01", "2030-01-01", 366), "maternity_leave_cap",
             "maternity_leave_female")
    hr.record(ledger, hr.appoint(nip="199001012025011001", tmt="2025-01-01"))
    hr.finds(ledger, _cltn(hr, "2025-05-01", "2025-12-31", 170, nip="199001012025011001"), "cltn_service")


def test_a_pppks_sick_leave_beyond_a_month_is_recorded_with_its_finding_pp_49_2018(ledger, hr):
    hr.employee(ledger, nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01")
    hr.finds(ledger, hr.leave("sakit", "2025-03-03", "2025-03-28", 20, nip=hr.PPPK))
    hr.finds(ledger, hr.leave("sakit", "2025-05-01", "2025-06-30", 40, nip=hr.PPPK), "sick_leave_cap")


def test_training_evaluation_and_promotion_during_cltn_are_recorded_with_their_findings_pp_11_2017(ledger, hr):
    hr.employee(ledger, hr.plan(), _cltn(hr, "2025-01-01", "2025-12-31", 260))
    hr.finds(ledger, _training(NIP, "2025-07-01", "2025-07-04"), "action_during_cltn")
    hr.finds(ledger, hr.evaluate(2025), "evaluator_hierarchy", "action_during_cltn")
    hr.finds(ledger, hr.promote(tmt="2025-04-01"), "promotion_two_baik_years", "action_during_cltn")
    hr.finds(ledger, _training(NIP, "2026-02-02", "2026-02-04"))


# --- identity: Perka BKN 22/2007 ------------------------------------------------------------------

def test_a_gender_against_the_nips_sex_digit_is_recorded_with_its_finding_perka_bkn_22_2007(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.finds(ledger, hr.appoint(gender="l"))
    hr.finds(ledger, hr.appoint(nip="198503122010012003", gender="l"), "nip_gender_matches")
    hr.refuses(ledger, hr.appoint(nip="198503122010013004"), "nip_gender")


def test_the_wali_kota_evaluates_a_jpt_pratama_without_nip_permenpanrb_6_2022(ledger, hr):
    wali_kota = {"name": "Amir Hamzah", "title": "Wali Kota Binjai"}
    hr.employee(ledger, hr.plan(evaluator=wali_kota), post="jpt_pratama", grade="IV/c")
    event = hr.finds(ledger, hr.evaluate(evaluator=wali_kota))
    assert event["data"]["evaluator"] == wali_kota
    assert ledger.state("employee", NIP)["plans"][2025]["evaluator"] == wali_kota


def test_another_official_without_nip_evaluating_a_jpt_pratama_is_recorded_with_its_finding_permenpanrb_6_2022(
        ledger, hr):
    other = {"name": "Budi", "title": "Kepala Dinas Pendidikan"}
    hr.employee(ledger, hr.plan(evaluator=other), post="jpt_pratama", grade="IV/c")
    hr.finds(ledger, hr.evaluate(evaluator=other), "evaluator_hierarchy")


def test_an_evaluator_without_nip_must_be_named_with_a_title(ledger, hr):
    from ledger.errors import ValidationFailed
    import pytest

    hr.employee(ledger, post="jpt_pratama", grade="IV/c")
    with pytest.raises(ValidationFailed) as caught:
        ledger.record([hr.plan(evaluator={"name": "Amir Hamzah"})], "clerk")
    assert caught.value.field == "data.evaluator.title"


def test_an_action_after_a_dismissal_penalty_without_separation_is_recorded_with_its_finding_pp_94_2021(ledger, hr):
    dismissal = hr.penalty("berat", "pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri", tmt="2025-05-01")
    hr.employee(ledger, dismissal)
    hr.finds(ledger, _training(NIP, "2025-04-07", "2025-04-09"))  # before the dismissal took effect
    hr.finds(ledger, _training(NIP, "2025-07-01", "2025-07-04"), "dismissal_without_separation")
    hr.finds(ledger, hr.separate("dismissed_honourably", tmt="2025-05-01"))
    hr.refuses(ledger, _training(NIP, "2025-08-04", "2025-08-06"), "no_action_after_separation")
