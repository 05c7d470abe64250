"""Binjai's roster at the start of the demo window: posts, grades, valid NIPs, evaluators."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from api.demo.names import person_name
from api.demo.units import SEKDA_UNIT, UNITS, UnitSpec, head_title, WALI_KOTA
from ledger.rules import PNS_GRADES

# PNS grade range of each post (PP 99/2000; Perpres 98/2020 for JF levels).
GRADE_RANGE = {
    "jpt_madya": ("IV/d", "IV/e"), "jpt_pratama": ("IV/c", "IV/d"), "administrator": ("IV/a", "IV/b"),
    "pengawas": ("III/c", "III/d"), "pelaksana": ("II/a", "III/b"), "jf_ahli_pertama": ("III/a", "III/b"),
    "jf_ahli_muda": ("III/c", "III/d"), "jf_ahli_madya": ("IV/a", "IV/c"), "jf_pemula": ("II/a", "II/b"),
    "jf_terampil": ("II/c", "II/d"), "jf_mahir": ("III/a", "III/b"), "jf_penyelia": ("III/c", "III/d"),
}
JF_LEVEL = {"jf_ahli_pertama": "Ahli Pertama", "jf_ahli_muda": "Ahli Muda", "jf_ahli_madya": "Ahli Madya",
            "jf_terampil": "Terampil", "jf_mahir": "Mahir", "jf_penyelia": "Penyelia", "jf_pemula": "Pemula"}
# Staff posts by unit kind: (post, weight); JF titles by unit kind.
STAFF_MIX = {
    "DISDIK": [("jf_ahli_pertama", 35), ("jf_ahli_muda", 28), ("jf_ahli_madya", 9), ("pelaksana", 28)],
    "health": [("jf_terampil", 25), ("jf_mahir", 10), ("jf_ahli_pertama", 22), ("jf_ahli_muda", 8),
               ("pelaksana", 35)],
    "field": [("jf_terampil", 30), ("jf_mahir", 8), ("pelaksana", 62)],
    "other": [("pelaksana", 68), ("jf_ahli_pertama", 15), ("jf_ahli_muda", 10), ("jf_ahli_madya", 2),
              ("jf_terampil", 5)],
}
JF_TITLES = {
    "DISDIK": {"ahli": ["Guru"], "terampil": ["Pranata Laboratorium Pendidikan"]},
    "health": {"ahli": ["Dokter", "Perawat", "Bidan", "Apoteker", "Nutrisionis", "Epidemiolog Kesehatan"],
               "terampil": ["Perawat", "Bidan", "Asisten Apoteker", "Perekam Medis", "Sanitarian"]},
    "field": {"ahli": ["Analis Kebakaran"], "terampil": ["Polisi Pamong Praja", "Pemadam Kebakaran"]},
    "other": {"ahli": ["Analis Kebijakan", "Pranata Komputer", "Perencana", "Auditor", "Analis SDM Aparatur",
                       "Penyuluh Keluarga Berencana", "Arsiparis", "Pustakawan"],
              "terampil": ["Arsiparis", "Pranata Komputer", "Pengelola Pengadaan Barang/Jasa"]},
}
PELAKSANA_TITLES = ["Operator Layanan Operasional", "Pengadministrasi Perkantoran", "Penata Layanan Operasional",
                    "Pengelola Layanan Operasional", "Pengolah Data dan Informasi", "Pengelola Keuangan"]
# PPPK paruh waktu (2025 intake): teachers in education, nurses and midwives in health, operators elsewhere.
PARUH_WAKTU_TITLES = {"DISDIK": ["Guru Kelas", "Guru Mata Pelajaran", "Operator Sekolah"],
                      "health": ["Perawat", "Bidan", "Tenaga Kesehatan Lingkungan"],
                      "other": ["Operator Layanan Operasional", "Pengelola Umum Operasional", "Tenaga Kebersihan",
                                "Pengemudi", "Petugas Keamanan"]}
ADMIN_TITLES = ["Sekretaris", "Kepala Bidang Program", "Kepala Bidang Pelayanan", "Kepala Bidang Pembinaan",
                "Kepala Bidang Pengembangan", "Kepala Bidang Pengendalian"]
PENGAWAS_TITLES = ["Kepala Subbagian Umum dan Kepegawaian", "Kepala Subbagian Keuangan", "Kepala Seksi Pelayanan",
                   "Kepala Seksi Pembinaan", "Kepala Seksi Data dan Informasi", "Kepala Seksi Pengawasan"]


def staff_kind(unit: UnitSpec) -> str:
    if unit.code == "DISDIK":
        return "DISDIK"
    if unit.code in ("DINKES", "RSUD-DJOELHAM"):
        return "health"
    if unit.code in ("SATPOLPP", "DAMKAR"):
        return "field"
    return "other"


@dataclass
class Person:
    """One ASN as the generator tracks them; the ledger learns them only through events."""

    nip: str
    employment_type: str
    gender: str
    birth: date
    education: str
    name: str
    unit: str
    post: str
    title: str
    grade: str
    appointed: date  # the TMT the ledger records for the appointment
    last_promotion: date
    role: str = "staff"  # sekda, head, admin, pengawas, staff
    evaluator: str | dict[str, str] | None = None  # a NIP, or the Wali Kota named without one
    new: bool = False  # appointed inside the demo window
    predikat: dict[int, str] = field(default_factory=dict)
    flags: dict[str, object] = field(default_factory=dict)  # deliberate anomalies this person carries
    stop: date | None = None  # the day the separation is recorded: nothing is recorded after it
    separation: tuple[str, date] | None = None  # (kind, TMT)
    recorded_on: date | None = None  # the day the appointment is recorded: nothing about them before it
    exams: set[str] = field(default_factory=set)  # ujian dinas levels passed (tingkat_i, tingkat_ii)
    school: str | None = None  # the school (a sub-unit of DISDIK) a teacher sits in; the ledger's unit for them


class NipMaker:
    """Unique NIPs: birth date + TMT CPNS month + gender + sequence (NI PPPK: year + 21 + gender + seq)."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def make(self, birth: date, start: date, gender: str, employment_type: str) -> str:
        g = "1" if gender == "l" else "2"
        if employment_type == "pns":
            prefix = f"{birth:%Y%m%d}{start:%Y%m}{g}"
        else:
            prefix = f"{birth:%Y%m%d}{start:%Y}21{g}"
        n = self.used.get(prefix, 0) + 1
        self.used[prefix] = n
        return f"{prefix}{n:03d}"


