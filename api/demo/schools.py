"""Schools under the Dinas Pendidikan: teachers sit in them and are evaluated by their principal."""

from __future__ import annotations

import random
from datetime import date

from api.demo.people import Person

EDUCATION_UNIT = "DISDIK"
TEACHERS_PER_SCHOOL = 15


def school_names(n: int) -> list[tuple[str, str]]:
    """(code, name) of n schools: mostly SD Negeri, every fourth an SMP Negeri."""
    out = []
    for i in range(n):
        if i % 4 == 3:
            out.append((f"SMPN-{i // 4 + 1}-BINJAI", f"SMP Negeri {i // 4 + 1} Binjai"))
        else:
            number = 20 + i * 3
            out.append((f"SDN-{number:03d}-BINJAI", f"SD Negeri {number:03d} Binjai"))
    return out


def in_school(p: Person) -> bool:
    """Teachers (a guru title) and school operators of the Dinas Pendidikan work in a school."""
    return p.unit == EDUCATION_UNIT and p.role == "staff" and (
        "guru" in p.title.lower().split() or p.title == "Operator Sekolah")


def place(rng: random.Random, people: list[Person], org: dict[str, dict[str, list[str]]],
          serving_until: date) -> list[tuple[str, str]]:
    """Open enough schools for the teachers, make a serving PNS teacher the principal of each (one who
    stays in service past `serving_until`), and seat every other teacher in one."""
    staff = [p for p in people if in_school(p)]
    eligible = [p for p in staff if p.employment_type == "pns" and not p.new and p.post.startswith("jf_ahli")
                and p.birth.replace(year=p.birth.year + 60) > serving_until]
    eligible.sort(key=lambda p: (p.post != "jf_ahli_madya", p.nip))  # the most senior JF level first
    schools = school_names(min(len(eligible), max(1, len(staff) // TEACHERS_PER_SCHOOL)))
    for (code, _), head in zip(schools, eligible):
        head.school, head.role = code, "principal"
        head.title = f"{head.title} (Kepala Sekolah)"
        org[code] = {"head": [head.nip], "admin": [], "pengawas": []}
    for p in staff:
        if p.role != "principal":
            p.school = rng.choice(schools)[0] if schools else None
    return schools


def unit_of(p: Person) -> str:
    """The unit the ledger knows the person in: the school for those seated in one."""
    return p.school or p.unit


def registrations(schools: list[tuple[str, str]]) -> list[dict]:
    """Each school registered as a sub-unit (kind `sekolah`) under the Dinas Pendidikan."""
    return [{"type": "UnitRegistered", "subject": code,
             "data": {"name": name, "kind": "sekolah", "parent": EDUCATION_UNIT}} for code, name in schools]
