"""What each event changes in its stream's state: one small function per event type, in one table.

Every read of a stream plays its facts through `EFFECTS` (`Stream.fold`, in TMT order), and the
audit's before/after values are read from the same state played in recording order
(`projections.values`), so what an event changes is said here and nowhere else. An effect
changes the state it is given in place, reaching it only through `s` (the audit notes which of
its parts an effect reads or writes), and nothing else; it is called as `effect(s, d, f, on)`:
  s   the state so far, as the stream's `start()` began it
  d   the fact's data, corrections applied
  f   the fact itself (`id`; `at`, its recording time)
  on  `on(f)` is the date the fact takes effect (its TMT or natural date); asked only when used
Totals derived from what the events said (a budget's remainder, annual leave days) are added
once after every effect, by the stream's `complete()`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger import events as ev
from ledger import other_effects  # noqa: F401 - the other streams' effects register in the same table
from ledger.effect_table import EFFECTS, DateOf, Data, Effect, Fact, State, add_to, effect
from ledger.rules import discipline
from ledger.rules.ranks import PNS_GRADES, PPPK_GRADES

__all__ = ["EFFECTS", "Effect", "effect"]


# --- Employee (state begun by `Employee.start`) ---------------------------------------------

APPOINTMENT_FIELDS = ("employment_type", "name", "grade", "position", "unit", "nik", "birth_date", "address",
                      "contact", "gender", "education", "contract_end", "candidate")


@effect(ev.EmployeeAppointed)
def appointed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update({k: d.get(k) for k in APPOINTMENT_FIELDS})
    s["status"] = "active"
    s["appointed_on"] = s["in_post_since"] = on(f)


@effect(ev.PromotionGranted)
def promoted(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["grade"] = d["to_grade"]
    s["last_promotion_on"] = on(f)


@effect(ev.PositionAssigned)
def position_assigned(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["position"], s["unit"], s["in_post_since"] = d["position"], d["unit"], on(f)


@effect(ev.Transferred)
def transferred(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["unit"] = d["to_unit"]
    if d.get("position"):
        s["position"] = d["position"]
    s["in_post_since"] = on(f)


@effect(ev.PerformancePlanned)
def planned(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["plans"][d["year"]] = {"evaluator": d["evaluator"], "approach": d["approach"]}


@effect(ev.PerformanceEvaluated)
def evaluated(s: State, d: Data, f: Fact, on: DateOf) -> None:
    p = d["period"]
    s["evaluations"][f["id"]] = {"year": p["year"], "kind": p["kind"], "number": p.get("number"),
                                 "predikat": d["predikat"], "evaluator": d["evaluator"], "evaluated_on": on(f)}
    if p["kind"] == "annual":
        s["annual_predikat"][p["year"]] = d["predikat"]
    s["latest_predikat"] = d["predikat"]


@effect(ev.ObjectionFiled)
def objection_filed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["objections"][f["id"]] = {"evaluation": d["evaluation_event_id"], "decided": None}


@effect(ev.ObjectionDecided)
def objection_decided(s: State, d: Data, f: Fact, on: DateOf) -> None:
    """An upheld objection with a new predikat replaces the evaluation's predikat."""
    objection = s["objections"].get(d["objection_event_id"])
    if objection is None:
        return
    objection["decided"] = d["outcome"]
    evaluation = s["evaluations"].get(objection["evaluation"])
    if evaluation and d.get("new_predikat") and d["outcome"] != "rejected":
        evaluation["predikat"] = d["new_predikat"]
        if evaluation["kind"] == "annual":
            s["annual_predikat"][evaluation["year"]] = d["new_predikat"]
        s["latest_predikat"] = d["new_predikat"]


@effect(ev.DisciplinaryPenaltyImposed)
def penalty_imposed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    """A demotion lowers the grade one step and a pembebasan makes the post pelaksana, for their period."""
    penalty = {"event_id": f["id"], "level": d["level"], "kind": d["kind"], "since": on(f)}
    if d["kind"] in discipline.DEMOTIONS and s.get("grade") in _ladder(s)[1:]:
        penalty["restores"] = {"grade": s["grade"]}
        s["grade"] = discipline.lower_grade(s["grade"], _ladder(s))
    elif d["kind"] in discipline.RELIEFS:
        penalty["restores"] = {"position": s.get("position")}
        s["position"] = dict(discipline.RELIEF_POST)
    s["penalties"][f["id"]] = penalty


