"""The event catalogue: one class per thing that happens in Binjai's civil-service HR.

Each class says which stream it belongs to (`STREAM`), whether it carries a TMT
(`TMT`: `effective_date` required), whether it needs an SK (`LEGAL_BASIS`), and
the fields of its `data` (`DATA`). Every stored event has two payload fields:
`data` (the business facts) and `meta` (who, on whose behalf, from where, TMT,
legal basis, reason, warnings). What each event changes in its stream's state is
declared once, in `ledger.effects`.

The classes are declared one module per stream kind and all imported from here:
their stored topic is `ledger.events:<Name>` whichever module declares them
(`base.catalogued`), and `CATALOGUE` lists them in the order of these imports.
"""

from ledger.events.base import CATALOGUE, LedgerCreated, LedgerEvent
from ledger.events.employee import (
    DisciplinaryPenaltyAnnulled, DisciplinaryPenaltyImposed, EmployeeAppointed, LeaveGranted, ObjectionDecided,
    ObjectionFiled, PerformanceEvaluated, PerformancePlanned, PositionAssigned, PromotionGranted, Separated,
    TrainingCompleted, Transferred,
)
from ledger.events.career import (
    CivilServantConfirmed, CivilServiceExamPassed, ContractRenewed, DisciplinaryExaminationClosed,
    DisciplinaryExaminationStarted, DisciplinaryPenaltyAppealed, DisciplinaryPenaltyEnded, EducationCompleted,
    PeriodicSalaryIncreaseGranted,
)
from ledger.events.unit import (
    TrainingBudgetAllocated, TrainingBudgetRealised, UnitAchievementAssessed, UnitRegistered,
)
from ledger.events.internship import InternshipCancelled, InternshipCompleted, InternshipStarted
from ledger.events.feedback import (
    FEEDBACK_STATUS_BY_TYPE, FeedbackClosed, FeedbackDispositioned, FeedbackReceived, FeedbackRejected,
    FeedbackResponded, FeedbackVerified,
)
from ledger.events.release import PublicReleasePublished
from ledger.events.review import FindingReviewed
from ledger.events.fixes import Annulled, Corrected, PersonalDataErased

__all__ = [
    "CATALOGUE", "FEEDBACK_STATUS_BY_TYPE", "PersonalDataErased", "LedgerCreated", "LedgerEvent",
    "EmployeeAppointed", "PromotionGranted", "PositionAssigned", "Transferred", "PerformancePlanned",
    "PerformanceEvaluated", "ObjectionFiled", "ObjectionDecided", "DisciplinaryPenaltyImposed",
    "DisciplinaryPenaltyAnnulled", "LeaveGranted", "TrainingCompleted", "Separated",
    "DisciplinaryPenaltyEnded", "DisciplinaryPenaltyAppealed", "PeriodicSalaryIncreaseGranted", "EducationCompleted",
    "CivilServiceExamPassed", "ContractRenewed", "CivilServantConfirmed",
    "DisciplinaryExaminationStarted", "DisciplinaryExaminationClosed",
    "UnitRegistered", "TrainingBudgetAllocated", "TrainingBudgetRealised", "UnitAchievementAssessed",
    "InternshipStarted", "InternshipCompleted", "InternshipCancelled",
    "FeedbackReceived", "FeedbackVerified", "FeedbackDispositioned", "FeedbackResponded",
    "FeedbackClosed", "FeedbackRejected", "PublicReleasePublished", "FindingReviewed",
    "Corrected", "Annulled",
]
