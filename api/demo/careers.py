"""One ASN's year: SKP plan and evaluations, training, leave, promotion, transfer, penalty."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from api.demo.calendar import add_workdays, first_of_month, workday, workday_between
from api.demo.people import GRADE_RANGE, Person
from api.demo.plan import Plan
from ledger.rules.base import months_later
from ledger.rules.discipline import DEMOTIONS, PENALTY_MONTHS
from ledger.rules.promotion import EDUCATION_CEILING, UJIAN_DINAS, education_level_of
from ledger.rules import PNS_GRADES, allowed_promotion_months

PREDIKAT_WEIGHTS = [("sangat_baik", 12), ("baik", 79), ("butuh_perbaikan", 5), ("kurang", 3),
                    ("sangat_kurang", 1)]
RATINGS_FOR = {  # PermenPANRB 6/2022 matrix, inverted: (hasil kerja, perilaku) pairs per predikat
    "sangat_baik": [(("di_atas", "di_atas"), 1)],
    "baik": [(("sesuai", "sesuai"), 8), (("di_atas", "sesuai"), 1), (("sesuai", "di_atas"), 1)],
    "butuh_perbaikan": [(("di_bawah", "sesuai"), 6), (("di_bawah", "di_atas"), 1)],
    "kurang": [(("sesuai", "di_bawah"), 3), (("di_atas", "di_bawah"), 1)],
    "sangat_kurang": [(("di_bawah", "di_bawah"), 1)],
}
INDICATORS = ["Persentase layanan yang diselesaikan tepat waktu", "Jumlah dokumen yang tersusun sesuai standar",
              "Tingkat kepuasan pengguna layanan", "Persentase data yang mutakhir", "Jumlah kegiatan yang terlaksana",
              "Persentase capaian target kinerja unit", "Jumlah laporan yang disampaikan tepat waktu"]
# (path, form, title, provider, jp range, cost range in Rp or None for free)
TRAINING = [
    ("klasikal", "pelatihan_teknis", "Pelatihan Teknis Pengelolaan Keuangan Daerah", "BPSDM Provinsi Sumatera Utara",
     (24, 40), (2_500_000, 4_500_000)),
    ("klasikal", "pelatihan_fungsional", "Pelatihan Fungsional Jenjang Jabatan", "Instansi Pembina JF", (24, 40),
     (3_000_000, 5_000_000)),
    ("klasikal", "bimtek", "Bimbingan Teknis e-Kinerja dan Penyusunan SKP", "BKPSDM Kota Binjai", (8, 16),
     (750_000, 1_500_000)),
    ("klasikal", "workshop", "Workshop Penyusunan Dokumen Perencanaan", "Bappeda Provinsi Sumatera Utara", (8, 16),
     (1_000_000, 2_000_000)),
    ("klasikal", "seminar", "Seminar Pelayanan Publik Berbasis Digital", "Ombudsman RI Perwakilan Sumatera Utara",
     (2, 8), None),
    ("klasikal", "sosialisasi", "Sosialisasi Kode Etik dan Disiplin ASN", "BKPSDM Kota Binjai", (2, 4), None),
    ("nonklasikal", "e_learning", "Pelatihan Mandiri ASN Unggul", "Lembaga Administrasi Negara", (2, 10), None),
    ("nonklasikal", "e_learning", "Literasi Digital bagi ASN", "Kementerian Komunikasi dan Digital", (4, 10), None),
    ("nonklasikal", "coaching", "Coaching Kinerja oleh Atasan Langsung", "Unit kerja", (2, 4), None),
    ("nonklasikal", "mentoring", "Mentoring Pengembangan Karier", "Unit kerja", (2, 4), None),
    ("nonklasikal", "belajar_mandiri", "Belajar Mandiri Regulasi Manajemen ASN", "Unit kerja", (2, 6), None),
    ("nonklasikal", "komunitas_belajar", "Komunitas Belajar Pelayanan Prima", "BKPSDM Kota Binjai", (2, 4), None),
]
PENALTY_REASONS = {
    "ringan": [("teguran_lisan", "Terlambat masuk kerja berulang kali tanpa alasan yang sah"),
               ("teguran_tertulis", "Tidak masuk kerja tanpa alasan yang sah selama 4 hari kerja"),
               ("pernyataan_tidak_puas_tertulis", "Tidak menaati ketentuan jam kerja selama satu bulan")],
    "sedang": [("pemotongan_tukin_25_6_bulan", "Tidak masuk kerja tanpa alasan yang sah selama 12 hari kerja"),
               ("pemotongan_tukin_25_9_bulan", "Menyalahgunakan wewenang dalam pelayanan administrasi")],
    "berat": [("penurunan_jabatan_12_bulan", "Tidak masuk kerja tanpa alasan yang sah selama 22 hari kerja")],
}


def pick(rng: random.Random, items: list[tuple[Any, int]]) -> Any:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def sk(kind: str, n: int, year: int) -> str:
    return f"800.1.{kind}/{n:04d}/BKPSDM/{year}"


class Career:
    """Plans one person's events year by year; the shared `city` holds budgets, org and counters."""

    def __init__(self, rng: random.Random, plan: Plan, city: Any) -> None:
        self.rng, self.plan, self.city = rng, plan, city
        self.jp: dict[tuple[str, int], int] = {}  # JP planned per (NIP, year), to keep within 0-60
        self.leaves: dict[str, list[tuple[date, date, str]]] = {}  # per NIP: no overlaps (PP 11/2017 art. 310)

    # --- SKP -----------------------------------------------------------------

    def draw_predikat(self, p: Person) -> str:
        if p.flags.get("weak"):
            return pick(self.rng, [("baik", 4), ("butuh_perbaikan", 4), ("kurang", 2)])
        return pick(self.rng, PREDIKAT_WEIGHTS)

    def evaluation(self, p: Person, year: int, kind: str, number: int | None, predikat: str,
                   evaluator: Any, on: date, day: date, source: str | None = None) -> None:
        results, behaviour = pick(self.rng, RATINGS_FOR[predikat])
        period: dict[str, Any] = {"year": year, "kind": kind}
        if number is not None:
            period["number"] = number
        body = {"type": "PerformanceEvaluated", "subject": p.nip,
                "on_behalf_of": evaluator if isinstance(evaluator, str) else None,
                "data": {"period": period, "results_rating": results, "behaviour_rating": behaviour,
                         "predikat": predikat, "evaluator": evaluator, "evaluated_on": on.isoformat()}}
        if source:
            body["source"] = source
        self.plan.add(day, "skp", body, stop=p.stop)

    def planned(self, p: Person, year: int, day: date, source: str | None = None) -> None:
        chosen = self.rng.sample(INDICATORS, self.rng.randint(2, 4))
        body = {"type": "PerformancePlanned", "subject": p.nip,
                "on_behalf_of": p.evaluator if isinstance(p.evaluator, str) else None,
                "data": {"year": year, "approach": "kuantitatif" if self.rng.random() < 0.8 else "kualitatif",
                         "evaluator": p.evaluator, "evaluator_superior": self.city.superior(p.evaluator),
                         "results": [{"indicator": i, "target": f"{self.rng.choice([90, 95, 100])}%"}
                                     for i in chosen]}}
        if source:
            body["source"] = source
        self.plan.add(day, "skp", body, stop=p.stop)

    def skp_year(self, p: Person, year: int, start: date, quarterly: bool) -> None:
        if p.evaluator is None:
            return
        plan_day = workday_between(self.rng, max(start, date(year, 1, 8)) + timedelta(days=3),
                                   max(start, date(year, 1, 8)) + timedelta(days=20))
        self.planned(p, year, plan_day)
        predikat = p.predikat.get(year) or self.draw_predikat(p)
        p.predikat[year] = predikat
        if quarterly:
            for q in (1, 2, 3):
                end = first_of_month(year, q * 3 + 1) - timedelta(days=1)
                if end > plan_day:
                    on = add_workdays(end, self.rng.randint(3, 12))
                    qp = predikat if self.rng.random() < 0.8 else pick(self.rng, PREDIKAT_WEIGHTS)
                    self.evaluation(p, year, "quarterly", q, qp, p.evaluator, on, on)
        on = workday_between(self.rng, date(year + 1, 1, 5), date(year + 1, 1, 28))
        evaluator = p.evaluator
        if p.flags.get("outside_evaluator") == year:
            evaluator = self.city.org[p.unit]["head"][0]  # deliberate: a JPT evaluating a pelaksana
        self.evaluation(p, year, "annual", None, predikat, evaluator, on, on)

    # --- training ------------------------------------------------------------

    def training_year(self, p: Person, year: int, start: date, end: date, unit_at) -> None:
        rng = self.rng
        cap = 60 if p.employment_type == "pns" else 24
        roll = rng.random()
        if p.employment_type == "pppk_paruh_waktu":
            target = 0 if roll < 0.4 else rng.randint(2, 10)
        else:
            target = 0 if roll < 0.08 else min(cap, int(rng.triangular(4, cap, 24)))
        lo, hi = max(start, date(year, 1, 15)), min(end, date(year, 12, 12))
        total = 0
        while total < target and lo < hi:
            path, form, title, provider, (jmin, jmax), costs = rng.choice(TRAINING)
            jp = min(rng.randint(jmin, jmax), cap - total)
            if jp <= 0:
                break
            s = workday_between(rng, lo, hi)
            e = s + timedelta(days=max(0, (jp - 1) // 8))
            funding = unit_at(e)
            cost = 0
            if costs is not None and rng.random() < self.city.appetite[funding]:
                want = rng.randrange(costs[0], costs[1] + 1, 50_000)
                if self.city.spend(funding, e.year, want):
                    cost = want
            total += jp
            self.jp[(p.nip, e.year)] = self.jp.get((p.nip, e.year), 0) + jp
            self.plan.add(add_workdays(e, rng.randint(1, 8)), "training", {
                "type": "TrainingCompleted", "subject": p.nip,
                "data": {"path": path, "form": form, "title": title,
                         "provider": provider if cost or costs is None else "BKPSDM Kota Binjai",
                         "start_date": s.isoformat(), "end_date": e.isoformat(), "jp": jp, "cost": cost,
                         "funding_unit": funding,
                         "certificate_number": f"SRT/{form[:3].upper()}/{e.year}/{self.city.next('cert'):06d}"}},
                stop=p.stop)

    # --- leave ---------------------------------------------------------------

    def free(self, nip: str, kind: str, s: date, e: date) -> bool:
        """No day already on leave, and no cuti tahunan in a cuti besar year (PP 11/2017)."""
        other = {"tahunan": "besar", "besar": "tahunan"}.get(kind)
        return not any(a <= e and s <= b or (k == other and a.year == s.year) for a, b, k in self.leaves.get(nip, []))

    def leave(self, p: Person, kind: str, s: date, days: int, approver: str) -> None:
        e = add_workdays(s, days - 1) if kind != "melahirkan" else s + timedelta(days=days - 1)
        if not self.free(p.nip, kind, s, e):
            return
        self.leaves.setdefault(p.nip, []).append((s, e, kind))
        day = max(workday(s - timedelta(days=self.rng.randint(3, 12))), p.recorded_on or self.city.window_start)
        if kind == "sakit":
            day = add_workdays(s, self.rng.randint(0, 2))
        self.plan.add(day, "sk", {"type": "LeaveGranted", "subject": p.nip, "on_behalf_of": approver,
                                  "data": {"kind": kind, "start_date": s.isoformat(), "end_date": e.isoformat(),
                                           "days": days}}, stop=p.stop)

    def leave_year(self, p: Person, year: int, start: date, end: date) -> None:
        rng = self.rng
        lo, hi = max(start, date(year, 1, 10)), min(end, date(year, 12, 10))
        if lo >= hi:
            return
        approver = self.city.approver(p)
        taken = 0
        due = p.appointed + timedelta(days=366)  # cuti tahunan after 1 year of service (PP 11/2017 art. 311)
        if rng.random() < 0.65 and max(lo, due) < hi:
            lo_annual = max(lo, due)
            for _ in range(rng.randint(1, 2)):
                days = rng.randint(1, 6)
                if taken + days > 12:
                    break
                taken += days
                self.leave(p, "tahunan", workday_between(rng, lo_annual, hi), days, approver)
        if rng.random() < 0.06:
            self.leave(p, "sakit", workday_between(rng, lo, hi), rng.randint(1, 4), approver)
        age = year - p.birth.year
        if p.gender == "p" and age < 42 and rng.random() < 0.025:
            self.leave(p, "melahirkan", workday_between(rng, lo, hi), 90, approver)
        if p.employment_type == "pns":
            if rng.random() < 0.01:
                self.leave(p, "alasan_penting", workday_between(rng, lo, hi), rng.randint(3, 10), approver)
            s = workday_between(rng, lo, hi)
            if rng.random() < 0.004 and s >= p.appointed.replace(year=p.appointed.year + 5):
                self.leave(p, "besar", s, rng.randint(30, 45), approver)

    # --- SK events -----------------------------------------------------------

    def promotion_tmt(self, p: Person, year: int) -> date | None:
        """The first allowed promotion month in `year`, four years after the last promotion."""
        due = p.last_promotion.replace(year=p.last_promotion.year + 4)
        for month in range(2, 13):
            tmt = date(year, month, 1)
            if tmt >= due and month in allowed_promotion_months(tmt):
                return tmt
        return None

    def promote(self, p: Person, tmt: date, day: date | None = None) -> None:
        to = PNS_GRADES[PNS_GRADES.index(p.grade) + 1]
        day = day or max(workday(tmt - timedelta(days=self.rng.randint(10, 30))), add_workdays(date(tmt.year, 2, 2), 0))
        kind = "reguler" if p.post == "pelaksana" else "pilihan"
        level = UJIAN_DINAS.get(to)
        if level and level not in p.exams:  # ujian dinas passed in the season before the promotion
            passed = workday(tmt - timedelta(days=self.rng.randint(60, 120)))
            if self.plan.add(day, "sk", {"type": "CivilServiceExamPassed", "subject": p.nip,
                                         "data": {"level": level, "passed_on": passed.isoformat(),
                                                  "certificate_number": f"UD/{self.city.next('exam'):05d}/{tmt.year}"}},
                             stop=p.stop):
                p.exams.add(level)
        data = {"from_grade": p.grade, "to_grade": to, "kind": kind}
        if p.post.startswith("jf_"):  # a JF rises on its credit points (PAK)
            data["pak_number"] = f"PAK/800.1.3/{self.city.next('pak'):04d}/BKPSDM/{tmt.year}"
        if self.plan.add(day, "sk", {
                "type": "PromotionGranted", "subject": p.nip, "effective_date": tmt.isoformat(),
                "legal_basis": {"number": sk("3.1", self.city.next("sk"), tmt.year), "date": day.isoformat()},
                "reason": f"Kenaikan pangkat {kind} periode {tmt:%m/%Y}",
                "on_behalf_of": self.city.signer(p),
                "data": data}, stop=p.stop):
            p.grade, p.last_promotion = to, tmt

    def promotion_year(self, p: Person, year: int) -> None:
        if p.employment_type != "pns" or p.flags.get("no_promotion"):
            return
        top = GRADE_RANGE[p.post][1]
        level = education_level_of(p.education)
        if p.post == "pelaksana" and level is not None:  # a regular promotion stops at the diploma's ceiling
            top = min(top, EDUCATION_CEILING[level], key=PNS_GRADES.index)
        if PNS_GRADES.index(p.grade) >= PNS_GRADES.index(top):
            return
        good = {"sangat_baik", "baik"}
        if p.predikat.get(year - 1) not in good or p.predikat.get(year - 2) not in good:
            return
        tmt = self.promotion_tmt(p, year)
        until = p.flags.get("penalty_until")
        if tmt is not None and isinstance(until, date) and tmt < until:
            return
        if tmt is not None:
            self.promote(p, tmt)

    def transfer(self, p: Person, to_unit: str, tmt: date, day: date) -> None:
        self.plan.add(day, "sk", {
            "type": "Transferred", "subject": p.nip, "effective_date": tmt.isoformat(),
            "legal_basis": {"number": sk("4.2", self.city.next("sk"), day.year), "date": day.isoformat()},
            "reason": "Mutasi dalam rangka penyegaran dan pemerataan pegawai",
            "on_behalf_of": self.city.signer(p), "data": {"from_unit": p.unit, "to_unit": to_unit}}, stop=p.stop)

    def penalty(self, p: Person, year: int, start: date, end: date) -> None:
        level = pick(self.rng, [("ringan", 70), ("sedang", 25), ("berat", 5)])
        kind, reason = self.rng.choice(PENALTY_REASONS[level])
        day = workday_between(self.rng, max(start, date(year, 2, 1)), min(end, date(year, 11, 30)))
        if kind in DEMOTIONS and (p.employment_type != "pns" or p.grade == PNS_GRADES[0]):
            kind, reason = PENALTY_REASONS["sedang"][0]
            level = "sedang"
        self.plan.add(day, "sk", {
            "type": "DisciplinaryPenaltyImposed", "subject": p.nip, "effective_date": day.isoformat(),
            "legal_basis": {"number": sk("12.1", self.city.next("sk"), year), "date": day.isoformat()},
            "on_behalf_of": self.city.approver(p), "data": {"level": level, "kind": kind, "reason": reason}},
            stop=p.stop)
        months = PENALTY_MONTHS.get(kind)
        if months:  # no promotion while it runs (PP 94/2021 art. 29); a demotion takes one grade step
            p.flags["penalty_until"] = months_later(day, months)
        if kind in DEMOTIONS:
            p.grade = PNS_GRADES[PNS_GRADES.index(p.grade) - 1]