def _birth(rng: random.Random, ref: date, age_lo: int, age_hi: int) -> date:
    age = rng.randint(age_lo, age_hi)
    return date(ref.year - age, rng.randint(1, 12), rng.randint(1, 28))


def _grade_in(rng: random.Random, post: str, education: str) -> tuple[str, str]:
    lo, hi = GRADE_RANGE[post]
    if post == "pelaksana" and education in ("S1", "S2"):
        lo = "III/a"
    if post == "pelaksana" and education in ("SD", "SMP"):  # golongan I: long-serving staff without SLTA
        lo, hi = ("I/a", "II/a") if education == "SD" else ("I/c", "II/c")
    i, j = PNS_GRADES.index(lo), PNS_GRADES.index(hi)
    return PNS_GRADES[rng.randint(i, j)], hi


def _education(rng: random.Random, post: str, serving: bool = False) -> str:
    """A diploma fit for the post; staff serving since long ago may hold only SD or SMP (golongan I)."""
    if post.startswith(("jpt", "administrator")) or post in ("jf_ahli_muda", "jf_ahli_madya"):
        return rng.choice(["S1", "S2", "S2"]) if post != "jf_ahli_muda" else rng.choice(["S1", "S1", "S2"])
    if post in ("pengawas", "jf_ahli_pertama"):
        return "S1"
    if post in ("jf_terampil", "jf_mahir"):
        return "D3"
    if serving and rng.random() < 0.12:
        return rng.choice(["SD", "SMP", "SMP"])
    return rng.choice(["SMA", "SMA", "D3", "S1"])


def post_title(rng: random.Random, unit: UnitSpec, post: str) -> str:
    if post == "pelaksana":
        return rng.choice(PELAKSANA_TITLES)
    titles = JF_TITLES[staff_kind(unit)]
    family = "ahli" if "ahli" in post else "terampil"
    return f"{rng.choice(titles[family])} {JF_LEVEL[post]}"


