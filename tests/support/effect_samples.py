"""Facts as a stream keeps them, for tests that play the effects without a database.

`career(kind)` holds one fact of every event type of a stream kind, in an order where each
reference (an objection's evaluation, a decision's objection, a lifted penalty) points back.
`random_career(draw, kind)` draws a career of random length and content, with corrections and
annulments of random earlier facts (the effects judge nothing, so the rules need not hold).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from ledger.events import CATALOGUE

KINDS = ("employee", "unit", "internship", "feedback")
FIXES = ("Corrected", "Annulled")
CREATING = {"employee": "EmployeeAppointed", "unit": "UnitRegistered", "internship": "InternshipStarted",
            "feedback": "FeedbackReceived"}
TYPES = {kind: [name for name, cls in CATALOGUE.items() if cls.STREAM == kind] for kind in KINDS}
UNITS = ["BKPSDM", "DINKES", "DISDIK"]
POSITIONS = [{"type": "pelaksana", "title": "Analis"}, {"type": "pengawas", "title": "Kepala Seksi"}]
START = datetime(2025, 1, 6, 1, 0, tzinfo=timezone.utc)


def _pick(draw: Callable[[list[Any]], Any], facts: list[dict[str, Any]], type_: str) -> str:
    """The id of an earlier fact of `type_` (the latest when drawn first), or of no fact at all."""
    ids = [f["id"] for f in reversed(facts) if f["type"] == type_]  # the latest first
    return draw(ids) if ids and draw([True, True, False]) else str(uuid.uuid4())


def sample_data(type_: str, draw: Callable[[list[Any]], Any], facts: list[dict[str, Any]]) -> dict[str, Any]:
    """Data of one event of `type_`, its choices made by `draw` (a list in, one of its items out)."""
    year = draw([2023, 2024, 2025])
    day = date(year, draw([1, 4, 10]), draw([1, 15]))
    position = draw(POSITIONS)
    return {
        "EmployeeAppointed": lambda: {"employment_type": draw(["pns", "pppk"]), "name": draw(["Budi", "Sari"]),
                                      "grade": draw(["III/a", "IX"]), "position": position, "unit": draw(UNITS),
                                      "nik": "1275010101010001", "gender": "l", "candidate": True},
        "PromotionGranted": lambda: {"from_grade": "III/a", "to_grade": draw(["III/b", "III/c"]), "kind": "pilihan"},
        "PositionAssigned": lambda: {"position": draw(POSITIONS[::-1]), "unit": draw(UNITS[::-1])},
        "Transferred": lambda: {"from_unit": draw(UNITS), "to_unit": draw(UNITS[1:]),
                                **draw([{}, {"position": position}])},
        "PerformancePlanned": lambda: {"year": year, "approach": "kuantitatif", "evaluator": draw(["E1", "E2"]),
                                       "results": [{"indicator": "x", "target": "y"}]},
        "PerformanceEvaluated": lambda: {"period": draw([{"year": year, "kind": "annual"},
                                                         {"year": year, "kind": "quarterly", "number": draw([1, 2])}]),
                                         "results_rating": "sesuai", "behaviour_rating": "sesuai",
                                         "predikat": draw(["baik", "kurang"]), "evaluator": "E1",
                                         **draw([{}, {"evaluated_on": day}])},
        "ObjectionFiled": lambda: {"evaluation_event_id": _pick(draw, facts, "PerformanceEvaluated"),
                                   "filed_on": day, "grounds": "g"},
        "ObjectionDecided": lambda: {"objection_event_id": _pick(draw, facts, "ObjectionFiled"),
                                     "outcome": draw(["upheld", "rejected", "partially_upheld"]), "decided_by": "E2",
                                     **draw([{}, {"new_predikat": "sangat_baik"}])},
        "DisciplinaryPenaltyImposed": lambda: {"level": "ringan", "kind": draw(["teguran_lisan", "teguran_tertulis"]),
                                               "reason": "r"},
        "DisciplinaryPenaltyAnnulled": lambda: {"penalty_event_id": _pick(draw, facts, "DisciplinaryPenaltyImposed")},
        "DisciplinaryPenaltyEnded": lambda: {"penalty_event_id": _pick(draw, facts, "DisciplinaryPenaltyImposed")},
        "DisciplinaryPenaltyAppealed": lambda: {"penalty_event_id": _pick(draw, facts, "DisciplinaryPenaltyImposed"),
                                                "kind": draw(["keberatan", "banding"]), "filed_on": day,
                                                "grounds": "g"},
        "PeriodicSalaryIncreaseGranted": lambda: {"basic_salary": draw([3_500_000, 4_100_000])},
        "EducationCompleted": lambda: {"level": draw(["s1", "s2"]), "institution": "U", "graduated_on": day},
        "CivilServiceExamPassed": lambda: {"level": draw(["tingkat_i", "tingkat_ii"]), "passed_on": day},
        "CivilServantConfirmed": lambda: {"latsar_certificate": "LATSAR/2025/001", "latsar_completed_on": day},
        "DisciplinaryExaminationStarted": lambda: {"started_on": day, "grounds": "g"},
        "DisciplinaryExaminationClosed": lambda: {
            "examination_event_id": _pick(draw, facts, "DisciplinaryExaminationStarted"), "closed_on": day,
            "outcome": draw(["no_penalty", "penalty"])},
        "ContractRenewed": lambda: {"contract_end": date(year + 3, 1, 1), **draw([{"grade": "X"}, {}])},
        "LeaveGranted": lambda: {"kind": draw(["tahunan", "sakit", "besar"]), "start_date": day,
                                 "end_date": day + timedelta(days=3), "days": draw([1, 3])},
        "TrainingCompleted": lambda: {"path": "klasikal", "form": "f", "title": "t", "provider": "p",
                                      "start_date": day, "end_date": day + timedelta(days=1), "jp": draw([-2, 4, 20]),
                                      "cost": 0, "funding_unit": draw(UNITS)},
        "Separated": lambda: {"kind": draw(["retired", "resigned"])},
        "UnitRegistered": lambda: {"name": draw(["Dinas", "Badan"]), **draw([{}, {"kind": "dinas", "parent": "PEMKO"}])},
        "TrainingBudgetAllocated": lambda: {"year": year, "amount": draw([0, 5000])},
        "TrainingBudgetRealised": lambda: {"year": year, "amount": draw([0, 1000]),
                                           **draw([{}, {"training_event_id": str(uuid.uuid4())}])},
        "UnitAchievementAssessed": lambda: {"year": year, "achievement": draw(["baik", "kurang"])},
        "InternshipStarted": lambda: {"intern_name": "I", "institution": "U", "scheme": draw(["PKL", "MBKM"]),
                                      "host_unit": draw(UNITS), "supervisor": "E1", "start_date": day,
                                      "end_date": day + timedelta(days=90)},
        "InternshipCompleted": lambda: {"outcome": draw(["passed", "failed"]), "sks": 4, "completed_on": day},
        "InternshipCancelled": lambda: {"cancelled_on": day, "cause": "c"},
        "FeedbackReceived": lambda: {"classification": draw(["aspirasi", "pengaduan"]), "unit": draw(UNITS),
                                     "message": "m", "anonymous": True},
        "FeedbackVerified": lambda: {},
        "FeedbackDispositioned": lambda: {"to_unit": draw(UNITS[::-1])},
        "FeedbackResponded": lambda: {"response": draw(["Sudah", "Belum"])},
        "FeedbackClosed": lambda: {},
        "FeedbackRejected": lambda: {"cause": "duplicate"},
    }[type_]()


def fact(facts: list[dict[str, Any]], type_: str, data: dict[str, Any], eff: date | None = None) -> dict[str, Any]:
    """The next fact of a stream whose facts so far are `facts`."""
    v = len(facts) + 1
    return {"v": v, "id": str(uuid.UUID(int=v)), "type": type_, "at": START + timedelta(hours=v), "eff": eff,
            "data": data}


def career(kind: str) -> list[dict[str, Any]]:
    """One fact of every event type of `kind`, the creating one first, each the first of its choices
    (chosen so that every fact changes what the audit shows)."""
    facts: list[dict[str, Any]] = []
    for type_ in TYPES[kind]:
        if type_ in ("DisciplinaryPenaltyEnded", "DisciplinaryPenaltyAppealed"):  # a running penalty to act on
            facts.append(fact(facts, "DisciplinaryPenaltyImposed",
                              sample_data("DisciplinaryPenaltyImposed", lambda choices: choices[0], facts)))
        facts.append(fact(facts, type_, sample_data(type_, lambda choices: choices[0], facts)))
    return facts


def random_career(draw: Callable[[list[Any]], Any], kind: str, length: int) -> list[dict[str, Any]]:
    """A creating fact, then `length` facts of the kind's types, corrections and annulments."""
    facts = [fact([], CREATING[kind], sample_data(CREATING[kind], draw, []))]
    for _ in range(length):
        type_ = draw(TYPES[kind][1:] + list(FIXES))
        originals = [f for f in facts if f["type"] not in FIXES]
        if type_ == "Annulled":
            data = {"event_id": draw(originals)["id"]}
        elif type_ == "Corrected":
            target = draw(originals)
            again = sample_data(target["type"], draw, facts)
            fields = {name: value for name, value in again.items() if draw([True, False])}
            data = {"event_id": target["id"], "fields": fields or {"effective_date": date(2024, 7, 1)}}
        else:
            data = sample_data(type_, draw, facts)
        facts.append(fact(facts, type_, data, eff=draw([None, date(2024, 3, 1)]) if CATALOGUE[type_].TMT else None))
    return facts
