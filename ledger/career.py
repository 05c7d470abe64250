"""How an employee's later career events are judged: promotion and KGB against their prerequisites,
penalties against their periods, PPPK contracts against their end (the rules live in `ledger.rules`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger import rules
from ledger.errors import NotFound, RuleViolated
from ledger.rules import candidacy, contract, discipline, hearing, pay, promotion
from ledger.rules.ranks import PNS_GRADES, PPPK_GRADES


def _found(*findings: rules.Finding | None) -> list[rules.Finding]:
    return [f for f in findings if f is not None]


def all_penalties(state: dict[str, Any]) -> dict[str, Any]:
    """Running and ended penalties: a backdated action is judged against both."""
    return {**state.get("ended_penalties", {}), **state["penalties"]}


def judge(state: dict[str, Any], type_: str, data: dict[str, Any], tmt: date | None, nip: str) -> list[rules.Finding]:
    """The findings of a promotion, KGB, penalty step or contract renewal, from the state before it."""
    exams = state.get("examinations", {})
    if type_ == "PromotionGranted":
        assert tmt is not None
        return [*promotion.prerequisite_findings(state, data, tmt),
                *_found(hearing.examination_finding(exams, all_penalties(state), tmt))]
    if type_ == "PeriodicSalaryIncreaseGranted":
        assert tmt is not None
        last = state.get("last_kgb_on") or (rules.cpns_month(nip) if state["employment_type"] == "pns"
                                             else state.get("appointed_on"))
        penalties = all_penalties(state)
        return _found(pay.kgb_interval_finding(last, tmt),
                      rules.running_penalty_finding(penalties, tmt, kgb=True),
                      hearing.examination_finding(exams, penalties, tmt, kgb=True))
    if type_ == "DisciplinaryExaminationClosed":
        hearing.check_close(exams, data["examination_event_id"], data["closed_on"])
    if type_ == "DisciplinaryPenaltyImposed":
        if data["kind"] in discipline.DEMOTIONS:
            ladder = PNS_GRADES if state["employment_type"] == "pns" else PPPK_GRADES
            discipline.lower_grade(state["grade"], ladder)
        return _found(hearing.absence_band_finding(data["kind"], data.get("absence_days")))
    if type_ in ("DisciplinaryPenaltyEnded", "DisciplinaryPenaltyAppealed"):
        penalty = state["penalties"].get(data["penalty_event_id"])
        if penalty is None:
            raise NotFound(f"data.penalty_event_id: no running penalty {data['penalty_event_id']} of {nip}",
                           field="data.penalty_event_id")
        if type_ == "DisciplinaryPenaltyEnded":
            assert tmt is not None
            discipline.check_has_period(penalty["kind"])
            discipline.check_penalty_end(penalty["since"], tmt)
            return _found(discipline.ended_early_finding(penalty["kind"], penalty["since"], tmt))
        return hearing.appeal_findings(penalty, data["kind"], data["filed_on"])
    if type_ == "CivilServantConfirmed":
        assert tmt is not None
        candidacy.check_confirmation(bool(state.get("candidate")), state.get("confirmed_on"),
                                     state.get("appointed_on"), tmt)
        return _found(candidacy.probation_finding(state.get("appointed_on"), tmt),
                      candidacy.latsar_finding(data.get("latsar_completed_on"), tmt))
    if type_ == "ContractRenewed":
        contract.check_contract(state["employment_type"], tmt, data["contract_end"], "data.contract_end")
        if data.get("grade"):
            rules.check_grade(data["grade"], state["employment_type"])
        return _found(contract.period_finding(tmt, data["contract_end"]))
    return []


def appointment_findings(data: dict[str, Any], tmt: date | None, nip: str) -> list[rules.Finding]:
    """An appointment's own findings: the NIK against the NIP, a PPPK contract's period."""
    etype = data["employment_type"]
    contract.check_contract(etype, tmt, data.get("contract_end"), "data.contract_end")
    if data.get("candidate") and etype != "pns":
        raise RuleViolated("confirmation_of_a_cpns", "only a PNS begins as a CPNS", "hanya PNS yang diawali "
                           "sebagai CPNS", field="data.candidate")
    return _found(rules.gender_finding(nip, etype, data.get("gender")),
                  rules.nik_finding(nip, etype, data.get("nik"), data.get("gender")),
                  contract.period_finding(tmt, data.get("contract_end")))


def later_findings(state: dict[str, Any], type_: str, on: date | None) -> list[rules.Finding]:
    """Findings any later action may carry: a PPPK acting past the contract's end."""
    return _found(contract.expired_finding(state.get("contract_end"), on, type_))
