"""A handful of deliberate irregularities, so the inspectors' red flags have something to find.

`plant` returns the manifest of what was planted: per irregular event, its subject, type and the
findings the rulebook must attach to it (none for what only a red flag shows: backdating, a
self-recorded action, an out-of-hours burst). The demo test counts both ways against it."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from api.demo.calendar import at_wib, first_of_month, workday
from api.demo.hearings import plant_hearings
from api.demo.people import GRADE_RANGE, Person
from api.demo.plan import Plan
from api.demo.units import BKPSDM
from ledger.rules import PNS_GRADES, allowed_promotion_months


def _steady(p: Person) -> bool:
    return (p.role == "staff" and p.employment_type == "pns" and p.post == "pelaksana" and p.stop is None
            and not p.new and not p.school)


def choose(rng: random.Random, staff: list[Person], org: dict[str, Any], last_year: int) -> dict[str, Person]:
    """Pick the people who will carry an anomaly, and shape their careers so it happens."""
    pool = [p for p in staff if _steady(p)]
    rng.shuffle(pool)
    picked = dict(zip(["promotion", "transfer", "evaluator", "nik"], pool))
    if "promotion" in picked:  # promoted in the last year although last year's predikat was poor
        p = picked["promotion"]
        p.flags["no_promotion"] = True
        cap = PNS_GRADES.index(GRADE_RANGE[p.post][1])
        if PNS_GRADES.index(p.grade) >= cap:
            p.grade = PNS_GRADES[cap - 1]
        p.predikat[last_year - 1] = "butuh_perbaikan"
    if "transfer" in picked:
        picked["transfer"].flags["no_transfer"] = True
    if "evaluator" in picked:
        picked["evaluator"].flags["outside_evaluator"] = last_year - 1
    if "nik" in picked:  # the NIK's day digits typed without the +40 that marks a woman (or with it for a man)
        picked["nik"].flags["nik_sex_flipped"] = True
    return picked


def _years(a: date, b: date) -> int:
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def examined(plan: Plan, city: Any, p: Person, start: date, penalised: date) -> None:
    """An examination (PP 94/2021 art. 26) that a teguran lisan closes after the promotion planted in it."""
    by = city.approver(p)
    plan.add(start, "sk", {"type": "DisciplinaryExaminationStarted", "subject": p.nip, "on_behalf_of": by,
                           "data": {"started_on": start.isoformat(), "grounds": "Dugaan pelanggaran jam kerja"}})
    plan.add(penalised, "sk", {
        "type": "DisciplinaryPenaltyImposed", "subject": p.nip, "effective_date": penalised.isoformat(),
        "legal_basis": {"number": f"800.1.12.1/{city.next('sk'):04d}/BKPSDM/{penalised.year}",
                        "date": penalised.isoformat()}, "on_behalf_of": by,
        "data": {"level": "ringan", "kind": "teguran_lisan", "reason": "Tidak menaati ketentuan jam kerja"}})


def plant(rng: random.Random, plan: Plan, career: Any, city: Any, picked: dict[str, Person],
          people: list[Person], today: date) -> list[dict[str, Any]]:
    """Record the irregular events near the end of the window, where inspectors look first; return
    the manifest of what was planted and the findings each must carry. Long because each planted
    irregularity is one short block beside the finding it must raise, read as the demo's list of them."""
    planted: list[dict[str, Any]] = []
    if "promotion" in picked:
        p = picked["promotion"]
        for back in range(1, 12):  # the latest allowed promotion month that is already in the past
            tmt = first_of_month(today.year, today.month - back)
            if tmt.year == today.year and tmt.month in allowed_promotion_months(tmt) and tmt.month > 2:
                p.flags.pop("no_promotion")
                since = p.last_promotion
                examined(plan, city, p, workday(tmt - timedelta(days=40)), workday(tmt + timedelta(days=10)))
                career.promote(p, tmt, day=workday(tmt - timedelta(days=12)))
                rules = ["promotion_two_baik_years", "promotion_under_examination"] + (
                    ["promotion_four_years_in_rank"] if _years(since, tmt) < 4 else [])
                planted.append({"subject": p.nip, "type": "PromotionGranted", "rules": rules})
                break
    if "transfer" in picked:  # TMT five months before the SK is recorded: backdated
        p = picked["transfer"]
        day = workday(today - timedelta(days=25))
        tmt = first_of_month(day.year, day.month - 5)
        to = "DISPERKIM" if p.unit != "DISPERKIM" else "DISNAKER"
        career.transfer(p, to, tmt, day)
        in_post = _years(p.appointed, tmt)  # a transfer within 2-5 years in post keeps the tenure guidance
        planted.append({"subject": p.nip, "type": "Transferred",
                        "rules": [] if 2 <= in_post and tmt <= p.appointed.replace(year=p.appointed.year + 5)
                        else ["transfer_tenure"]})
        p.unit = to
    bkpsdm = city.org[BKPSDM]
    for nip in (bkpsdm["head"][0], bkpsdm["pengawas"][0]):  # leave approved on their own behalf
        start = workday(today - timedelta(days=30))
        while not career.free(nip, "tahunan", start, start + timedelta(days=1)):
            start = workday(start - timedelta(days=7))
        career.leaves.setdefault(nip, []).append((start, start + timedelta(days=1), "tahunan"))
        plan.add(workday(today - timedelta(days=36)), "sk", {
            "type": "LeaveGranted", "subject": nip, "on_behalf_of": nip,
            "data": {"kind": "tahunan", "start_date": start.isoformat(),
                     "end_date": (start + timedelta(days=1)).isoformat(), "days": 2}})
        planted.append({"subject": nip, "type": "LeaveGranted", "rules": []})  # a red flag only
    if "evaluator" in picked:
        planted.append({"subject": picked["evaluator"].nip, "type": "PerformanceEvaluated",
                        "rules": ["evaluator_hierarchy", "evaluator_is_plans"]})
    if "nik" in picked:
        planted.append({"subject": picked["nik"].nip, "type": "EmployeeAppointed", "rules": ["nik_matches_nip"]})
    planted += plant_discipline_and_leave(rng, plan, career, city, picked, people, today)
    spread = city.planted_spread
    if spread is not None:
        planted.append({"subject": spread, "type": "UnitAchievementAssessed", "rules": ["unit_predikat_spread"]})
    day = workday(today - timedelta(days=12))
    def room(p: Person) -> bool:  # the burst's 2 JP keep the year within 60 JP (PPPK 24)
        return career.jp.get((p.nip, day.year), 0) + 2 <= (60 if p.employment_type == "pns" else 24)

    crew = [p for p in people if p.role == "staff" and (p.stop is None or p.stop > day)
            and p.appointed < day - timedelta(days=30) and room(p)]
    crew = rng.sample(crew, min(30, len(crew)))
    for i, p in enumerate(crew):  # a late-night burst by one operator account
        s = day - timedelta(days=20 + i % 5)
        plan.add(day, "burst", {
            "type": "TrainingCompleted", "subject": p.nip,
            "data": {"path": "nonklasikal", "form": "e_learning", "title": "Pelatihan Mandiri ASN Unggul",
                     "provider": "Lembaga Administrasi Negara", "start_date": s.isoformat(),
                     "end_date": s.isoformat(), "jp": 2, "cost": 0, "funding_unit": p.unit}},
            actor="operator-bkpsdm-2", at=at_wib(day, 22, 5 + i // 2, (i % 2) * 30))
    return planted


def plant_discipline_and_leave(rng: random.Random, plan: Plan, career: Any, city: Any, picked: dict[str, Person],
                               people: list[Person], today: date) -> list[dict[str, Any]]:
    """A teguran for 22 days' absence (PP 94/2021 art. 11 gives demotion), a sick leave on days already
    on leave (PP 11/2017 art. 310), and the hearings and CLTN of `plant_hearings`."""
    taken = {p.nip for p in picked.values()}
    pool = sorted((p for p in people if _steady(p) and p.nip not in taken), key=lambda p: p.nip)
    planted: list[dict[str, Any]] = []
    absent = next((p for p in rng.sample(pool, len(pool)) if city.approver(p)), None)
    day = workday(today - timedelta(days=60))
    if absent is not None:
        plan.add(day, "sk", {
            "type": "DisciplinaryPenaltyImposed", "subject": absent.nip, "effective_date": day.isoformat(),
            "legal_basis": {"number": f"800.1.12.1/{city.next('sk'):04d}/BKPSDM/{day.year}", "date": day.isoformat()},
            "on_behalf_of": city.approver(absent), "data": {"level": "ringan", "kind": "teguran_tertulis",
                                                           "reason": "Tidak masuk kerja tanpa alasan yang sah",
                                                           "absence_days": 22}}, label=f"penalty:{absent.nip}")
        planted.append({"subject": absent.nip, "type": "DisciplinaryPenaltyImposed", "rules": ["absence_penalty_band"]})
        taken.add(absent.nip)
    on_leave = [(p, s, e) for p in pool if p.nip not in taken for s, e, _ in career.leaves.get(p.nip, [])
                if today - timedelta(days=300) < s and e < today - timedelta(days=5)]
    if on_leave:
        p, s, e = on_leave[rng.randrange(len(on_leave))]
        plan.add(workday(e + timedelta(days=1)), "sk", {
            "type": "LeaveGranted", "subject": p.nip, "on_behalf_of": city.approver(p),
            "data": {"kind": "sakit", "start_date": s.isoformat(), "end_date": s.isoformat(), "days": 1}})
        planted.append({"subject": p.nip, "type": "LeaveGranted", "rules": ["leave_overlap"]})
        taken.add(p.nip)
    rest = sorted((p for p in people if p.role == "staff" and p.employment_type == "pns" and p.stop is None
                   and not p.new and p.nip not in taken), key=lambda p: p.nip)
    return planted + plant_hearings(rng, plan, career, city, rest, (absent, day) if absent else None, today)
