"""The rulebook's career rules: promotion prerequisites (PP 99/2000 art. 7, 8, 13, 17, 18), penalty periods and their effects
(PP 94/2021), KGB (PP 7/1977), NIK against NIP (UU 24/2013), separation kinds and PPPK contracts (PP 49/2018).
Each: a lawful case with no finding, an irregular case with exactly its finding, an impossible case refused."""

from __future__ import annotations

NIP = "198503122010011002"  # born 1985-03-12, TMT CPNS 2010-01, male
WOMAN = "199001012015012001"  # born 1990-01-01, female


def _degree(level, graduated_on="2023-08-30", nip=NIP):
    return {"type": "EducationCompleted", "subject": nip,
            "data": {"level": level, "institution": "Universitas Sumatera Utara", "graduated_on": graduated_on}}


def _exam(level, passed_on="2024-11-20", nip=NIP):
    return {"type": "CivilServiceExamPassed", "subject": nip, "data": {"level": level, "passed_on": passed_on}}


def _kgb(tmt, salary=4_100_000, nip=NIP, sk=None):
    return {"type": "PeriodicSalaryIncreaseGranted", "subject": nip, "effective_date": tmt,
            "legal_basis": sk or {"number": "822.4/1/BKPSDM/2025", "date": "2025-01-02"},
            "data": {"basic_salary": salary}}


def _ended(penalty_event_id, tmt, nip=NIP):
    return {"type": "DisciplinaryPenaltyEnded", "subject": nip, "effective_date": tmt,
            "legal_basis": {"number": "800/9/BKPSDM/2026", "date": tmt}, "data": {"penalty_event_id": penalty_event_id}}


def _two_baik_years(ledger, hr, *years):
    """The evaluator appointed, then Baik in 2023 and 2024 (and in any other `years`)."""
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    for year in sorted({2023, 2024, *years}):
        hr.record(ledger, hr.plan(year), hr.evaluate(year))


# --- promotion prerequisites: PP 99/2000 ----------------------------------------------------------

def test_a_promotion_before_four_years_in_rank_is_recorded_with_its_finding_pp_99_2000_art_7(ledger, hr):
    hr.employee(ledger, tmt="2022-04-01")
    _two_baik_years(ledger, hr, 2027, 2028)
    event = hr.finds(ledger, hr.promote(tmt="2025-04-01"), "promotion_four_years_in_rank")
    assert event["findings"][0]["facts"] == {"in_rank_since": "2022-04-01", "years_needed": 4, "due": "2026-04-01"}
    hr.finds(ledger, hr.promote("III/b", "III/c", tmt="2029-04-01"))  # four years after the last one: lawful


def test_a_jf_rises_after_two_years_with_a_pak_and_is_flagged_without_one_pp_99_2000_art_13(ledger, hr):
    hr.employee(ledger, tmt="2022-04-01", post="jf_ahli_pertama")
    _two_baik_years(ledger, hr, 2025, 2026)
    body = hr.promote(tmt="2025-04-01")
    body["data"]["pak_number"] = "PAK/800/17/BKPSDM/2025"
    hr.finds(ledger, body)  # three years in rank: enough for a JF with its PAK
    hr.finds(ledger, hr.promote("III/b", "III/c", tmt="2027-06-01"), "promotion_jf_pak")


def test_a_regular_promotion_beyond_the_diplomas_ceiling_is_recorded_with_its_finding_pp_99_2000_art_8(ledger, hr):
    hr.employee(ledger, grade="III/a", tmt="2016-04-01", education="SMA")
    _two_baik_years(ledger, hr, 2018, 2019)
    hr.finds(ledger, hr.promote("III/a", "III/b", tmt="2020-04-01", kind="reguler"))  # SLTA reaches III/b
    event = hr.finds(ledger, hr.promote("III/b", "III/c", tmt="2025-04-01", kind="reguler"),
                     "promotion_education_ceiling")
    assert event["findings"][0]["facts"] == {"education_level": "slta", "ceiling": "III/b", "to_grade": "III/c"}


def test_a_recorded_degree_raises_the_ceiling_pp_99_2000_art_8(ledger, hr):
    hr.employee(ledger, _degree("s1", "2019-08-30"), grade="III/b", tmt="2016-04-01", education="SMA")
    _two_baik_years(ledger, hr)
    hr.finds(ledger, hr.promote("III/b", "III/c", tmt="2025-04-01", kind="reguler"))


