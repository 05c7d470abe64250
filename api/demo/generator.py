"""Generate a deterministic synthetic Binjai: roster, five years of careers, city life, anomalies."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from api.demo import anomalies, schools, subunits
from api.demo.leadership import leadership_year
from api.demo.calendar import first_of_month, workday, workday_between
from api.demo.careers import Career
from api.demo.city import City
from api.demo.people import (STAFF_MIX, Person, RosterBuilder, evaluator_for, officials, post_title, staff_kind,
                             unit_sizes, _weighted)
from api.demo.plan import Plan
from api.demo.units import UNITS
from ledger.rules import retirement_age

MIN_EMPLOYEES = 200
SPEC = {u.code: u for u in UNITS}
STREETS = ["Jl. Sudirman", "Jl. Gatot Subroto", "Jl. Ahmad Yani", "Jl. Samanhudi", "Jl. T. Amir Hamzah",
           "Jl. Soekarno-Hatta", "Jl. Diponegoro", "Jl. Veteran", "Jl. Perintis Kemerdekaan"]
KELURAHAN = ["Kartini", "Pekan Binjai", "Tangsi", "Setia", "Berngam", "Jati Utomo", "Cengkeh Turi", "Nangka",
             "Tanah Merah", "Rambung Barat", "Sumber Karya", "Limau Sundai", "Bandar Senembah", "Payaroba"]


@dataclass
class Demo:
    plan: Plan
    people: list[Person]
    city: City
    first_year: int
    last_year: int
    planted: list[dict[str, Any]]  # each deliberate irregularity: subject, type and the findings it must carry


def generate(employees: int = 8000, years: int = 5, seed: int = 1, today: date | None = None) -> Demo:
    """Everything the demo will record, in order; nothing is written here."""
    if employees < MIN_EMPLOYEES:
        raise ValueError(f"--employees: at least {MIN_EMPLOYEES} (every OPD needs its officials)")
    if not 1 <= years <= 20:
        raise ValueError("--years: between 1 and 20")
    today = today or date.today()
    rng = random.Random(seed)
    last_year, first_year = today.year, today.year - years + 1
    start = date(first_year, 1, 1)
    plan = Plan(until=today)
    sizes = unit_sizes(employees)
    builder = RosterBuilder(rng, start)
    people, org = officials(builder, sizes)
    staff = roster_staff(rng, builder, employees - len(people), first_year, today)
    people += staff
    school_units = schools.place(rng, people, org, today + timedelta(days=366))
    registrations = [*schools.registrations(school_units),
                     *subunits.registrations(subunits.place(rng, people, org, today + timedelta(days=366)))]
    by_nip = {p.nip: p for p in people}
    for p in people:
        p.evaluator = evaluator_for(rng, p, org)
    city = City(rng, plan, org, by_nip, workday(date(first_year, 1, 2)))
    separations(rng, people, start, today)
    picked = anomalies.choose(rng, staff, org, last_year)
    migrate(rng, plan, city, people, sizes, first_year, registrations)
    career = Career(rng, plan, city)
    for year in range(first_year, last_year + 1):
        if year > first_year:
            city.allocate(year, sizes)
        city.internships(year, max(3, employees // 100))
        city.feedback(year, max(10, employees // 25))
        order = list(people)
        rng.shuffle(order)
        for p in order:
            live_year(rng, career, city, p, year, today)
        if year < last_year:  # assessed the next February, over the year's annual predikat
            city.achievements(year, plant=year == last_year - 1)
    planted = anomalies.plant(rng, plan, career, city, picked, people, today)
    return Demo(plan, people, city, first_year, last_year, planted)


def roster_staff(rng: random.Random, b: RosterBuilder, n: int, first_year: int, today: date) -> list[Person]:
    """Staff by employment type: PNS already serving, PPPK old and new, new CPNS, PPPK paruh waktu."""
    codes, weights = [u.code for u in UNITS], [u.weight for u in UNITS]
    paruh_year = min(max(2025, first_year), today.year)
    paruh = date(paruh_year, 10, 1) if date(paruh_year, 10, 1) < today else date(first_year, 2, 1)
    new_years = [y for y in range(first_year + 1, today.year + 1) if date(y, 3, 1) < today] or [first_year]
    shares = [("pppk_paruh_waktu", 0.28), ("pppk_new", 0.10), ("pppk_old", 0.12), ("cpns_new", 0.05)]
    kinds = [k for k, s in shares for _ in range(round(n * s))]
    kinds += ["pns_old"] * (n - len(kinds))
    out = []
    for kind in kinds:
        unit = SPEC[rng.choices(codes, weights)[0]]
        if kind == "pns_old":
            post = _weighted(rng, STAFF_MIX[staff_kind(unit)])
            out.append(b.pns(unit, post, post_title(rng, unit, post), "staff", (24, 57)))
        elif kind == "pppk_old":
            out.append(b.contract(unit, "pppk", date(first_year - rng.randint(1, 2), 3, 1), new=False))
        elif kind == "pppk_new":
            out.append(b.contract(unit, "pppk", date(rng.choice(new_years), rng.choice([1, 3]), 1), new=True))
        elif kind == "cpns_new":
            out.append(b.new_cpns(unit, date(rng.choice(new_years), rng.choice([3, 4, 6]), 1)))
        else:
            out.append(b.contract(unit, "pppk_paruh_waktu", paruh, new=True))
    return out


def separations(rng: random.Random, people: list[Person], start: date, today: date) -> None:
    """Retirement at BUP (first of the month after the birthday), and a few resignations and deaths."""
    span = (today - start).days
    for p in people:
        bup = retirement_age(p.post, p.title)  # teachers (guru) retire at 60
        tmt = first_of_month(p.birth.year + bup, p.birth.month + 1)
        kind = "retired"
        if not start < tmt < today + timedelta(days=40) and p.role == "staff":
            roll = rng.random()
            if roll < 0.002 * span / 365:
                kind = rng.choice(["resigned", "died"])
            elif p.employment_type != "pns" and roll < 0.006 * span / 365:
                kind = "contract_ended"
            else:
                continue
            tmt = first_of_month((start + timedelta(days=rng.randint(60, span))).year, rng.randint(1, 12))
            if not max(start, p.appointed) + timedelta(days=60) < tmt < today:
                continue
        elif not start < tmt < today + timedelta(days=40):
            continue
        lead = {"retired": (25, 55), "resigned": (10, 20), "contract_ended": (20, 40)}.get(kind)
        if lead:  # SKs are signed ahead of the TMT; a death is recorded after it
            day = workday(tmt - timedelta(days=rng.randint(*lead)))
        else:
            day = workday(tmt + timedelta(days=rng.randint(5, 20)))
        p.stop, p.separation = day, (kind, tmt)


def personal(rng: random.Random, p: Person) -> dict[str, str]:
    dd = p.birth.day + (40 if (p.gender == "p") != bool(p.flags.get("nik_sex_flipped")) else 0)
    return {"nik": f"1275{rng.randint(1, 5):02d}{dd:02d}{p.birth:%m%y}{rng.randint(1, 9999):04d}",
            "birth_date": p.birth.isoformat(), "gender": p.gender, "education": p.education,
            "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, Kel. {rng.choice(KELURAHAN)}, Kota Binjai",
            "contact": f"08{rng.choice([11, 12, 13, 21, 22, 52, 53, 77, 81])}{rng.randint(10_000_000, 99_999_999)}"}


def appoint(rng: random.Random, plan: Plan, city: City, p: Person, day: date, source: str | None) -> None:
    body = {"type": "EmployeeAppointed", "subject": p.nip, "effective_date": p.appointed.isoformat(),
            "legal_basis": {"number": f"800.1.2.1/{city.next('sk'):04d}/BKPSDM/{p.appointed.year}",
                            "date": min(day, p.appointed).isoformat()},
            "on_behalf_of": city.signer(p),
            "data": {"employment_type": p.employment_type, "name": p.name, "grade": p.grade,
                     "position": {"type": p.post, "title": p.title}, "unit": schools.unit_of(p),
                     **personal(rng, p)}}
    if p.new and p.employment_type == "pns":  # a new CPNS, appointed PNS after probation and Latsar
        body["data"]["candidate"] = True
    if source:
        body["source"] = source
        body["reason"] = "Migrasi data awal SIMPEG: pangkat, jabatan dan unit terakhir"
    plan.add(day, "sk", body, stop=p.stop)
    p.recorded_on = day


def migrate(rng: random.Random, plan: Plan, city: City, people: list[Person], sizes: dict[str, int],
            first_year: int, registrations: list[dict[str, Any]]) -> None:
    """Day one of the ledger: units and their sub-units, the first budgets, serving ASN, the two prior SKP years."""
    day = workday(date(first_year, 1, 2))
    city.register_units(day)
    for body in registrations:
        plan.add(day, "unit", body)
    city.allocate(first_year, sizes)
    career = Career(rng, plan, city)
    next_day = workday(day + timedelta(days=1))
    for p in people:
        if p.new:
            continue
        appoint(rng, plan, city, p, day, "migrasi-simpeg")
        if p.employment_type == "pns" and p.evaluator:
            for year in (first_year - 2, first_year - 1):
                p.predikat.setdefault(year, career.draw_predikat(p))
            career.planned(p, first_year - 2, next_day, source="migrasi-ekinerja")
            on = date(first_year - 1, 1, rng.randint(5, 28))
            career.evaluation(p, first_year - 2, "annual", None, p.predikat[first_year - 2], p.evaluator, on,
                              next_day, source="migrasi-ekinerja")
            career.planned(p, first_year - 1, next_day, source="migrasi-ekinerja")
    for p in people:  # last year's annual SKP is done in January as usual
        if not p.new and p.employment_type == "pns" and p.evaluator:
            on = workday_between(rng, date(first_year, 1, 8), date(first_year, 1, 28))
            career.evaluation(p, first_year - 1, "annual", None, p.predikat[first_year - 1], p.evaluator, on, on)


def confirm(rng: random.Random, plan: Plan, city: City, p: Person) -> None:
    """A CPNS is appointed PNS a year after the CPNS TMT, Latsar passed a few months before (PP 11/2017 art. 34)."""
    tmt = p.appointed.replace(year=p.appointed.year + 1)
    latsar = workday(tmt - timedelta(days=rng.randint(60, 150)))
    day = workday(tmt - timedelta(days=rng.randint(5, 20)))
    plan.add(day, "sk", {
        "type": "CivilServantConfirmed", "subject": p.nip, "effective_date": tmt.isoformat(),
        "legal_basis": {"number": f"800.1.2.2/{city.next('sk'):04d}/BKPSDM/{tmt.year}", "date": day.isoformat()},
        "on_behalf_of": city.signer(p), "reason": "Pengangkatan CPNS menjadi PNS",
        "data": {"latsar_certificate": f"LATSAR/BPSDM-SU/{latsar.year}/{city.next('latsar'):04d}",
                 "latsar_completed_on": latsar.isoformat()}}, stop=p.stop)


def live_year(rng: random.Random, career: Career, city: City, p: Person, year: int, today: date) -> None:
    """One person's year, from appointment (if new) to separation (if it comes)."""
    begin, end = date(year, 1, 1), date(year, 12, 31)
    if p.new:
        if p.appointed > end:
            return
        begin = max(begin, p.appointed)
        if p.appointed.year == year:
            appoint(rng, career.plan, city, p, max(workday(p.appointed - timedelta(days=rng.randint(10, 25))),
                                                   city.window_start), None)
    if p.separation:
        kind, tmt = p.separation
        end = min(end, tmt - timedelta(days=1))
        if p.stop and p.stop.year == year:
            career.plan.add(p.stop, "sk", {
                "type": "Separated", "subject": p.nip, "effective_date": tmt.isoformat(),
                "legal_basis": {"number": f"800.1.6.1/{city.next('sk'):04d}/BKPSDM/{p.stop.year}",
                                "date": p.stop.isoformat()},
                "on_behalf_of": city.signer(p), "reason": {"retired": "Pensiun batas usia pensiun",
                                                           "resigned": "Berhenti atas permintaan sendiri",
                                                           "died": "Meninggal dunia",
                                                           "contract_ended": "Masa perjanjian kerja berakhir"}[kind],
                "data": {"kind": kind}})
    if end < begin or (p.stop is not None and p.stop <= begin):
        return
    old, moved = p.unit, None
    if (p.role == "staff" and p.post == "pelaksana" and p.employment_type != "pppk_paruh_waktu"
            and not p.flags.get("no_transfer")
            and not p.flags.get("transferred") and rng.random() < 0.025):
        tmt = first_of_month(year, rng.randint(3, 11))
        in_post = p.appointed if not p.new else max(p.appointed, begin)
        if begin + timedelta(days=60) < tmt < end and _years_between(in_post, tmt) in (2, 3, 4):
            to = rng.choice([u.code for u in UNITS if u.code != p.unit and u.kind != "rsud"])
            career.transfer(p, to, tmt, workday(tmt - timedelta(days=rng.randint(3, 14))))
            moved = (tmt, to)
    if p.new and p.employment_type == "pns" and p.appointed.year + 1 == year:
        confirm(rng, career.plan, city, p)
    career.skp_year(p, year, begin, SPEC[p.unit].quarterly)
    career.promotion_year(p, year)
    career.training_year(p, year, begin, end, lambda d: moved[1] if moved and d >= moved[0] else old)
    career.leave_year(p, year, begin, end)
    leadership_year(career, p, year, begin, end)
    if p.role == "staff" and rng.random() < 0.004:
        career.penalty(p, year, begin, end)
    if moved:
        p.unit, p.flags["transferred"] = moved[1], True
        p.evaluator = evaluator_for(rng, p, city.org)


def _years_between(a: date, b: date) -> int:
    """Whole years from a to b (the 2-5 year tenure guidance of PP 11/2017 art. 190-191)."""
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))
