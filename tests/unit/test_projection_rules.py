"""Pure pieces of the read models: public suppression, working days, off-hours blocks, backdating."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from projections.feedback import add_working_days
from projections.public_stats import distribution, unit_stats
from projections.red_flags import backdated, off_hours_block

S = {"suppressed": True}


def test_a_group_under_five_people_is_suppressed_never_shown_as_a_number():
    assert distribution({"baik": 4, "sangat_baik": 0, "kurang": 7, "butuh_perbaikan": 9}) == {
        "baik": S, "sangat_baik": S, "kurang": 7, "butuh_perbaikan": 9}


def test_a_single_hidden_cell_takes_the_next_smallest_with_it_so_it_cannot_be_subtracted_out():
    assert distribution({"baik": 3, "kurang": 7, "butuh_perbaikan": 9}) == {
        "baik": S, "kurang": S, "butuh_perbaikan": 9}


def member(position_type, jp=None, predikat=None, active=True):
    return SimpleNamespace(position_type=position_type, active=active, jp=jp or {}, predikat=predikat or {})


def test_unit_stats_publish_headcount_and_training_only_for_groups_of_five_or_more():
    members = [member("pelaksana", {"2025": 24}, {"2025": "baik"}) for _ in range(6)] + [member("pengawas")]
    stats = unit_stats("Dinas", members, [], [])
    # one pengawas is hidden, so the 6 pelaksana are too: 7 - 6 would reveal the one
    assert stats["headcount"] == {"total": 7, "by_position_type": {"pelaksana": S, "pengawas": S}}
    assert stats["training"]["2025"] == {"staff": 7, "met_20_jp": S, "below_20_jp": S}
    assert stats["predikat"]["2025"] == {"baik": 6}
    assert unit_stats("Kecil", members[:4], [], [])["headcount"]["total"] == S


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
