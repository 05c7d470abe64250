"""The event catalogue: one class per thing that happens in Binjai's civil-service HR.

Each class says which stream it belongs to (`STREAM`), whether it carries a TMT
(`TMT`: `effective_date` required), whether it needs an SK (`LEGAL_BASIS`), and
the fields of its `data` (`DATA`). Every stored event has two payload fields:
`data` (the business facts) and `meta` (who, on whose behalf, from where, TMT,
legal basis, reason, warnings). Classes stay in this module: their topics are
stored with every event (renames need `register_topic`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import AggregateCreated, AggregateEvent

from ledger import rules
from ledger.fields import Bool, Choice, Date, Field, FreeObj, Int, List, Money, Nip, Obj, Str, Year


class LedgerEvent(AggregateEvent):
    """Base of every stored event: business `data` plus audit `meta`."""

    data: dict[str, Any]
    meta: dict[str, Any]

    STREAM: ClassVar[str] = ""
    TMT: ClassVar[bool] = False
    LEGAL_BASIS: ClassVar[bool] = False
    DATA: ClassVar[dict[str, Field]] = {}

    def apply(self, aggregate: Any) -> None:
        aggregate.add_fact(self)


class LedgerCreated(LedgerEvent, AggregateCreated):
    """Base of the first event of a stream."""


POSITION = Obj({"type": Choice(rules.POSITION_TYPES), "title": Str(max_length=200)})
RATING = Choice(rules.RATINGS)
EVENT_ID = Str(pattern=r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", max_length=36)
UNIT_CODE = Str(max_length=40, pattern=r"[A-Z0-9][A-Z0-9-]*")


# --- Employee (PNS and PPPK) -------------------------------------------------

class EmployeeAppointed(LedgerCreated):
    """A person becomes an ASN (PNS, PPPK or PPPK paruh waktu) in a unit, from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {
        "employment_type": Choice(["pns", "pppk", "pppk_paruh_waktu"]),
        "name": Str(max_length=200),
        "grade": Str(max_length=6),
        "position": POSITION,
        "unit": UNIT_CODE,
        "nik": Str(pattern=r"\d{16}", max_length=16, required=False),
        "birth_date": Date(required=False),
        "address": Str(required=False),
        "contact": Str(max_length=200, required=False),
        "gender": Choice(["l", "p"], required=False),
        "education": Str(max_length=200, required=False),
    }


class PromotionGranted(LedgerEvent):
    """Kenaikan pangkat: the employee rises one golongan step from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {
        "from_grade": Str(max_length=6),
        "to_grade": Str(max_length=6),
        "kind": Choice(["reguler", "pilihan", "penghargaan", "penyesuaian_ijazah", "pengabdian"]),
    }


class PositionAssigned(LedgerEvent):
    """The employee takes up a post (jabatan) in a unit from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"position": POSITION, "unit": UNIT_CODE}


class Transferred(LedgerEvent):
    """Mutasi: the employee moves from one unit of the city to another from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"from_unit": UNIT_CODE, "to_unit": UNIT_CODE, "position": Obj(POSITION.fields, required=False)}


class PerformancePlanned(LedgerEvent):
    """The yearly SKP plan (rencana SKP) is agreed with the evaluator."""

    STREAM = "employee"
    DATA = {
        "year": Year(),
        "approach": Choice(["kuantitatif", "kualitatif"]),
        "evaluator": Nip(),
        "evaluator_superior": Nip(required=False),
        "results": List(Obj({"indicator": Str(), "target": Str(max_length=200)}), min_items=1, max_items=50),
    }


class PerformanceEvaluated(LedgerEvent):
    """A periodic or annual SKP evaluation with its two ratings and predikat."""

    STREAM = "employee"
    DATA = {
        "period": Obj({"year": Year(), "kind": Choice(["monthly", "quarterly", "annual"]),
                       "number": Int(minimum=1, maximum=12, required=False)}),
        "results_rating": RATING,
        "behaviour_rating": RATING,
        "predikat": Choice(rules.PREDIKAT),
        "evaluator": Nip(),
        "evaluated_on": Date(required=False),
    }


class ObjectionFiled(LedgerEvent):
    """Keberatan: the employee objects to an evaluation, to the evaluator's superior."""

    STREAM = "employee"
    DATA = {"evaluation_event_id": EVENT_ID, "filed_on": Date(), "grounds": Str(max_length=2000)}


