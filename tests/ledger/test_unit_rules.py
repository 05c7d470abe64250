"""Unit rules: the predikat spread a unit's achievement allows (PermenPANRB 6/2022) and sub-units under their OPD."""

from __future__ import annotations

import pytest

from ledger.errors import NotFound


def _achievement(achievement, code="DISDIK", year=2025, **counts):
    data = {"year": year, "achievement": achievement}
    if counts:
        data["predikat_distribution"] = counts
    return {"type": "UnitAchievementAssessed", "subject": code, "data": data}


def test_a_units_spread_within_the_guidance_has_no_finding_permenpanrb_6_2022(ledger, hr):
    hr.record(ledger, hr.unit("DISDIK", "Dinas Pendidikan"))
    hr.finds(ledger, _achievement("istimewa", sangat_baik=7, baik=3))
    hr.finds(ledger, _achievement("baik", year=2024, sangat_baik=2, baik=15, butuh_perbaikan=1))
    hr.finds(ledger, _achievement("kurang", year=2023))  # no spread sent: nothing to judge


def test_an_istimewa_unit_rating_over_70_percent_sangat_baik_is_recorded_with_its_finding_permenpanrb_6_2022(
        ledger, hr):
    hr.record(ledger, hr.unit("DISDIK", "Dinas Pendidikan"))
    event = hr.finds(ledger, _achievement("istimewa", sangat_baik=8, baik=2, kurang=0), "unit_predikat_spread")
    assert event["findings"][0]["facts"] == {"achievement": "istimewa", "sangat_baik": 8, "baik": 2, "kurang": 0,
                                             "total": 10}
    assert ledger.state("unit", "DISDIK")["achievements"] == {2025: "istimewa"}  # recorded: it happened


def test_a_baik_unit_rating_nobody_below_baik_is_recorded_with_its_finding_permenpanrb_6_2022(ledger, hr):
    hr.record(ledger, hr.unit("DISDIK", "Dinas Pendidikan"))
    hr.finds(ledger, _achievement("baik", sangat_baik=3, baik=40), "unit_predikat_spread")


def test_a_negative_count_in_the_spread_is_refused_naming_the_field(ledger, hr):
    from ledger.errors import ValidationFailed

    hr.record(ledger, hr.unit("DISDIK", "Dinas Pendidikan"))
    with pytest.raises(ValidationFailed) as caught:
        ledger.record([_achievement("baik", baik=-1)], "clerk")
    assert caught.value.field == "data.predikat_distribution.baik"


def test_a_school_is_registered_under_its_opd_and_an_unknown_parent_is_refused(ledger, hr):
    hr.record(ledger, hr.unit("DISDIK", "Dinas Pendidikan"))
    school = {"type": "UnitRegistered", "subject": "SDN-020-BINJAI",
              "data": {"name": "SD Negeri 020 Binjai", "kind": "sekolah", "parent": "DISDIK"}}
    hr.finds(ledger, school)
    assert ledger.state("unit", "SDN-020-BINJAI")["parent"] == "DISDIK"
    head = ledger.head()
    with pytest.raises(NotFound) as caught:
        ledger.record([{**school, "subject": "PUSKESMAS-X", "data": {"name": "Puskesmas X", "kind": "puskesmas",
                                                                    "parent": "DINKES"}}], "clerk")
    assert caught.value.field == "data.parent" and ledger.head() == head
