"""Planted hearings and CLTN (issue 17): a keberatan filed after its 14 working days and one filed in time,
an examination closed by its own event, a CLTN with the Kepala BKN's approval, and one without it with a
training during it. Each goes to someone none of whose other generated events falls in its span, so only
the planted rule can be found."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from api.demo.calendar import add_workdays, workday
from api.demo.people import Person
from api.demo.plan import Plan, Ref


def _dates(body: dict[str, Any]) -> list[date]:
    """Every date an event takes effect on or spans (an evaluation: its year's end, the latest it can mean)."""
    d = body.get("data", {})
    found = [body.get("effective_date"), d.get("start_date"), d.get("end_date"), d.get("evaluated_on")]
    if isinstance(d.get("period"), dict):
        found.append(f"{d['period']['year']}-12-31")
    return [date.fromisoformat(x) for x in found if isinstance(x, str)]


def clear(plan: Plan, p: Person, since: date) -> bool:
    """None of `p`'s generated events is recorded or takes effect on or after `since`."""
    return all(e.day < since and all(x < since for x in _dates(e.body)) for e in plan.of(p.nip))


def _penalty(plan: Plan, city: Any, p: Person, day: date, kind: str, reason: str, **data: Any) -> None:
    plan.add(day, "sk", {
        "type": "DisciplinaryPenaltyImposed", "subject": p.nip, "effective_date": day.isoformat(),
        "legal_basis": {"number": f"800.1.12.1/{city.next('sk'):04d}/BKPSDM/{day.year}", "date": day.isoformat()},
        "on_behalf_of": city.approver(p), "data": {"level": "ringan", "kind": kind, "reason": reason, **data}},
        label=f"penalty:{p.nip}")


def _appeal(plan: Plan, city: Any, p: Person, filed: date) -> bool:
    return plan.add(filed, "sk", {
        "type": "DisciplinaryPenaltyAppealed", "subject": p.nip, "on_behalf_of": city.approver(p),
        "data": {"penalty_event_id": Ref(f"penalty:{p.nip}"), "kind": "keberatan", "filed_on": filed.isoformat(),
                 "grounds": "Keberatan atas hukuman disiplin"}})


def plant_hearings(rng: random.Random, plan: Plan, career: Any, city: Any, pool: list[Person],
                   absent: tuple[Person, date] | None, today: date) -> list[dict[str, Any]]:
    """`absent`: the person and day of the planted teguran for absence, whose keberatan comes late."""
    planted: list[dict[str, Any]] = []
    if absent is not None and _appeal(plan, city, absent[0], workday(absent[1] + timedelta(days=30))):
        planted.append({"subject": absent[0].nip, "type": "DisciplinaryPenaltyAppealed",
                        "rules": ["penalty_appeal_late"]})
    imposed, started, cltn = workday(today - timedelta(days=45)), workday(today - timedelta(days=50)), \
        workday(today - timedelta(days=10))
    candidates = [p for p in rng.sample(pool, len(pool)) if city.approver(p)]
    lawful = next((p for p in candidates if clear(plan, p, imposed)), None)
    if lawful is not None:  # a teguran lisan and its keberatan two working days after its TMT: lawful (the 14
        # working days run from the decision's receipt, 15 days before the TMT: about 3 working days after it)
        _penalty(plan, city, lawful, imposed, "teguran_lisan", "Tidak menaati ketentuan jam kerja")
        if _appeal(plan, city, lawful, add_workdays(imposed, 2)):
            planted.append({"subject": lawful.nip, "type": "DisciplinaryPenaltyAppealed", "rules": []})
    examined = next((p for p in candidates if p is not lawful and clear(plan, p, started)), None)
    if examined is not None:  # an examination closed without a penalty by its own event: lawful
        plan.add(started, "sk", {"type": "DisciplinaryExaminationStarted", "subject": examined.nip,
                                 "on_behalf_of": city.approver(examined),
                                 "data": {"started_on": started.isoformat(), "grounds": "Dugaan pelanggaran jam kerja"}},
                 label=f"examination:{examined.nip}")
        closed = workday(today - timedelta(days=20))
        if plan.add(closed, "sk", {"type": "DisciplinaryExaminationClosed", "subject": examined.nip,
                                   "on_behalf_of": city.approver(examined),
                                   "data": {"examination_event_id": Ref(f"examination:{examined.nip}"),
                                            "closed_on": closed.isoformat(), "outcome": "no_penalty"}}):
            planted.append({"subject": examined.nip, "type": "DisciplinaryExaminationClosed", "rules": []})
    end, chosen = cltn + timedelta(days=180), [lawful, examined]
    for approval in ("B-2207/KP.08.03/SD/K/2026", None):  # with the Kepala BKN's approval, then without it
        away = next((p for p in candidates if p not in chosen and clear(plan, p, cltn)
                     and p.appointed <= cltn.replace(year=cltn.year - 6) and career.free(p.nip, "cltn", cltn, end)
                     and career.jp.get((p.nip, cltn.year), 0) + 2 <= 60), None)  # room for the seminar's 2 JP
        if away is None or not plan.add(workday(cltn - timedelta(days=5)), "sk", {
                "type": "LeaveGranted", "subject": away.nip, "on_behalf_of": city.approver(away),
                "data": {"kind": "cltn", "start_date": cltn.isoformat(), "end_date": end.isoformat(), "days": 128,
                         **({"approval_sk": approval} if approval else {})}}):
            continue
        chosen.append(away)
        career.leaves.setdefault(away.nip, []).append((cltn, end, "cltn"))
        planted.append({"subject": away.nip, "type": "LeaveGranted", "rules": [] if approval else ["cltn_approval"]})
        trained = workday(cltn + timedelta(days=2))
        if approval is None and plan.add(add_workdays(trained, 1), "training", {
                "type": "TrainingCompleted", "subject": away.nip, "data": {
                    "path": "nonklasikal", "form": "seminar", "title": "Seminar Pelayanan Publik",
                    "provider": "Ombudsman RI", "start_date": trained.isoformat(), "end_date": trained.isoformat(),
                    "jp": 2, "cost": 0, "funding_unit": away.unit}}):
            career.jp[(away.nip, trained.year)] = career.jp.get((away.nip, trained.year), 0) + 2
            planted.append({"subject": away.nip, "type": "TrainingCompleted", "rules": ["action_during_cltn"]})
    return planted