class ObjectionDecided(LedgerEvent):
    """The superior's final decision on an objection (PP 30/2019 art. 59)."""

    STREAM = "employee"
    DATA = {
        "objection_event_id": EVENT_ID,
        "outcome": Choice(["upheld", "rejected", "partially_upheld"]),
        "decided_by": Nip(),
        "new_predikat": Choice(rules.PREDIKAT, required=False),
    }


class DisciplinaryPenaltyImposed(LedgerEvent):
    """A disciplinary penalty under PP 94/2021 from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {
        "level": Choice(["ringan", "sedang", "berat"]),
        "kind": Str(max_length=80),
        "reason": Str(max_length=2000),
    }


class DisciplinaryPenaltyAnnulled(LedgerEvent):
    """A penalty is lifted by its own SK (e.g. after an administrative appeal)."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"penalty_event_id": EVENT_ID}


class LeaveGranted(LedgerEvent):
    """Cuti granted for a period."""

    STREAM = "employee"
    DATA = {
        "kind": Choice(rules.LEAVE_KINDS),
        "start_date": Date(),
        "end_date": Date(),
        "days": Int(minimum=1, maximum=1100),
    }


class TrainingCompleted(LedgerEvent):
    """Competency development completed: JP count toward the 20 JP yearly duty."""

    STREAM = "employee"
    DATA = {
        "path": Choice(["klasikal", "nonklasikal"]),
        "form": Str(max_length=80),
        "title": Str(max_length=300),
        "provider": Str(max_length=200),
        "start_date": Date(),
        "end_date": Date(),
        "jp": Int(minimum=-1000, maximum=1000),
        "cost": Money(),
        "funding_unit": UNIT_CODE,
        "certificate_number": Str(max_length=100, required=False),
    }


class Separated(LedgerEvent):
    """The employee leaves the service (retirement at BUP, resignation, death, dismissal)."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"kind": Choice(["retired", "resigned", "died", "dismissed_honourably",
                            "dismissed_dishonourably", "contract_ended"])}


# --- Unit (OPD) --------------------------------------------------------------

class UnitRegistered(LedgerCreated):
    """An OPD (dinas, badan, kantor, kecamatan, RSUD) is registered with its code."""

    STREAM = "unit"
    DATA = {"name": Str(max_length=200), "kind": Str(max_length=40, required=False),
            "parent": UNIT_CODE.__class__(max_length=40, pattern=UNIT_CODE.pattern, required=False)}


class TrainingBudgetAllocated(LedgerEvent):
    """Money allocated for a year's competency development (UU 5/2014 art. 70(4))."""

    STREAM = "unit"
    DATA = {"year": Year(), "amount": Money()}


class TrainingBudgetRealised(LedgerEvent):
    """Money spent from the year's training budget; never beyond the allocation."""

    STREAM = "unit"
    DATA = {"year": Year(), "amount": Money(), "training_event_id": EVENT_ID.__class__(
        pattern=EVENT_ID.pattern, max_length=36, required=False)}


class UnitAchievementAssessed(LedgerEvent):
    """Capaian kinerja organisasi of a unit for a year (PermenPANRB 6/2022)."""

    STREAM = "unit"
    DATA = {"year": Year(), "achievement": Choice(["istimewa", "baik", "butuh_perbaikan", "kurang",
                                                   "sangat_kurang"])}


# --- Internship (magang) -----------------------------------------------------

class InternshipStarted(LedgerCreated):
    """A student begins an internship in a unit under a supervising employee."""

    STREAM = "internship"
    DATA = {
        "intern_name": Str(max_length=200),
        "institution": Str(max_length=200),
        "scheme": Str(max_length=80),
        "host_unit": UNIT_CODE,
        "supervisor": Nip(),
        "start_date": Date(),
        "end_date": Date(),
    }


