"""Leadership training (PKP, PKA, PKN Tingkat II) for officials who have not had it: long classical
courses whose JP lie beyond the demo's own yearly 60 JP cap for other training."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api.demo.calendar import add_workdays, workday_between
from api.demo.people import Person

FORM = "pelatihan_kepemimpinan"
# post -> (title, provider, JP, course days); the JP are the demo's round figures, not checked against LAN rules
COURSES = {"pengawas": ("Pelatihan Kepemimpinan Pengawas (PKP)", "BPSDM Provinsi Sumatera Utara", 420, 110),
           "administrator": ("Pelatihan Kepemimpinan Administrator (PKA)", "BPSDM Provinsi Sumatera Utara", 500, 125),
           "jpt_pratama": ("Pelatihan Kepemimpinan Nasional Tingkat II (PKN II)", "Lembaga Administrasi Negara", 600,
                           140)}
SHARE_A_YEAR = 0.12


def leadership_year(career: Any, p: Person, year: int, start: date, end: date) -> None:
    """Once in a career, an official without leadership training follows the course of the post."""
    course = COURSES.get(p.post)
    if course is None or p.employment_type != "pns" or p.flags.get("leadership") or career.rng.random() > SHARE_A_YEAR:
        return
    title, provider, jp, days = course
    lo, hi = max(start, date(year, 2, 1)), min(end, date(year, 12, 12)) - timedelta(days=days)
    if lo >= hi:
        return
    s = workday_between(career.rng, lo, hi)
    e = s + timedelta(days=days)
    want = career.rng.randrange(15_000_000, 30_000_001, 500_000)
    cost = want if career.city.spend(p.unit, e.year, want) else 0  # else paid by the province
    if career.plan.add(add_workdays(e, career.rng.randint(3, 10)), "training", {
            "type": "TrainingCompleted", "subject": p.nip,
            "data": {"path": "klasikal", "form": FORM, "title": title, "provider": provider,
                     "start_date": s.isoformat(), "end_date": e.isoformat(), "jp": jp, "cost": cost,
                     "funding_unit": p.unit,
                     "certificate_number": f"STTPP/{FORM[:3].upper()}/{e.year}/{career.city.next('cert'):06d}"}},
            stop=p.stop):
        p.flags["leadership"] = True
