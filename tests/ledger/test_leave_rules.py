"""Leave (cuti) rules of PP 11/2017 the first pass left: overlapping leaves, CLTN approval, cuti tahunan in a
cuti besar year and cuti melahirkan from the fourth child. Each test names its regulation."""

from __future__ import annotations

import pytest

from ledger.errors import ValidationFailed

WOMAN = "199001012015012001"  # born 1990-01-01, TMT CPNS 2015-01, female


def test_a_leave_on_days_already_on_leave_is_recorded_with_its_finding_pp_11_2017_art_310(ledger, hr):
    (first,) = hr.employee(ledger, hr.leave("tahunan", "2025-06-02", "2025-06-06", 5))
    hr.finds(ledger, hr.leave("sakit", "2025-06-09", "2025-06-13", 5))
    event = hr.finds(ledger, hr.leave("alasan_penting", "2025-06-05", "2025-06-10", 4), "leave_overlap")
    assert event["findings"][0]["facts"]["other_event_id"] == first["event_id"]
    hr.refuses(ledger, hr.leave("tahunan", "2025-07-10", "2025-07-07", 1), "leave_dates", "data.end_date")


def test_a_leave_overlapping_an_annulled_one_has_no_finding_pp_11_2017_art_310(ledger, hr):
    (first,) = hr.employee(ledger, hr.leave("tahunan", "2025-06-02", "2025-06-06", 5))
    hr.record(ledger, hr.annul(first["event_id"]))
    hr.finds(ledger, hr.leave("sakit", "2025-06-02", "2025-06-04", 3))


def test_cltn_without_the_kepala_bkns_approval_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    approved = hr.leave("cltn", "2025-01-01", "2025-12-31", 260)
    approved["data"]["approval_sk"] = "B-1234/KP.08.03/SD/K/2024"
    hr.employee(ledger)
    hr.finds(ledger, approved)
    event = hr.finds(ledger, hr.leave("cltn", "2026-01-01", "2026-06-30", 120), "cltn_approval")
    assert event["findings"][0]["regulation"] == "PP 11/2017"


def test_cuti_tahunan_in_a_cuti_besar_year_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    hr.employee(ledger, hr.leave("besar", "2025-01-06", "2025-03-31", 60))
    hr.finds(ledger, hr.leave("tahunan", "2026-06-02", "2026-06-06", 5))
    hr.finds(ledger, hr.leave("tahunan", "2025-06-02", "2025-06-06", 5), "annual_leave_in_long_leave_year")
    hr.finds(ledger, hr.leave("besar", "2026-08-03", "2026-10-30", 60), "annual_leave_in_long_leave_year")


def test_cuti_melahirkan_for_a_fourth_child_is_recorded_with_its_finding_pp_11_2017(ledger, hr):
    third, fourth = hr.leave("melahirkan", "2025-02-03", "2025-05-02", 64, nip=WOMAN), \
        hr.leave("melahirkan", "2027-02-01", "2027-04-30", 63, nip=WOMAN)
    third["data"]["child_order"], fourth["data"]["child_order"] = 3, 4
    hr.employee(ledger, nip=WOMAN, tmt="2015-01-01")
    hr.finds(ledger, third)
    event = hr.finds(ledger, fourth, "maternity_leave_child_order")
    assert event["findings"][0]["facts"] == {"child_order": 4}
    fourth["data"]["child_order"] = 0
    with pytest.raises(ValidationFailed) as caught:
        ledger.record([fourth], "clerk")
    assert caught.value.field == "data.child_order"