class RosterBuilder:
    """Builds people with consistent NIP, age, grade and post; officials are always PNS."""

    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng, self.start, self.nips = rng, start, NipMaker()

    def pns(self, unit: UnitSpec, post: str, title: str, role: str, age: tuple[int, int]) -> Person:
        rng = self.rng
        education = _education(rng, post, serving=role == "staff")
        gender = rng.choice("lp")
        birth = _birth(rng, self.start, *age)
        cpns_age = rng.randint(20 if education == "SMA" else 23, min(35, self.start.year - birth.year - 1))
        cpns = date(birth.year + cpns_age, rng.randint(1, 12), 1)
        cpns = min(cpns, date(self.start.year - 1, 12, 1))
        grade, _ = _grade_in(rng, post, education)
        # The current grade's TMT: an April or October before the window (PP 99/2000).
        years_back = rng.randint(0, 4)
        last = date(self.start.year - 1 - years_back, rng.choice([4, 10]), 1)
        last = max(last, cpns)
        return Person(self.nips.make(birth, cpns, gender, "pns"), "pns", gender, birth, education,
                      person_name(rng, gender, education), unit.code, post, title, grade, last, last, role)

    def contract(self, unit: UnitSpec, etype: str, tmt: date, new: bool) -> Person:
        rng = self.rng
        if etype == "pppk_paruh_waktu":
            post, education = "pelaksana", rng.choice(["SMA", "SMA", "SMA", "D3", "S1"])
            title = rng.choice(PARUH_WAKTU_TITLES.get(staff_kind(unit), PARUH_WAKTU_TITLES["other"]))
        else:
            post = _weighted(rng, [(p, w) for p, w in STAFF_MIX[staff_kind(unit)] if p != "jf_ahli_madya"])
            education = _education(rng, post)
            title = post_title(rng, unit, post)
        grade = {"SMA": "V", "D3": "VII", "S1": "IX", "S2": "X"}[education]
        gender = rng.choice("lp")
        birth = _birth(rng, tmt, 22, 45)
        return Person(self.nips.make(birth, tmt, gender, etype), etype, gender, birth, education,
                      person_name(rng, gender, education), unit.code, post, title, grade, tmt, tmt, new=new)

    def new_cpns(self, unit: UnitSpec, tmt: date) -> Person:
        rng = self.rng
        post = _weighted(rng, [(p, w) for p, w in STAFF_MIX[staff_kind(unit)]
                               if p in ("pelaksana", "jf_ahli_pertama", "jf_terampil")] or [("pelaksana", 1)])
        education = _education(rng, post)
        gender = rng.choice("lp")
        birth = _birth(rng, tmt, 22, 30)
        grade = {"SMA": "II/a", "D3": "II/c", "S1": "III/a", "S2": "III/b"}[education]
        return Person(self.nips.make(birth, tmt, gender, "pns"), "pns", gender, birth, education,
                      person_name(rng, gender, education), unit.code, post, post_title(rng, unit, post),
                      grade, tmt, tmt, new=True)


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in items], weights=[w for _, w in items])[0]


def unit_sizes(total: int) -> dict[str, int]:
    """Headcount per unit by weight, at least 3 per unit (a head, an administrator, a pengawas)."""
    weights = sum(u.weight for u in UNITS)
    return {u.code: max(3, round(total * u.weight / weights)) for u in UNITS}


def officials(b: RosterBuilder, sizes: dict[str, int]) -> tuple[list[Person], dict[str, dict[str, list[str]]]]:
    """Heads, administrators and pengawas of every unit; young enough to serve the whole window."""
    people: list[Person] = []
    org: dict[str, dict[str, list[str]]] = {}
    for unit in UNITS:
        n = sizes[unit.code]
        o: dict[str, list[str]] = {"head": [], "admin": [], "pengawas": []}
        if unit.code == SEKDA_UNIT:
            sekda = b.pns(unit, "jpt_pratama", "Sekretaris Daerah", "sekda", (50, 53))
            people.append(sekda)
            o["sekda"] = [sekda.nip]
        camat = unit.kind == "kecamatan"  # a camat is an administrator (eselon III)
        head = b.pns(unit, "administrator" if camat else "jpt_pratama", head_title(unit), "head",
                     (42, 50) if camat else (45, 53))
        people.append(head)
        o["head"].append(head.nip)
        if camat:  # the camat evaluates the kecamatan's kasi and JF himself
            o["admin"].append(head.nip)
        for i in range(0 if camat else max(1, min(6, n // 60))):
            p = b.pns(unit, "administrator", ADMIN_TITLES[i % len(ADMIN_TITLES)], "admin", (40, 51))
            people.append(p)
            o["admin"].append(p.nip)
        for i in range(max(1, min(24, n // 25))):
            p = b.pns(unit, "pengawas", PENGAWAS_TITLES[i % len(PENGAWAS_TITLES)], "pengawas", (32, 51))
            people.append(p)
            o["pengawas"].append(p.nip)
        org[unit.code] = o
    return people, org


def evaluator_for(rng: random.Random, person: Person, org: dict[str, dict[str, list[str]]]) -> str | dict[str, str]:
    """The allowed pejabat penilai for the post (PermenPANRB 6/2022), in the person's unit: the Wali Kota
    for JPT Pratama (the Sekda among them), the Sekda for a camat."""
    o = org[person.unit]
    if person.school and person.role != "principal" and ("guru" in person.title.lower().split()
                                                         or person.flags.get("seated")):
        # teachers by their school's principal, staff of a kelurahan, puskesmas or UPTD by its head;
        # a school's operator by the dinas's pengawas
        return org[person.school]["head"][0]
    if person.post.startswith("jpt"):
        return dict(WALI_KOTA)
    if person.role == "head" or (person.post in ("administrator", "jf_ahli_madya") and o["head"][0] in o["admin"]):
        return org[SEKDA_UNIT]["sekda"][0]
    if person.post in ("administrator", "jf_ahli_madya"):
        return o["head"][0]
    if person.post in ("pengawas", "jf_ahli_muda", "jf_penyelia"):
        return rng.choice(o["admin"])
    return rng.choice(o["pengawas"])
