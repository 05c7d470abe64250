"""The pure rules, fast: no storage, just inputs and the rule each refusal names."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import rules
from ledger.errors import RuleViolated


def refused(rule, fn, *args):
    with pytest.raises(RuleViolated) as caught:
        fn(*args)
    assert caught.value.rule == rule
    assert caught.value.message != caught.value.message_id
    return caught.value


def test_a_valid_nip_yields_its_birth_date():
    assert rules.check_nip("198503122010011002", "pns") == date(1985, 3, 12)


@pytest.mark.parametrize("nip, rule", [
    ("1985031220100110021", "nip_format"), ("19850312201001100a", "nip_format"),
    ("198513122010011002", "nip_birth_date"), ("198503122010001002", "nip_tmt_cpns"),
    ("198503122003021002", "nip_tmt_cpns"), ("198503122010010002", "nip_gender"),
])
def test_malformed_nips_are_refused_by_name(nip, rule):
    refused(rule, rules.check_nip, nip, "pns")


def test_an_nip_whose_tmt_cpns_is_the_month_of_the_18th_birthday_is_valid():
    assert rules.check_nip("198503122003031002", "pns") == date(1985, 3, 12)


def test_an_ni_pppk_is_checked_for_its_birth_date_only():
    assert rules.check_nip("199204152023999999", "pppk") == date(1992, 4, 15)
    refused("nip_birth_date", rules.check_nip, "199202302023999999", "pppk")


def test_every_pns_grade_but_the_top_has_exactly_one_next_step():
    for current, nxt in zip(rules.PNS_GRADES, rules.PNS_GRADES[1:]):
        rules.check_next_grade(current, current, nxt, "pns")
        for other in rules.PNS_GRADES:
            if other != nxt:
                refused("grade_next_step", rules.check_next_grade, current, current, other, "pns")
    refused("grade_next_step", rules.check_next_grade, "IV/e", "IV/e", "IV/e", "pns")


def test_pppk_have_no_promotion_and_their_grades_must_exist_pp_49_2018():
    refused("promotion_pns_only", rules.check_next_grade, "V", "V", "IX", "pppk")
    refused("grade_valid", rules.check_next_grade, "V", "V", "XVIII", "pppk")
    refused("grade_valid", rules.check_next_grade, "III/a", "III/a", "III/b", "pppk")


@pytest.mark.parametrize("year, months", [
    (2019, {4, 10}), (2023, {4, 10}), (2024, {2, 4, 6, 8, 10, 12}), (2025, None), (2026, set(range(1, 13))),
])
def test_promotion_months_follow_the_regulation_of_their_period(year, months):
    for month in range(1, 13):
        tmt = date(year, month, 1)
        allowed = months if months is not None else ({2, 4, 6, 8} if month < 10 else {10, 11, 12})
        if month in allowed:
            rules.check_promotion_tmt(tmt)
        else:
            refused("promotion_tmt_month", rules.check_promotion_tmt, tmt)


def test_a_promotion_tmt_is_always_the_first_of_a_month():
    refused("promotion_tmt_first_day", rules.check_promotion_tmt, date(2026, 1, 2))


def test_the_predikat_matrix_accepts_exactly_one_predikat_per_rating_pair():
    for r in rules.RATINGS:
        for b in rules.RATINGS:
            accepted = [p for p in rules.PREDIKAT if _accepts(r, b, p)]
            assert accepted == [rules.PREDIKAT_MATRIX[(r, b)]]
    assert rules.PREDIKAT_MATRIX[("di_bawah", "di_atas")] == "butuh_perbaikan"
    assert rules.PREDIKAT_MATRIX[("di_atas", "di_bawah")] == "kurang"


def _accepts(r, b, p):
    try:
        rules.check_predikat(r, b, p)
        return True
    except RuleViolated:
        return False


def test_the_objection_window_is_14_days_inclusive():
    rules.check_objection_window(date(2025, 1, 31), date(2025, 2, 14))
    refused("objection_within_14_days", rules.check_objection_window, date(2025, 1, 31), date(2025, 2, 15))


def test_penalty_kinds_belong_to_exactly_one_level():
    for level, kinds in rules.PENALTY_KINDS.items():
        for kind in kinds:
            rules.check_penalty_kind(level, kind)
            for other in set(rules.PENALTY_KINDS) - {level}:
                refused("penalty_kind_for_level", rules.check_penalty_kind, other, kind)


def test_leave_refuses_only_impossible_dates_and_kinds_pp_49_2018():
    d = date
    rules.check_leave("besar", "pns", d(2025, 1, 2), d(2025, 1, 3), 2)
    refused("leave_kind_for_pppk", rules.check_leave, "cltn", "pppk", d(2025, 1, 1), d(2025, 1, 2), 2)
    refused("leave_dates", rules.check_leave, "sakit", "pns", d(2025, 1, 2), d(2025, 1, 1), 1)


def test_jp_must_be_above_zero():
    rules.check_jp(1)
    for jp in (0, -1):
        refused("jp_positive", rules.check_jp, jp)


def test_realisation_may_use_exactly_what_remains():
    rules.check_budget(2025, 400, 1000, 600)
    refused("budget_within_allocation", rules.check_budget, 2025, 401, 1000, 600)


def test_feedback_steps_go_forward_one_at_a_time():
    order = ["received", "verified", "dispositioned", "responded", "closed"]
    for current, nxt in zip(order, order[1:]):
        rules.check_feedback_step(current, nxt)
    refused("feedback_step_order", rules.check_feedback_step, "received", "responded")
    refused("feedback_step_order", rules.check_feedback_step, "closed", "received")
    refused("feedback_step_order", rules.check_feedback_step, "rejected", "verified")


def test_check_rules_warn_instead_of_refusing():
    assert rules.transfer_tenure_warning(date(2024, 1, 1), date(2025, 1, 1)).rule == "transfer_tenure"
    assert rules.transfer_tenure_warning(date(2019, 1, 1), date(2025, 1, 2)).rule == "transfer_tenure"
    assert rules.transfer_tenure_warning(date(2021, 1, 1), date(2025, 1, 1)) is None
    assert rules.promotion_predikat_warning({2023: "baik", 2024: "sangat_baik"}, date(2025, 4, 1)) is None
    assert rules.promotion_predikat_warning({2024: "baik"}, date(2025, 4, 1)).rule == "promotion_two_baik_years"
    assert rules.evaluator_hierarchy_warning("pelaksana", "pengawas") is None
    assert rules.evaluator_hierarchy_warning("pelaksana", "jpt_pratama").rule == "evaluator_hierarchy"


def test_evaluation_periods_name_a_month_or_quarter():
    rules.check_period("annual", None)
    rules.check_period("quarterly", 4)
    refused("evaluation_period", rules.check_period, "quarterly", 5)
    refused("evaluation_period", rules.check_period, "monthly", None)
    refused("evaluation_period", rules.check_period, "annual", 1)
