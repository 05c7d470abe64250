"""Pure domain rules of Indonesian civil-servant HR, each with its regulation.

Every function here either returns quietly, returns a warning, or raises
`RuleViolated` naming the rule. Rules marked *(check)* in DOMAIN.md are
warnings: they return a `Warning` and never refuse. One module per topic.
"""

from __future__ import annotations

from ledger.rules.base import Warning, _add_years  # noqa: F401  (ledger/employee.py counts years with it)
from ledger.rules.discipline import PENALTY_KINDS, check_penalty_kind
from ledger.rules.evaluation import (EVALUATOR_HIERARCHY, PREDIKAT, PREDIKAT_MATRIX, RATINGS,
                                     check_evaluator_not_self, check_objection_window, check_period, check_predikat,
                                     evaluator_hierarchy_warning)
from ledger.rules.feedback import FEEDBACK_NEXT, check_feedback_step
from ledger.rules.identity import check_birth_date_matches, check_nip
from ledger.rules.leave import LEAVE_KINDS, PPPK_LEAVE_KINDS, check_leave, check_leave_dates
from ledger.rules.ranks import (OFFICIAL_POSITION_TYPES, PNS_GRADES, POSITION_TYPES, PPPK_GRADES,
                                allowed_promotion_months, check_current_grade, check_grade, check_next_grade,
                                check_promotion_tmt, promotion_predikat_warning, transfer_tenure_warning)
from ledger.rules.separation import check_not_separated, retirement_age
from ledger.rules.training import (PPPK_JP_CEILING, check_budget, check_jp, check_training_dates,
                                   pppk_training_ceiling_warning)

__all__ = ["PNS_GRADES", "PPPK_GRADES", "POSITION_TYPES", "OFFICIAL_POSITION_TYPES", "RATINGS", "PREDIKAT",
           "PREDIKAT_MATRIX", "PENALTY_KINDS", "LEAVE_KINDS", "PPPK_LEAVE_KINDS", "EVALUATOR_HIERARCHY",
           "FEEDBACK_NEXT", "Warning", "check_nip", "check_birth_date_matches", "check_grade", "check_current_grade",
           "check_next_grade", "allowed_promotion_months", "check_promotion_tmt", "check_predikat", "check_period",
           "check_evaluator_not_self", "evaluator_hierarchy_warning", "check_objection_window", "check_penalty_kind",
           "check_leave", "check_leave_dates", "check_jp", "check_training_dates", "check_budget",
           "check_not_separated", "check_feedback_step", "retirement_age", "transfer_tenure_warning",
           "PPPK_JP_CEILING", "pppk_training_ceiling_warning", "promotion_predikat_warning"]
