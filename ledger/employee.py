"""Employee aggregate: one stream per NIP / NI PPPK, from appointment to separation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

from ledger import career, rules
from ledger.errors import NotFound, RuleViolated
from ledger.rules import book, evaluation, leave, pay
from ledger.stream import PLAYING, Stream


PERIOD_NUMBERS = {"monthly": 12, "quarterly": 4}


def _period_end(d: dict[str, Any]) -> date | None:
    """An evaluation takes effect on its evaluation date, else on the last day of its period."""
    if d.get("evaluated_on"):
        return d["evaluated_on"]
    p = d["period"]
    if p["kind"] == "annual":
        return date(p["year"], 12, 31)
    number = min(max(p.get("number") or 1, 1), PERIOD_NUMBERS[p["kind"]])
    month = number * 3 if p["kind"] == "quarterly" else number
    first_after = date(p["year"] + 1, 1, 1) if month == 12 else date(p["year"], month + 1, 1)
    return first_after - timedelta(days=1)


class Employee(Stream):
    """A civil servant's whole career, as a list of facts folded on demand."""

    KIND = "employee"
    NATURAL_DATES = {
        "PerformancePlanned": lambda d: date(d["year"], 1, 1),
        "PerformanceEvaluated": _period_end,
        "ObjectionFiled": lambda d: d["filed_on"],
        "LeaveGranted": lambda d: d["start_date"],
        "TrainingCompleted": lambda d: d["end_date"],
        "DisciplinaryPenaltyAppealed": lambda d: d["filed_on"],
        "EducationCompleted": lambda d: d["graduated_on"],
        "CivilServiceExamPassed": lambda d: d["passed_on"],
        "DisciplinaryExaminationStarted": lambda d: d["started_on"],
        "DisciplinaryExaminationClosed": lambda d: d["closed_on"],
    }

    def start(self) -> dict[str, Any]:
        return {"nip": self.key, "training": {}, "annual_predikat": {}, "evaluations": {}, "plans": {},
                "penalties": {}, "leave": {}, "objections": {}, "latest_predikat": None, "separation": None,
                "cltn": [], "leave_periods": [], "examinations": {}}

    def complete(self, state: dict[str, Any]) -> dict[str, Any]:
        """Annual leave (cuti tahunan) days per year: what its quota rule reads."""
        state["leave_days"] = {y: kinds["tahunan"] for y, kinds in state["leave"].items() if "tahunan" in kinds}
        return state


class Context(Protocol):
    """What a decision may look up beyond its own stream."""

    def has(self, kind: str, key: str) -> bool: ...
    def unit(self, code: str) -> Any: ...
    def employee(self, nip: str) -> Any: ...


def decide(emp: Employee | None, type_: str, data: dict[str, Any], meta: dict[str, Any],
           ctx: Context) -> list[rules.Finding]:
    """Check an employee event against the rules: refuse what cannot be true, return the findings. The
    compliance rules the deciding ledger switched off (`JEJAK_RULES`, the context's `rulebook`) are not run."""
    token = book.ACTIVE.set(getattr(ctx, "rulebook", None))
    try:
        return _decide(emp, type_, data, meta, ctx)
    finally:
        book.ACTIVE.reset(token)


def _decide(emp: Employee | None, type_: str, data: dict[str, Any], meta: dict[str, Any],
            ctx: Context) -> list[rules.Finding]:
    tmt = meta.get("effective_date")
    nip = meta["subject"]
    if type_ == "EmployeeAppointed":
        _decide_appointment(emp, data, tmt, nip, ctx)
        return career.appointment_findings(data, tmt, nip)
    if emp is None:
        raise NotFound(f"subject: no employee with NIP {nip} was appointed", field="subject")
    state = current(emp)
    if state is None:
        raise NotFound(f"subject: employee {nip} has no appointment in effect", field="subject")
    rules.check_not_separated(state["status"] == "separated")
    check_own(type_, data, tmt, nip, state["employment_type"])
    found = [*_judge(state, type_, data, tmt, nip, ctx), *career.judge(state, type_, data, tmt, nip)]
    on = tmt or (Employee.NATURAL_DATES[type_](data) if type_ in Employee.NATURAL_DATES else None)
    return [*found, *_found(rules.past_bup_finding(state["employment_type"], rules.born_of(nip),
                                                   state.get("position"), on, type_),
                            rules.dismissal_finding(state["penalties"], on, type_)),
            *career.later_findings(state, type_, on)]


def current(emp: Employee) -> dict[str, Any] | None:
    """The state the rules read: the stream's kept played state under a shallow copy, not `state()`'s deep one
    (its copy of a whole career was a fifth of a batch's decide time). The rules only read it; a test decides
    a demo city on a frozen state to keep it so. A writer's stream is its request's own clone: no other thread
    plays it meanwhile."""
    with PLAYING:
        played = emp.played()
    return None if played is None else emp.complete(dict(played.state))


def _found(*findings: rules.Finding | None) -> list[rules.Finding]:
    return [f for f in findings if f is not None]


