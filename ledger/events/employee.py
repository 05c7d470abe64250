"""Employee events (PNS and PPPK): one stream per NIP / NI PPPK, from appointment to separation."""

from __future__ import annotations

from ledger import rules
from ledger.events.base import EVENT_ID, LedgerCreated, LedgerEvent, POSITION, RATING, UNIT_CODE, catalogued
from ledger.fields import Bool, Choice, Date, Int, List, Money, Nip, NipOrOfficial, Obj, Str, Year


@catalogued
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
        "contract_end": Date(required=False),
        "candidate": Bool(required=False),  # a CPNS: appointed PNS later (CivilServantConfirmed)
    }


@catalogued
class PromotionGranted(LedgerEvent):
    """Kenaikan pangkat: the employee rises one golongan step (penyesuaian ijazah: to the first grade of
    the diploma named in `education_level`) from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {
        "from_grade": Str(max_length=6),
        "to_grade": Str(max_length=6),
        "kind": Choice(["reguler", "pilihan", "penghargaan", "penyesuaian_ijazah", "pengabdian", "anumerta"]),
        "education_level": Choice(rules.EDUCATION_LEVELS, required=False),
        "pak_number": Str(max_length=100, required=False),
    }


@catalogued
class PositionAssigned(LedgerEvent):
    """The employee takes up a post (jabatan) in a unit from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"position": POSITION, "unit": UNIT_CODE}


@catalogued
class Transferred(LedgerEvent):
    """Mutasi: the employee moves from one unit of the city to another from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"from_unit": UNIT_CODE, "to_unit": UNIT_CODE, "position": Obj(POSITION.fields, required=False)}


@catalogued
class PerformancePlanned(LedgerEvent):
    """The yearly SKP plan (rencana SKP) is agreed with the evaluator."""

    STREAM = "employee"
    DATA = {
        "year": Year(),
        "approach": Choice(["kuantitatif", "kualitatif"]),
        "evaluator": NipOrOfficial(),
        "evaluator_superior": Nip(required=False),
        "results": List(Obj({"indicator": Str(), "target": Str(max_length=200)}), min_items=1, max_items=50),
    }


@catalogued
class PerformanceEvaluated(LedgerEvent):
    """A periodic or annual SKP evaluation with its two ratings and predikat."""

    STREAM = "employee"
    DATA = {
        "period": Obj({"year": Year(), "kind": Choice(["monthly", "quarterly", "annual"]),
                       "number": Int(minimum=1, maximum=12, required=False)}),
        "results_rating": RATING,
        "behaviour_rating": RATING,
        "predikat": Choice(rules.PREDIKAT),
        "evaluator": NipOrOfficial(),
        "evaluated_on": Date(required=False),
    }


@catalogued
class ObjectionFiled(LedgerEvent):
    """Keberatan: the employee objects to an evaluation, to the evaluator's superior."""

    STREAM = "employee"
    DATA = {"evaluation_event_id": EVENT_ID, "filed_on": Date(), "grounds": Str(max_length=2000)}


@catalogued
class ObjectionDecided(LedgerEvent):
    """The superior's final decision on an objection (PP 30/2019 art. 59)."""

    STREAM = "employee"
    DATA = {
        "objection_event_id": EVENT_ID,
        "outcome": Choice(["upheld", "rejected", "partially_upheld"]),
        "decided_by": Nip(),
        "new_predikat": Choice(rules.PREDIKAT, required=False),
    }


@catalogued
class DisciplinaryPenaltyImposed(LedgerEvent):
    """A disciplinary penalty under PP 94/2021 from the TMT."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {
        "level": Choice(["ringan", "sedang", "berat"]),
        "kind": Str(max_length=80),
        "reason": Str(max_length=2000),
        "absence_days": Int(minimum=1, maximum=366, required=False),  # when the reason is unexcused absence
    }


@catalogued
class DisciplinaryPenaltyAnnulled(LedgerEvent):
    """A penalty is lifted by its own SK (e.g. after an administrative appeal)."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"penalty_event_id": EVENT_ID}


@catalogued
class LeaveGranted(LedgerEvent):
    """Cuti granted for a period."""

    STREAM = "employee"
    DATA = {
        "kind": Choice(rules.LEAVE_KINDS),
        "start_date": Date(),
        "end_date": Date(),
        "days": Int(minimum=1, maximum=1100),
        "health_detail": Str(max_length=2000, required=False),  # a sakit leave's medical reason: personal
        "approval_sk": Str(max_length=100, required=False),  # CLTN: the Kepala BKN's approval letter
        "child_order": Int(minimum=1, maximum=20, required=False),  # melahirkan: which child is born
    }


@catalogued
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


@catalogued
class Separated(LedgerEvent):
    """The employee leaves the service (retirement at BUP, resignation, death, dismissal)."""

    STREAM = "employee"
    TMT = True
    LEGAL_BASIS = True
    DATA = {"kind": Choice(["retired", "resigned", "died", "dismissed_honourably",
                            "dismissed_dishonourably", "contract_ended"])}