def _ladder(s: State) -> list[str]:
    return PNS_GRADES if s.get("employment_type") == "pns" else PPPK_GRADES


def _lift(s: State, penalty_id: str, ended: date | None) -> None:
    """A penalty stops: what it took is given back (a grade one step up again, the post held before)."""
    penalty = s["penalties"].pop(penalty_id, None)
    if penalty is None:
        return
    restores = penalty.get("restores") or {}
    if "grade" in restores and s.get("grade") in _ladder(s)[:-1]:
        s["grade"] = _ladder(s)[_ladder(s).index(s["grade"]) + 1]
    if "position" in restores and s.get("position") == discipline.RELIEF_POST:
        s["position"] = restores["position"]
    if ended is not None:
        s["ended_penalties"] = {**s.get("ended_penalties", {}), penalty_id: {**penalty, "ended": ended}}


@effect(ev.DisciplinaryPenaltyAnnulled)
def penalty_annulled(s: State, d: Data, f: Fact, on: DateOf) -> None:
    _lift(s, d["penalty_event_id"], None)


@effect(ev.DisciplinaryPenaltyEnded)
def penalty_ended(s: State, d: Data, f: Fact, on: DateOf) -> None:
    _lift(s, d["penalty_event_id"], on(f))


@effect(ev.DisciplinaryPenaltyAppealed)
def penalty_appealed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    penalty = s["penalties"].get(d["penalty_event_id"])
    if penalty is not None:
        penalty["appeals"] = [*penalty.get("appeals", []), d["kind"]]


@effect(ev.DisciplinaryExaminationStarted, ev.DisciplinaryExaminationClosed)
def examination(s: State, d: Data, f: Fact, on: DateOf) -> None:
    """An examination runs from its start to its close (kept after it, for backdated promotions)."""
    key = d.get("examination_event_id", f["id"])
    was = s.get("examinations", {}).get(key, {"since": on(f), "closed": None})
    s["examinations"] = {**s.get("examinations", {}), key: {**was, "closed": None if key == f["id"] else on(f)}}


@effect(ev.PeriodicSalaryIncreaseGranted)
def kgb_granted(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["basic_salary"], s["last_kgb_on"] = d["basic_salary"], on(f)


@effect(ev.EducationCompleted)
def education_completed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["degrees"] = [*s.get("degrees", []), {"level": d["level"], "graduated_on": d["graduated_on"]}]


@effect(ev.CivilServiceExamPassed)
def exam_passed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["ujian_dinas"] = {**s.get("ujian_dinas", {}), d["level"]: d["passed_on"]}


@effect(ev.CivilServantConfirmed)
def confirmed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["candidate"], s["confirmed_on"] = False, on(f)


@effect(ev.ContractRenewed)
def contract_renewed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["contract_end"] = d["contract_end"]
    if d.get("grade"):
        s["grade"] = d["grade"]


@effect(ev.LeaveGranted)
def leave_granted(s: State, d: Data, f: Fact, on: DateOf) -> None:
    """Days per year and kind; every period kept whole (overlaps, CLTN and cuti besar are judged by date)."""
    add_to(s["leave"].setdefault(d["start_date"].year, {}), d["kind"], d["days"])
    s["leave_periods"] = [*s.get("leave_periods", []), {"event_id": f["id"], "kind": d["kind"],
                                                        "start": d["start_date"], "end": d["end_date"]}]
    if d["kind"] == "cltn":
        s["cltn"] = [*s.get("cltn", []), (d["start_date"], d["end_date"])]


@effect(ev.TrainingCompleted)
def training_completed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    add_to(s["training"], d["end_date"].year, d["jp"])


@effect(ev.Separated)
def separated(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["status"] = "separated"
    s["separation"] = {"kind": d["kind"], "on": on(f)}