def service_start(nip: str, state: dict[str, Any]) -> date | None:
    """Service counts from the TMT CPNS (NIP digits 9-14) for a PNS, from the appointment for PPPK."""
    starts = [d for d in (rules.cpns_month(nip) if state["employment_type"] == "pns" else None,
                          state.get("appointed_on")) if d is not None]
    return min(starts) if starts else None


def _decide_appointment(emp: Employee | None, data: dict[str, Any], tmt: date | None, nip: str,
                        ctx: Context) -> None:
    """An appointment comes once, for a NIP that fits it, to a registered unit, at 18 or older on its TMT."""
    if emp is not None:
        raise RuleViolated("appointment_once", f"{nip} is already appointed",
                           f"{nip} sudah diangkat", field="subject")
    born = rules.check_nip(nip, data["employment_type"])
    check_own("EmployeeAppointed", data, tmt, nip, data["employment_type"])
    _require_unit(ctx, data["unit"], "data.unit")
    if tmt is not None and tmt < rules._add_years(born, 18):
        raise RuleViolated("appointment_age", "the appointee is under 18 on the TMT",
                           "calon ASN belum berusia 18 tahun pada TMT", field="effective_date")


def _judge(state: dict[str, Any], type_: str, data: dict[str, Any], tmt: date | None, nip: str,
           ctx: Context) -> list[rules.Finding]:
    """The rules a later event must keep against the employee's current state; its findings."""
    cltn = state.get("cltn", [])
    if type_ == "PromotionGranted":
        rules.check_current_grade(state["grade"], data["from_grade"])
        return _found(rules.promotion_predikat_warning(state["annual_predikat"], tmt)
                      if data["kind"] in rules.PREDIKAT_KINDS else None,
                      rules.diploma_finding(data["to_grade"], data.get("education_level"))
                      if data["kind"] == "penyesuaian_ijazah" else None,
                      rules.running_penalty_finding(career.all_penalties(state), tmt),
                      rules.cltn_finding(cltn, tmt, "promotion"))
    if type_ == "PositionAssigned":
        _require_unit(ctx, data["unit"], "data.unit")
    elif type_ == "Transferred":
        if data["from_unit"] != state["unit"]:
            raise RuleViolated("transfer_from_current_unit",
                               f"from_unit {data['from_unit']} is not the current unit {state['unit']}",
                               f"from_unit {data['from_unit']} bukan unit saat ini {state['unit']}",
                               field="data.from_unit")
        _require_unit(ctx, data["to_unit"], "data.to_unit")
        return _found(rules.transfer_tenure_warning(state.get("in_post_since"), tmt))
    elif type_ == "PerformanceEvaluated":
        return _judge_evaluation(state, data, ctx)
    elif type_ == "ObjectionFiled":
        ev = state["evaluations"].get(data["evaluation_event_id"])
        if ev is None:
            raise NotFound(f"data.evaluation_event_id: no evaluation {data['evaluation_event_id']} of {nip}",
                           field="data.evaluation_event_id")
        rules.check_objection_window(ev["evaluated_on"], data["filed_on"])
    elif type_ == "ObjectionDecided":
        return _judge_decision(state, data, nip)
    elif type_ == "DisciplinaryPenaltyAnnulled":
        if data["penalty_event_id"] not in state["penalties"]:
            raise NotFound(f"data.penalty_event_id: no active penalty {data['penalty_event_id']} of {nip}",
                           field="data.penalty_event_id")
    elif type_ == "LeaveGranted":
        rules.check_leave(data["kind"], state["employment_type"], data["start_date"], data["end_date"], data["days"])
        periods = state.get("leave_periods", [])
        return [*rules.leave_findings(data["kind"], state["employment_type"], data["start_date"], data["end_date"],
                                      data["days"], nip, state.get("gender"), state["leave_days"],
                                      service_start(nip, state)),
                *_found(leave.overlap_finding(periods, data["start_date"], data["end_date"])),
                *leave.kind_rules_findings(data["kind"], data["start_date"], periods, data.get("approval_sk"),
                                           data.get("child_order"))]
    elif type_ == "TrainingCompleted":
        _require_unit(ctx, data["funding_unit"], "data.funding_unit")
        year = data["end_date"].year
        return _found(rules.pppk_training_ceiling_warning(state["employment_type"], year,
                                                          state["training"].get(year, 0) + data["jp"]),
                      rules.cltn_finding(cltn, data["start_date"], "training")
                      or rules.cltn_finding(cltn, data["end_date"], "training"))
    return []