class InternshipCompleted(LedgerEvent):
    """The internship ends with an outcome and credit (SKS or hours)."""

    STREAM = "internship"
    DATA = {"outcome": Choice(["passed", "failed"]), "certificate_number": Str(max_length=100, required=False),
            "sks": Int(minimum=0, maximum=40, required=False), "hours": Int(minimum=0, maximum=5000, required=False),
            "completed_on": Date()}


class InternshipCancelled(LedgerEvent):
    """The internship stops before its end."""

    STREAM = "internship"
    DATA = {"cancelled_on": Date(), "cause": Str(max_length=500)}


# --- Public feedback (SP4N-LAPOR! style) ------------------------------------

class FeedbackReceived(LedgerCreated):
    """A citizen's aspirasi, complaint or information request arrives (contact stored encrypted)."""

    STREAM = "feedback"
    DATA = {
        "classification": Choice(["aspirasi", "pengaduan", "permintaan_informasi"]),
        "unit": UNIT_CODE,
        "message": Str(max_length=5000),
        "anonymous": Bool(),
        "confidential": Bool(required=False),
        "contact_encrypted": Str(max_length=4000, required=False),
        "channel": Str(max_length=40, required=False),
    }


class FeedbackVerified(LedgerEvent):
    """The ticket was checked and accepted for handling (target: 3 working days)."""

    STREAM = "feedback"
    DATA = {"note": Str(max_length=2000, required=False)}


class FeedbackDispositioned(LedgerEvent):
    """The ticket is passed to the unit that must answer it."""

    STREAM = "feedback"
    DATA = {"to_unit": UNIT_CODE}


class FeedbackResponded(LedgerEvent):
    """The unit answers; the response is public."""

    STREAM = "feedback"
    DATA = {"response": Str(max_length=5000)}


class FeedbackClosed(LedgerEvent):
    """The ticket is closed after its response."""

    STREAM = "feedback"
    DATA = {"note": Str(max_length=2000, required=False)}


class FeedbackRejected(LedgerEvent):
    """The ticket is rejected or not within the city's authority."""

    STREAM = "feedback"
    DATA = {"cause": Choice(["not_in_authority", "incomplete", "duplicate", "abusive"]),
            "note": Str(max_length=2000, required=False)}


# --- Any stream --------------------------------------------------------------

class Corrected(LedgerEvent):
    """A wrong record is fixed: named fields of an earlier event replaced; the original stays."""

    STREAM = "any"
    DATA = {"event_id": EVENT_ID, "fields": FreeObj()}  # checked against the original's type


class Annulled(LedgerEvent):
    """An earlier event is declared void; it stays in history but counts no more."""

    STREAM = "any"
    DATA = {"event_id": EVENT_ID}


CATALOGUE: dict[str, type[LedgerEvent]] = {
    cls.__name__: cls
    for cls in [
        EmployeeAppointed, PromotionGranted, PositionAssigned, Transferred, PerformancePlanned,
        PerformanceEvaluated, ObjectionFiled, ObjectionDecided, DisciplinaryPenaltyImposed,
        DisciplinaryPenaltyAnnulled, LeaveGranted, TrainingCompleted, Separated,
        UnitRegistered, TrainingBudgetAllocated, TrainingBudgetRealised, UnitAchievementAssessed,
        InternshipStarted, InternshipCompleted, InternshipCancelled,
        FeedbackReceived, FeedbackVerified, FeedbackDispositioned, FeedbackResponded,
        FeedbackClosed, FeedbackRejected,
        Corrected, Annulled,
    ]
}

FEEDBACK_STATUS_BY_TYPE = {
    "FeedbackReceived": "received", "FeedbackVerified": "verified",
    "FeedbackDispositioned": "dispositioned", "FeedbackResponded": "responded",
    "FeedbackClosed": "closed", "FeedbackRejected": "rejected",
}
