"""Pure domain rules of Indonesian civil-servant HR, each declared once in the rulebook (`book`).

A *validation* rule raises `RuleViolated` naming itself: the event cannot be true and nothing is
recorded. A *compliance* rule returns a `Finding` (formerly `Warning`): the event is recorded and the
finding stored with it. One module per topic; each declares its rules with their regulation and article.
"""

from __future__ import annotations

from ledger.rules import book, records, candidacy, contract, hearing, pay, promotion, spread  # noqa: F401  (records declares the ledger's own consistency rules)
from ledger.rules.base import Finding, Warning, _add_years, age_on, months_later  # noqa: F401
from ledger.rules.discipline import (PENALTY_KINDS, PENALTY_MONTHS, check_penalty_kind, dismissal_finding, penalty_end,
                                     running_penalty_finding)
from ledger.rules.evaluation import (EVALUATOR_HIERARCHY, PREDIKAT, PREDIKAT_MATRIX, RATINGS,
                                     check_evaluator_not_self, check_objection_window, check_period, check_predikat,
                                     evaluator_active_finding, evaluator_hierarchy_warning, objection_decider_finding,
                                     official_post)
from ledger.rules.feedback import FEEDBACK_NEXT, check_feedback_step
from ledger.rules.identity import born_of, check_birth_date_matches, check_nip, cpns_month, gender_finding, nik_finding
from ledger.rules.leave import (LEAVE_KINDS, PPPK_LEAVE_KINDS, annual_allowance, check_leave, check_leave_dates,
                                cltn_finding, leave_findings)
from ledger.rules.ranks import (DIPLOMA_FIRST_GRADE, EDUCATION_LEVELS, OFFICIAL_POSITION_TYPES, PNS_GRADES,
                                POSITION_TYPES, PPPK_GRADES, PREDIKAT_KINDS, allowed_promotion_months,
                                check_current_grade, check_grade, check_next_grade, check_promotion_tmt,
                                diploma_finding, promotion_predikat_warning, transfer_tenure_warning)
from ledger.rules.separation import check_not_separated, check_separation_kind, is_teacher, past_bup_finding, pension_date, retirement_age
from ledger.rules.training import (PPPK_JP_CEILING, check_budget, check_jp, check_training_dates,
                                   pppk_training_ceiling_warning)

__all__ = ["PNS_GRADES", "PPPK_GRADES", "POSITION_TYPES", "OFFICIAL_POSITION_TYPES", "RATINGS", "PREDIKAT",
           "PREDIKAT_MATRIX", "PENALTY_KINDS", "PENALTY_MONTHS", "LEAVE_KINDS", "PPPK_LEAVE_KINDS",
           "EVALUATOR_HIERARCHY", "FEEDBACK_NEXT", "DIPLOMA_FIRST_GRADE", "EDUCATION_LEVELS", "PREDIKAT_KINDS",
           "Finding", "Warning", "book", "check_nip", "born_of", "cpns_month", "check_birth_date_matches", "gender_finding", "check_grade",
           "check_current_grade", "check_next_grade", "allowed_promotion_months", "check_promotion_tmt",
           "diploma_finding", "check_predikat", "check_period", "check_evaluator_not_self",
           "evaluator_hierarchy_warning", "evaluator_active_finding", "objection_decider_finding", "official_post",
           "check_objection_window", "check_penalty_kind", "dismissal_finding", "penalty_end", "running_penalty_finding", "check_leave",
           "check_leave_dates", "leave_findings", "annual_allowance", "cltn_finding", "check_jp",
           "check_training_dates", "check_budget", "check_not_separated", "past_bup_finding", "pension_date",
           "is_teacher", "check_feedback_step", "retirement_age", "transfer_tenure_warning", "PPPK_JP_CEILING",
           "pppk_training_ceiling_warning", "promotion_predikat_warning", "age_on", "months_later", "nik_finding",
           "check_separation_kind"]