def _judge_evaluation(state: dict[str, Any], data: dict[str, Any], ctx: Context) -> list[rules.Finding]:
    """An evaluation needs its year's plan; its evaluator's post and status, and CLTN, are judged."""
    year = data["period"]["year"]
    if year not in state["plans"]:
        raise RuleViolated("evaluation_needs_plan", f"no SKP plan (PerformancePlanned) for {year}",
                           f"belum ada rencana SKP (PerformancePlanned) untuk {year}", field="data.period.year")
    if isinstance(data["evaluator"], dict):  # a named official without NIP: the regional head, or another
        ev_state = {"position": {"type": rules.official_post(data["evaluator"]["title"])}}
    else:
        evaluator = ctx.employee(data["evaluator"])
        ev_state = (current(evaluator) if evaluator is not None else None) or {}
    post, ev_post = state.get("position") or {}, ev_state.get("position") or {}
    return _found(rules.evaluator_hierarchy_warning(post.get("type"), ev_post.get("type"), post.get("title"),
                                                    ev_post.get("title")),
                  evaluation.plans_evaluator_finding(state["plans"][year].get("evaluator"), data["evaluator"]),
                  rules.evaluator_active_finding(data["evaluator"], ev_state.get("status")),
                  rules.cltn_finding(state.get("cltn", []), _period_end(data), "evaluation"))


def _judge_decision(state: dict[str, Any], data: dict[str, Any], nip: str) -> list[rules.Finding]:
    """A decision comes once, never from the objector; one by the evaluator is a finding."""
    obj = state["objections"].get(data["objection_event_id"])
    if obj is None:
        raise NotFound(f"data.objection_event_id: no objection {data['objection_event_id']} of {nip}",
                       field="data.objection_event_id")
    if obj["decided"] is not None:
        raise RuleViolated("objection_decision_final", "the objection was already decided; that decision is final",
                           "keberatan sudah diputus; keputusan itu final", field="data.objection_event_id")
    if data["decided_by"] == nip:
        raise RuleViolated("evaluator_not_self", "an employee cannot decide their own objection",
                           "pegawai tidak dapat memutus keberatannya sendiri", field="data.decided_by")
    evaluation = state["evaluations"].get(obj["evaluation"]) or {}
    return _found(rules.objection_decider_finding(data["decided_by"], evaluation.get("evaluator")))


def check_own(type_: str, data: dict[str, Any], tmt: date | None, nip: str, etype: str) -> None:
    """The rules an event's own fields must keep: checked when recorded and when corrected."""
    if type_ == "EmployeeAppointed":
        if isinstance(data.get("birth_date"), date):  # a commitment was checked when it was recorded
            rules.check_birth_date_matches(nip, data["birth_date"])
        rules.check_grade(data["grade"], data["employment_type"])
    elif type_ == "PromotionGranted":
        rules.check_next_grade(data["from_grade"], data["from_grade"], data["to_grade"], etype, data["kind"])
        assert tmt is not None
        rules.check_promotion_tmt(tmt, data["kind"])
    elif type_ == "Transferred" and data["to_unit"] == data["from_unit"]:
        raise RuleViolated("transfer_to_other_unit", "to_unit equals from_unit",
                           "to_unit sama dengan from_unit", field="data.to_unit")
    elif type_ == "PerformancePlanned":
        rules.check_evaluator_not_self(nip, data["evaluator"])
    elif type_ == "PerformanceEvaluated":
        rules.check_evaluator_not_self(nip, data["evaluator"])
        rules.check_predikat(data["results_rating"], data["behaviour_rating"], data["predikat"])
        rules.check_period(data["period"]["kind"], data["period"].get("number"))
    elif type_ == "DisciplinaryPenaltyImposed":
        rules.check_penalty_kind(data["level"], data["kind"])
    elif type_ == "TrainingCompleted":
        rules.check_jp(data["jp"])
        rules.check_training_dates(data["start_date"], data["end_date"])
    elif type_ == "LeaveGranted":
        rules.check_leave_dates(data["start_date"], data["end_date"], data["days"])
    elif type_ == "Separated":
        rules.check_separation_kind(data["kind"], etype)
    elif type_ == "PeriodicSalaryIncreaseGranted":
        assert tmt is not None
        pay.check_kgb_tmt(tmt)


def check_corrected(emp: Employee, type_: str, data: dict[str, Any], tmt: date | None,
                    given: dict[str, Any]) -> None:
    """A correction must leave the original event within its own rules."""
    for name in ("cost", "funding_unit"):
        if type_ == "TrainingCompleted" and name in given:
            raise RuleViolated("training_cost_by_annulment",
                               "a training's cost and funding unit are fixed by annulling it and recording it again",
                               "biaya dan unit pendana pelatihan diperbaiki dengan membatalkan lalu mencatat ulang",
                               field=f"data.fields.{name}")
    state = emp.state() or {}
    etype = data.get("employment_type") or state.get("employment_type") or "pns"
    try:
        check_own(type_, data, tmt, emp.key, etype)
    except RuleViolated as exc:
        field = exc.field or "data"
        under = "data.fields." + (field[len("data."):] if field.startswith("data.") else field)
        raise RuleViolated(exc.rule, exc.message[len(field) + 2:], exc.message_id[len(field) + 2:],
                           field=under) from None


def _require_unit(ctx: Context, code: str, field: str) -> None:
    if not ctx.has("unit", code):
        raise NotFound(f"{field}: unit {code} is not registered", field=field)
