"""Around a penalty: a promotion or KGB under examination noted (PP 94/2021 art. 31(4)), a penalty no lighter than its
absence band (PP 94/2021 art. 9-11), appeals by their path and within 14 working days of receiving the decision,
15 days before the penalty's TMT (PP 79/2021 art. 4(2), 11(3); PP 94/2021 art. 38(1))."""

from __future__ import annotations

import pytest

from ledger.errors import NotFound, ValidationFailed

NIP = "198503122010011002"
DISMISSAL = "pemberhentian_dengan_hormat_tidak_atas_permintaan_sendiri"


def _two_baik_years(ledger, hr):
    hr.record(ledger, hr.appoint(nip=hr.EVALUATOR, post="pengawas", grade="III/d", tmt="2005-01-01"))
    hr.record(ledger, hr.plan(2023), hr.evaluate(2023), hr.plan(2024), hr.evaluate(2024))


def _examination(started_on):
    return {"type": "DisciplinaryExaminationStarted", "subject": NIP,
            "data": {"started_on": started_on, "grounds": "Tidak masuk kerja tanpa alasan sah"}}


def _closed(examination_id, closed_on, outcome="no_penalty"):
    return {"type": "DisciplinaryExaminationClosed", "subject": NIP,
            "data": {"examination_event_id": examination_id, "closed_on": closed_on, "outcome": outcome}}


def _kgb(tmt):
    return {"type": "PeriodicSalaryIncreaseGranted", "subject": NIP, "effective_date": tmt,
            "legal_basis": {"number": "822.4/1/BKPSDM/2025", "date": "2025-01-02"}, "data": {"basic_salary": 4_100_000}}


def _appeal(penalty_id, kind, filed_on):
    return {"type": "DisciplinaryPenaltyAppealed", "subject": NIP,
            "data": {"penalty_event_id": penalty_id, "kind": kind, "filed_on": filed_on, "grounds": "Tidak terbukti"}}


def _absence_penalty(level, kind, days, tmt="2025-05-01"):
    body = {"type": "DisciplinaryPenaltyImposed", "subject": NIP, "effective_date": tmt,
            "legal_basis": {"number": "800/9/BKPSDM/2025", "date": tmt},
            "data": {"level": level, "kind": kind, "reason": "Tidak masuk kerja tanpa alasan sah"}}
    if days is not None:
        body["data"]["absence_days"] = days
    return body


# --- examination: PP 94/2021 -------------------------------------------------------------------------

def test_a_promotion_and_a_kgb_under_examination_are_recorded_with_their_finding_pp_94_2021(ledger, hr):
    (exam,) = hr.employee(ledger, _examination("2025-03-03"))
    _two_baik_years(ledger, hr)
    event = hr.finds(ledger, hr.promote(tmt="2025-04-01"), "promotion_under_examination")
    assert event["findings"][0]["facts"]["examination_event_id"] == exam["event_id"]
    hr.finds(ledger, _kgb("2025-05-01"), "promotion_under_examination")


def test_a_promotion_after_the_examination_closed_without_penalty_has_no_finding_pp_94_2021(ledger, hr):
    (exam,) = hr.employee(ledger, _examination("2025-01-06"))
    hr.finds(ledger, _closed(exam["event_id"], "2025-02-10"))
    _two_baik_years(ledger, hr)
    hr.finds(ledger, hr.promote(tmt="2025-04-01"))
    assert ledger.state("employee", NIP)["examinations"][exam["event_id"]]["closed"].isoformat() == "2025-02-10"


def test_an_examination_ends_with_the_penalty_it_led_to_pp_94_2021(ledger, hr):
    hr.employee(ledger, _examination("2025-01-06"), hr.penalty("ringan", "teguran_lisan", tmt="2025-02-03"))
    _two_baik_years(ledger, hr)
    hr.finds(ledger, hr.promote(tmt="2025-04-01"))


def test_an_examination_is_closed_once_and_not_before_it_began_pp_94_2021(ledger, hr):
    (exam,) = hr.employee(ledger, _examination("2025-03-03"))
    hr.refuses(ledger, _closed(exam["event_id"], "2025-03-01"), "examination_closed_once", "data.closed_on")
    hr.finds(ledger, _closed(exam["event_id"], "2025-04-01"))
    hr.refuses(ledger, _closed(exam["event_id"], "2025-04-02"), "examination_closed_once",
               "data.examination_event_id")
    with pytest.raises(NotFound):
        ledger.record([_closed("00000000-0000-4000-8000-000000000000", "2025-04-02")], "clerk")


# --- absence bands: PP 94/2021 art. 9-11 ----------------------------------------------------------

def test_a_penalty_within_its_absence_band_has_no_finding_pp_94_2021_art_11(ledger, hr):
    hr.employee(ledger, _absence_penalty("sedang", "pemotongan_tukin_25_6_bulan", 12, tmt="2024-02-01"))
    hr.finds(ledger, _absence_penalty("berat", "penurunan_jabatan_12_bulan", 22))
    hr.finds(ledger, _absence_penalty("ringan", "teguran_lisan", None, tmt="2025-06-02"))


def test_a_penalty_lighter_than_its_absence_band_is_recorded_with_its_finding_pp_94_2021_art_11(ledger, hr):
    hr.employee(ledger)
    event = hr.finds(ledger, _absence_penalty("ringan", "teguran_tertulis", 22), "absence_penalty_band")
    assert event["findings"][0]["facts"]["due"] == "penurunan_jabatan_12_bulan"
    hr.finds(ledger, _absence_penalty("berat", "penurunan_jabatan_12_bulan", 26, tmt="2025-06-02"),
             "absence_penalty_band")
    with pytest.raises(ValidationFailed) as caught:
        ledger.record([_absence_penalty("ringan", "teguran_lisan", 0)], "clerk")
    assert caught.value.field == "data.absence_days"


# --- appeals: PP 79/2021 -----------------------------------------------------------------------------

def test_a_keberatan_within_14_working_days_has_no_finding_pp_79_2021(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_9_bulan", tmt="2025-03-03"))
    hr.finds(ledger, _appeal(penalty["event_id"], "keberatan", "2025-03-06"))  # the 14th working day after receipt


def test_a_late_keberatan_is_recorded_with_its_finding_pp_79_2021(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_9_bulan", tmt="2025-03-03"))
    event = hr.finds(ledger, _appeal(penalty["event_id"], "keberatan", "2025-03-07"), "penalty_appeal_late")
    assert event["findings"][0]["facts"]["due"] == "2025-03-06"


def test_a_banding_against_a_penalty_other_than_dismissal_is_recorded_with_its_finding_pp_79_2021(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("sedang", "pemotongan_tukin_25_9_bulan", tmt="2025-03-03"))
    hr.finds(ledger, _appeal(penalty["event_id"], "banding", "2025-03-05"), "penalty_appeal_path")


def test_a_banding_against_a_dismissal_has_no_finding_pp_79_2021(ledger, hr):
    (penalty,) = hr.employee(ledger, hr.penalty("berat", DISMISSAL, tmt="2025-05-01"))
    hr.finds(ledger, _appeal(penalty["event_id"], "banding", "2025-05-06"))
    hr.finds(ledger, _appeal(penalty["event_id"], "keberatan", "2025-05-06"), "penalty_appeal_path")