def test_crossing_into_golongan_iii_without_ujian_dinas_is_recorded_with_its_finding_pp_99_2000(ledger, hr):
    hr.employee(ledger, grade="II/d", tmt="2016-04-01")
    _two_baik_years(ledger, hr)
    event = hr.finds(ledger, hr.promote("II/d", "III/a", tmt="2025-04-01"), "promotion_ujian_dinas")
    assert event["findings"][0]["facts"]["ujian_dinas"] == "tingkat_i"


def test_crossing_into_golongan_iii_and_iv_after_ujian_dinas_has_no_finding_pp_99_2000(ledger, hr):
    hr.employee(ledger, _exam("tingkat_i"), grade="II/d", tmt="2016-04-01")
    _two_baik_years(ledger, hr)
    hr.finds(ledger, hr.promote("II/d", "III/a", tmt="2025-04-01"))
    hr.record(ledger, hr.appoint(nip=WOMAN, grade="III/d", tmt="2015-01-01"), _exam("tingkat_ii", nip=WOMAN))
    hr.record(ledger, hr.plan(2023, nip=WOMAN), hr.evaluate(2023, nip=WOMAN), hr.plan(2024, nip=WOMAN),
              hr.evaluate(2024, nip=WOMAN))
    hr.finds(ledger, hr.promote("III/d", "IV/a", tmt="2025-04-01", nip=WOMAN))


def test_kp_penyesuaian_ijazah_without_the_diploma_in_the_history_is_recorded_with_its_finding_pp_99_2000_art_18(
        ledger, hr):
    hr.employee(ledger, _degree("s1", "2025-06-30"), grade="II/b")
    body = hr.promote("II/b", "III/a", kind="penyesuaian_ijazah")  # TMT 2025-04-01: before the S1 was earned
    body["data"]["education_level"] = "s1"
    event = hr.finds(ledger, body, "penyesuaian_ijazah_recorded")
    assert event["findings"][0]["facts"] == {"education_level": "s1", "tmt": "2025-04-01"}


# --- penalties and their effects: PP 94/2021 ------------------------------------------------------

def test_a_demotion_lowers_the_grade_for_its_period_and_its_end_restores_it_pp_94_2021_art_8(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("berat", "penurunan_jabatan_12_bulan", tmt="2025-02-03"),
                             grade="III/c")
    assert ledger.state("employee", NIP)["grade"] == "III/b"
    hr.refuses(ledger, hr.promote("III/c", "III/d", tmt="2025-10-01"), "grade_current")
    hr.finds(ledger, _ended(penalty["event_id"], "2026-02-03"))
    assert ledger.state("employee", NIP)["grade"] == "III/c"
    assert ledger.state("employee", NIP)["penalties"] == {}


def test_a_penalty_ended_before_its_period_is_recorded_with_its_finding_pp_94_2021_art_8(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_12_bulan", tmt="2025-01-01"))
    event = hr.finds(ledger, _ended(penalty["event_id"], "2025-07-01"), "penalty_ended_early")
    assert event["findings"][0]["facts"]["due"] == "2026-01-01"


def test_a_penalty_cannot_end_before_it_began_nor_one_without_a_period_end_pp_94_2021_art_8(ledger, hr):
    penalty, warning = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_6_bulan", tmt="2025-03-03"),
                                   hr.penalty("ringan", "teguran_lisan", tmt="2025-04-01"))
    hr.refuses(ledger, _ended(penalty["event_id"], "2025-03-01"), "penalty_end_after_start", field="effective_date")
    hr.refuses(ledger, _ended(warning["event_id"], "2025-10-01"), "penalty_has_a_period",
               field="data.penalty_event_id")


def test_a_demotion_at_the_lowest_grade_is_refused_pp_94_2021_art_8(ledger, hr):
    hr.employee(ledger, grade="I/a")
    hr.refuses(ledger, hr.penalty("berat", "penurunan_jabatan_12_bulan"), "demotion_needs_a_lower_grade",
               field="data.kind")


def test_pembebasan_makes_the_post_pelaksana_and_its_end_gives_the_post_back_pp_94_2021_art_8(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("berat", "pembebasan_jabatan_pelaksana_12_bulan", tmt="2025-02-03"),
                             post="pengawas", grade="III/d")
    assert ledger.state("employee", NIP)["position"] == {"type": "pelaksana", "title": "Pelaksana"}
    hr.finds(ledger, _ended(penalty["event_id"], "2026-02-03"))
    assert ledger.state("employee", NIP)["position"] == {"type": "pengawas", "title": "Analis SDM"}


