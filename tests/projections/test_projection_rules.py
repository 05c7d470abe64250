"""Pure pieces of the read models: public suppression, working days, off-hours blocks, backdating."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from projections.models.feedback import add_working_days
from projections.models.public_stats import distribution, unit_stats
from projections.models.red_flags import backdated, off_hours_block
from projections.models.training import duty_applies, duty_met, over_pppk_ceiling

S = {"suppressed": True}


def test_a_group_under_five_people_is_suppressed_never_shown_as_a_number():
    assert distribution({"baik": 4, "sangat_baik": 0, "kurang": 7, "butuh_perbaikan": 9}) == {
        "baik": S, "sangat_baik": S, "kurang": 7, "butuh_perbaikan": 9}


def test_a_single_hidden_cell_takes_the_next_smallest_with_it_so_it_cannot_be_subtracted_out():
    assert distribution({"baik": 3, "kurang": 7, "butuh_perbaikan": 9}) == {
        "baik": S, "kurang": S, "butuh_perbaikan": 9}


def member(position_type, jp=None, predikat=None, active=True, employment_type="pns"):
    return SimpleNamespace(position_type=position_type, active=active, jp=jp or {}, predikat=predikat or {},
                           employment_type=employment_type, jp_duty=duty_applies(employment_type))


def test_unit_stats_publish_headcount_and_training_only_for_groups_of_five_or_more():
    members = [member("pelaksana", {"2025": 24}, {"2025": "baik"}) for _ in range(6)] + [member("pengawas")]
    stats = unit_stats("Dinas", members, [], [])
    # one pengawas is hidden, so the 6 pelaksana are too: 7 - 6 would reveal the one
    assert stats["headcount"] == {"total": 7, "by_position_type": {"pelaksana": S, "pengawas": S}, "pns": 7}
    assert stats["training"]["2025"] == {"staff": 7, "met_20_jp": S, "below_20_jp": S}
    assert stats["predikat"]["2025"] == {"baik": 6}
    assert unit_stats("Kecil", members[:4], [], [])["headcount"]["total"] == S


def test_the_20_jp_duty_binds_pns_only_and_the_24_jp_ceiling_pppk_only():
    assert (duty_met("pns", 19), duty_met("pns", 20), duty_met("pppk", 0), duty_met("pppk_paruh_waktu", 30)) == \
        (False, True, None, None)
    assert (over_pppk_ceiling("pppk", 24), over_pppk_ceiling("pppk", 25), over_pppk_ceiling("pppk_paruh_waktu", 30),
            over_pppk_ceiling("pns", 40)) == (False, True, True, None)


def test_training_attainment_counts_active_pns_only_and_a_pppk_without_jp_is_not_below_20():
    pns = [member("pelaksana", {"2025": 20}) for _ in range(5)] + [member("pelaksana", {"2025": 19}) for _ in range(5)]
    pppk = [member("pelaksana", {"2025": 30} if i == 0 else {}, employment_type="pppk") for i in range(6)] + \
        [member("pelaksana", employment_type="pppk_paruh_waktu") for _ in range(4)]
    gone = [member("pelaksana", {"2025": 2}, active=False) for _ in range(3)]
    stats = unit_stats("Dinas", pns + pppk + gone, [], [])
    assert stats["headcount"]["total"] == 20 and stats["headcount"]["pns"] == 10
    assert stats["training"]["2025"] == {"staff": 10, "met_20_jp": 5, "below_20_jp": 5}


def test_a_unit_of_6_pns_and_10_pppk_has_a_training_staff_of_6():
    members = [member("pelaksana", {"2025": 19}) for _ in range(6)] + \
        [member("pelaksana", employment_type="pppk") for _ in range(10)]
    stats = unit_stats("Dinas", members, [], [])
    # 6 below and 0 met: the 0 is hidden, so the 6 goes with it; the PNS headcount stays shown
    assert stats["training"]["2025"] == {"staff": 6, "met_20_jp": S, "below_20_jp": S}
    assert stats["headcount"]["pns"] == 6


def test_pns_figures_are_hidden_when_total_minus_pns_would_reveal_one_to_four_pppk():
    pns = [member("pelaksana", {"2025": 24 if i < 7 else 8}) for i in range(12)]
    stats = unit_stats("Dinas", pns + [member("pelaksana", employment_type="pppk") for _ in range(2)], [], [])
    assert stats["headcount"]["total"] == 14
    assert stats["headcount"]["pns"] == S and stats["training"]["2025"] == S
    stats = unit_stats("Dinas", pns + [member("pelaksana", employment_type="pppk") for _ in range(5)], [], [])
    assert stats["training"]["2025"] == {"staff": 12, "met_20_jp": 7, "below_20_jp": 5}


def test_separated_people_do_not_count_in_a_unit():
    members = [member("pelaksana") for _ in range(5)] + [member("pelaksana", active=False)]
    assert unit_stats("Dinas", members, [], [])["headcount"]["total"] == 5


def test_verification_is_due_three_working_days_later_skipping_the_weekend():
    assert add_working_days(date(2025, 11, 6), 3) == date(2025, 11, 11)  # Thursday -> Tuesday
    assert add_working_days(date(2025, 11, 3), 3) == date(2025, 11, 6)  # Monday -> Thursday


def test_off_hours_blocks_run_from_18_00_to_07_00_wib_and_are_named_by_their_evening():
    assert off_hours_block(datetime(2025, 11, 3, 10, 59)) is None  # 17:59 WIB
    assert off_hours_block(datetime(2025, 11, 3, 11, 0)) == date(2025, 11, 3)  # 18:00 WIB
    assert off_hours_block(datetime(2025, 11, 3, 23, 59)) == date(2025, 11, 3)  # 06:59 WIB next day
    assert off_hours_block(datetime(2025, 11, 4, 0, 0)) is None  # 07:00 WIB


def test_backdating_counts_days_from_the_tmt_to_the_wib_recording_date():
    assert backdated(date(2025, 8, 4), datetime(2025, 11, 2, 17, 0)) == 91  # 00:00 WIB on 3 Nov
    assert backdated(date(2025, 8, 4), datetime(2025, 11, 2, 16, 59)) is None  # 23:59 WIB on 2 Nov
    assert backdated(None, datetime(2025, 11, 2)) is None
