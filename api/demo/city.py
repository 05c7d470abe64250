"""City-wide parts of the demo: units, budgets, achievements, internships and public feedback."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from api.demo.calendar import add_workdays, workday, workday_between
from api.demo.names import INSTITUTIONS, person_name
from api.demo.people import Person
from api.demo.plan import Plan
from api.demo.units import BKPSDM, SEKDA_UNIT, UNITS
from ledger.rules.spread import spread_finding

FEEDBACK_TOPICS = {
    "pengaduan": ["Antrean layanan terlalu lama dan tidak ada nomor antrean",
                  "Petugas tidak berada di tempat pada jam kerja",
                  "Lampu jalan padam sejak dua minggu", "Sampah tidak diangkut selama seminggu",
                  "Pungutan di luar ketentuan saat mengurus surat", "Drainase tersumbat dan menyebabkan banjir"],
    "aspirasi": ["Mohon penambahan jam layanan pada hari Sabtu", "Usulan taman bermain anak di kelurahan",
                 "Mohon pelatihan UMKM bagi warga", "Usulan penambahan rute angkutan kota"],
    "permintaan_informasi": ["Syarat pengurusan akta kelahiran", "Jadwal vaksinasi di puskesmas",
                             "Prosedur izin usaha mikro", "Informasi penerimaan peserta didik baru"],
}
FEEDBACK_UNITS = [("DISDUKCAPIL", 14), ("DLH", 12), ("SATPOLPP", 8), ("DISHUB", 8), ("RSUD-DJOELHAM", 10),
                  ("DINKES", 8), ("DISDIK", 10), ("DISPUPR", 10), ("DPMPTSP", 6), ("DINSOS", 6),
                  ("KEC-BINJAI-KOTA", 3), ("KEC-BINJAI-UTARA", 3), ("KEC-BINJAI-SELATAN", 3),
                  ("KEC-BINJAI-TIMUR", 3), ("KEC-BINJAI-BARAT", 3)]
RESPONSES = ["Terima kasih atas laporan Anda. Petugas telah menindaklanjuti di lokasi dan masalah telah diselesaikan.",
             "Laporan telah kami terima dan dijadwalkan penanganannya pada pekan ini.",
             "Informasi yang Anda minta telah kami kirimkan beserta persyaratan lengkapnya.",
             "Usulan Anda kami catat sebagai bahan perencanaan tahun anggaran berikutnya."]


class City:
    """Shared state of the generation: the org chart, budgets left, SK and ticket counters."""

    def __init__(self, rng: random.Random, plan: Plan, org: dict[str, dict[str, list[str]]],
                 people: dict[str, Person], window_start: date) -> None:
        self.rng, self.plan, self.org, self.people = rng, plan, org, people
        self.window_start = window_start
        self.budget_left: dict[tuple[str, int], int] = {}
        self.allocated: dict[tuple[str, int], int] = {}
        self.counters: Counter[str] = Counter()
        self.planted_spread: str | None = None  # the unit given an irregular predikat spread, if any
        # How readily each OPD pays for classroom training: some exhaust their budget, some do not.
        self.appetite = {u.code: rng.uniform(0.05, 0.32) for u in UNITS}

    def next(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    def spend(self, unit: str, year: int, amount: int) -> bool:
        left = self.budget_left.get((unit, year), 0)
        if amount > left:
            return False
        self.budget_left[(unit, year)] = left - amount
        return True

    def signer(self, p: Person) -> str | None:
        """The Kepala BKPSDM signs personnel SKs for the PPK; the Sekda signs his, the Wali Kota the Sekda's."""
        head = self.org[BKPSDM]["head"][0]
        if p.role == "sekda":
            return None  # the Wali Kota, who has no NIP
        return self.org[SEKDA_UNIT]["sekda"][0] if p.nip == head else head

    def approver(self, p: Person) -> str | None:
        """The head of the person's unit approves leave and imposes penalties; the Sekda for heads."""
        if p.role == "sekda":
            return None  # the Wali Kota
        head = self.org[p.unit]["head"][0]
        return self.org[SEKDA_UNIT]["sekda"][0] if head == p.nip else head

    def superior(self, evaluator: str | dict | None) -> str | None:
        """The evaluator's own evaluator when an ASN (NIP); none above the Wali Kota or named by NIP."""
        ev = self.people.get(evaluator) if isinstance(evaluator, str) else None
        return ev.evaluator if ev is not None and isinstance(ev.evaluator, str) else None

    # --- units ---------------------------------------------------------------

    def register_units(self, day: date) -> None:
        for u in UNITS:
            self.plan.add(day, "unit", {"type": "UnitRegistered", "subject": u.code,
                                        "data": {"name": u.name, "kind": u.kind}})

    def allocate(self, year: int, sizes: dict[str, int]) -> None:
        """Each unit's training money for the year (Permendagri 15/2024: scarce, per head)."""
        day = workday(date(year, 1, 2))
        for u in UNITS:
            per_head = self.rng.randrange(200_000, 600_001, 50_000)
            amount = max(5_000_000, sizes[u.code] * per_head // 1_000_000 * 1_000_000)
            self.allocated[(u.code, year)] = amount
            self.budget_left[(u.code, year)] = amount
            self.plan.add(day, "budget", {
                "type": "TrainingBudgetAllocated", "subject": u.code, "reason": f"DPA {u.code} tahun {year}",
                "data": {"year": year, "amount": amount}})

    def achievements(self, year: int, plant: bool = False) -> None:
        """Each unit's capaian for the year with the spread of its people's annual predikat (e-Kinerja);
        the achievement keeps the distribution guidance, except once when `plant` asks for an irregular one."""
        day = workday_between(self.rng, date(year + 1, 2, 3), date(year + 1, 2, 20))
        for u in UNITS:
            counts = dict(Counter(p.predikat[year] for p in self.people.values()
                                  if p.unit == u.code and year in p.predikat))
            level = self.rng.choices(["istimewa", "baik", "butuh_perbaikan", "kurang"], [15, 60, 20, 5])[0]
            if spread_finding(level, counts):
                level = next(lv for lv in ("baik", "istimewa", "butuh_perbaikan") if not spread_finding(lv, counts))
            if plant and self.planted_spread is None and sum(counts.values()) >= 5 and spread_finding("baik", counts):
                level, self.planted_spread = "baik", u.code  # deliberate: a Baik unit that rated nobody below Baik
            data = {"year": year, "achievement": level}
            if counts:
                data["predikat_distribution"] = counts
            self.plan.add(day, "sk", {"type": "UnitAchievementAssessed", "subject": u.code, "data": data})

    # --- internships -----------------------------------------------------------

    def internships(self, year: int, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            host = rng.choice([u.code for u in UNITS])
            supervisor = rng.choice(self.org[host]["pengawas"])
            start = workday(date(year, rng.choice([2, 3, 7, 8, 9]), rng.randint(1, 10)))
            end = start + timedelta(days=30 * rng.randint(2, 6))
            key = f"MAG-{year}-{self.next(f'mag{year}'):04d}"
            gender = rng.choice("lp")
            scheme = rng.choice(["MBKM", "MBKM", "PKL SMK", "Magang Mandiri"])
            if not self.plan.add(start, "intern", {"type": "InternshipStarted", "subject": key, "data": {
                    "intern_name": person_name(rng, gender, "SMA"), "institution": rng.choice(INSTITUTIONS),
                    "scheme": scheme, "host_unit": host,
                    "supervisor": supervisor, "start_date": start.isoformat(), "end_date": end.isoformat()}}):
                continue
            roll = rng.random()
            if roll < 0.05:
                on = workday_between(rng, start + timedelta(days=10), end - timedelta(days=5))
                self.plan.add(on, "intern", {"type": "InternshipCancelled", "subject": key, "data": {
                    "cancelled_on": on.isoformat(), "cause": "Mahasiswa mengundurkan diri karena alasan keluarga"}})
                continue
            on = add_workdays(end, rng.randint(0, 5))
            self.plan.add(on, "intern", {"type": "InternshipCompleted", "subject": key, "data": {
                "outcome": "passed" if roll > 0.08 else "failed", "completed_on": on.isoformat(),
                "sks": 20 if scheme == "MBKM" else 0, "hours": (end - start).days // 7 * 37,
                "certificate_number": f"SRT/MAG/{year}/{self.next('magcert'):05d}"}})

    # --- public feedback -------------------------------------------------------

    def feedback(self, year: int, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            cls = rng.choices(["pengaduan", "aspirasi", "permintaan_informasi"], [55, 25, 20])[0]
            unit = rng.choices([u for u, _ in FEEDBACK_UNITS], [w for _, w in FEEDBACK_UNITS])[0]
            key = f"LPR-{year}-{self.next(f'lpr{year}'):05d}"
            day = workday_between(rng, date(year, 1, 6), date(year, 12, 20))
            if not self.plan.add(day, "feedback", {"type": "FeedbackReceived", "subject": key, "data": {
                    "classification": cls, "unit": unit, "message": rng.choice(FEEDBACK_TOPICS[cls]),
                    "anonymous": rng.random() < 0.3, "channel": rng.choice(["web", "sms", "whatsapp", "loket"])}}):
                continue
            day = add_workdays(day, rng.choices([0, 1, 2, 3, 5], [25, 35, 20, 12, 8])[0])
            if rng.random() < 0.06:
                self.plan.add(day, "feedback", {"type": "FeedbackRejected", "subject": key, "data": {
                    "cause": rng.choice(["not_in_authority", "incomplete", "duplicate"])}})
                continue
            steps = [("FeedbackVerified", {}), ("FeedbackDispositioned", {"to_unit": unit})]
            for t, data in steps:
                if not self.plan.add(day, "feedback", {"type": t, "subject": key, "data": data}):
                    break
                day = add_workdays(day, rng.choice([0, 0, 1]))
            else:
                day = add_workdays(day, rng.choices([1, 2, 3, 5, 8, 14, 21], [15, 20, 20, 20, 12, 8, 5])[0])
                if self.plan.add(day, "feedback", {"type": "FeedbackResponded", "subject": key,
                                                   "data": {"response": rng.choice(RESPONSES)}}):
                    self.plan.add(add_workdays(day, rng.randint(1, 5)), "feedback",
                                  {"type": "FeedbackClosed", "subject": key, "data": {}})