def test_a_promotion_after_an_ended_penalty_is_judged_by_the_end_pp_94_2021_art_29(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_12_bulan", tmt="2024-10-01"))
    _two_baik_years(ledger, hr)
    hr.finds(ledger, _ended(penalty["event_id"], "2025-03-01"), "penalty_ended_early")
    hr.finds(ledger, hr.promote(tmt="2025-04-01"))


def test_an_appeal_is_recorded_against_a_running_penalty_and_refused_for_an_unknown_one_pp_94_2021(ledger, hr):
    from ledger.errors import NotFound
    import pytest

    (penalty,) = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_9_bulan", tmt="2025-03-03"))
    appeal = {"type": "DisciplinaryPenaltyAppealed", "subject": NIP,
              "data": {"penalty_event_id": penalty["event_id"], "kind": "keberatan", "filed_on": "2025-03-04",
                       "grounds": "Ketidakhadiran karena sakit dengan surat dokter"}}
    hr.finds(ledger, appeal)
    assert ledger.state("employee", NIP)["penalties"][penalty["event_id"]]["appeals"] == ["keberatan"]
    appeal["data"]["penalty_event_id"] = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(NotFound):
        ledger.record([appeal], "clerk")


# --- KGB: PP 7/1977 as amended ---------------------------------------------------------------------

def test_a_kgb_every_two_years_is_lawful_and_an_early_one_is_recorded_with_its_finding_pp_7_1977_art_17(ledger, hr):
    hr.employee(ledger)
    hr.finds(ledger, _kgb("2024-01-01", 3_900_000))
    hr.finds(ledger, _kgb("2026-01-01"))
    event = hr.finds(ledger, _kgb("2027-01-01", 4_300_000), "kgb_every_two_years")
    assert event["findings"][0]["facts"] == {"last": "2026-01-01", "due": "2028-01-01"}
    assert ledger.state("employee", NIP)["basic_salary"] == 4_300_000


def test_a_kgb_during_a_running_penalty_is_recorded_with_its_finding_and_not_on_the_first_refused_pp_94_2021(
        ledger, hr):
    hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_6_bulan", tmt="2025-03-03"))
    event = hr.finds(ledger, _kgb("2025-06-01"), "promotion_during_penalty")
    assert event["findings"][0]["message"].startswith("KGB on 2025-06-01")
    hr.refuses(ledger, _kgb("2025-12-15"), "kgb_tmt_first_day", field="effective_date")


# --- identity: NIK against NIP ---------------------------------------------------------------------

def test_a_nik_agreeing_with_the_nip_has_no_finding_and_one_that_differs_is_found_uu_24_2013(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.finds(ledger, hr.appoint(nik="1275011203850001"))  # 12-03-85, male
    hr.finds(ledger, hr.appoint(nip=WOMAN, nik="1275014101900002"))  # 41 = 1 + 40: female, 01-90
    event = hr.finds(ledger, hr.appoint(nip="198001012005011003", nik="1275014101800003"), "nik_matches_nip")
    assert event["findings"][0]["facts"] == {"differs": ["sex"]}  # names the part, never the NIK
    event = hr.finds(ledger, hr.appoint(nip="198001022005012004", nik="1275014201810004"), "nik_matches_nip")
    assert event["findings"][0]["facts"] == {"differs": ["birth_date"]}
    assert "1275" not in event["findings"][0]["message"]


# --- separation kinds and PPPK contracts: UU 20/2023, PP 49/2018 -----------------------------------

def test_a_pns_contract_end_and_a_pppk_retirement_are_refused_uu_20_2023_pp_49_2018(ledger, hr):
    hr.employee(ledger)
    hr.record(ledger, hr.appoint(nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01"))
    hr.refuses(ledger, hr.separate("contract_ended"), "separation_kind_for_type", field="data.kind")
    hr.refuses(ledger, hr.separate("retired", nip=hr.PPPK), "separation_kind_for_type", field="data.kind")
    hr.finds(ledger, hr.separate("contract_ended", nip=hr.PPPK, tmt="2028-03-01"))
    hr.finds(ledger, hr.separate("retired", tmt="2043-04-01"))


def test_a_pppk_contract_runs_one_to_five_years_pp_49_2018_art_37(ledger, hr):
    hr.record(ledger, hr.unit())
    hr.finds(ledger, hr.appoint(nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01",
                                contract_end="2028-02-29"))
    event = hr.finds(ledger, hr.appoint(nip="199204152023211002", employment_type="pppk", grade="IX",
                                        tmt="2023-03-01", contract_end="2030-02-28"), "pppk_contract_period")
    assert event["findings"][0]["facts"] == {"begins": "2023-03-01", "ends": "2030-02-28"}
    hr.refuses(ledger, hr.appoint(nip="199204152023211003", employment_type="pppk", grade="IX", tmt="2023-03-01",
                                  contract_end="2023-01-01"), "contract_for_pppk", field="data.contract_end")
    hr.refuses(ledger, hr.appoint(nip="198001012005011003", contract_end="2030-01-01"), "contract_for_pppk",
               field="data.contract_end")


def test_an_action_past_the_contracts_end_is_found_until_it_is_renewed_pp_49_2018_art_37(ledger, hr):
    hr.employee(ledger, nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01", contract_end="2024-02-29")
    training = hr.training(jp=10, nip=hr.PPPK)
    hr.finds(ledger, training, "action_after_contract_end")
    renewal = {"type": "ContractRenewed", "subject": hr.PPPK, "effective_date": "2024-03-01",
               "legal_basis": hr.SK, "data": {"contract_end": "2029-02-28", "grade": "X"}}
    hr.finds(ledger, renewal)
    assert ledger.state("employee", hr.PPPK)["grade"] == "X"
    hr.finds(ledger, hr.training(jp=10, nip=hr.PPPK, end="2025-07-05"))
    hr.refuses(ledger, {**renewal, "data": {"contract_end": "2030-02-28", "grade": "III/a"}}, "grade_valid",
               field="data.grade")


# --- CPNS to PNS: PP 11/2017 (PP 17/2020) ----------------------------------------------------------

def _confirmed(tmt, latsar_on=None, nip=NIP):
    data = {"latsar_certificate": "LATSAR/BPSDM-SU/2024/117", "latsar_completed_on": latsar_on} if latsar_on else {}
    return {"type": "CivilServantConfirmed", "subject": nip, "effective_date": tmt, "legal_basis": hr_sk(), "data": data}


def hr_sk():
    return {"number": "800.1.2.2/5/BKPSDM/2025", "date": "2025-01-02"}


def test_a_cpns_after_a_year_and_latsar_is_appointed_pns_with_no_finding_pp_11_2017_art_34(ledger, hr):
    hr.employee(ledger, tmt="2024-01-01", candidate=True, nip="199501012024011001")
    hr.finds(ledger, _confirmed("2025-01-01", "2024-09-20", nip="199501012024011001"))
    assert ledger.state("employee", "199501012024011001")["candidate"] is False


def test_a_cpns_appointed_pns_early_or_without_latsar_is_recorded_with_its_findings_pp_11_2017_art_34(ledger, hr):
    hr.employee(ledger, tmt="2024-06-01", candidate=True, nip="199501012024061001")
    event = hr.finds(ledger, _confirmed("2025-03-01", nip="199501012024061001"), "cpns_probation_year",
                     "pns_without_latsar")
    assert event["findings"][0]["facts"] == {"cpns_tmt": "2024-06-01", "pns_tmt": "2025-03-01"}


def test_confirming_one_who_was_never_a_cpns_or_twice_or_a_pppk_candidate_is_refused_pp_11_2017_art_37(ledger, hr):
    hr.employee(ledger)
    hr.refuses(ledger, _confirmed("2025-01-01", "2024-09-20"), "confirmation_of_a_cpns", field="type")
    hr.record(ledger, hr.appoint(nip="199501012024011001", tmt="2024-01-01", candidate=True),
              _confirmed("2025-01-01", "2024-09-20", nip="199501012024011001"))
    hr.refuses(ledger, _confirmed("2025-02-01", "2024-09-20", nip="199501012024011001"), "confirmation_of_a_cpns")
    hr.refuses(ledger, hr.appoint(nip=hr.PPPK, employment_type="pppk", grade="IX", tmt="2023-03-01", candidate=True),
               "confirmation_of_a_cpns", field="data.candidate")
