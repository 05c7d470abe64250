"""A small Binjai for the portal's tests: one OPD big enough to show numbers, one too small to show any.

LABKESDA has 12 PNS (1 pengawas, 1 JF ahli pertama, 10 pelaksana): its headcount, the
pelaksana count, 20 JP attainment (6 met, 6 not), the 5 "baik" and its 5 answered
tickets (median 72 hours) are shown; its small groups (the pengawas, the JF, 2 "sangat
baik", 1 "butuh perbaikan", the one "sangat kurang") are suppressed. PARKIR has 2
people and KEL-TANGSI 4: every count about people there is suppressed, and the
city's figures stay shown only where the two small units together hide 5 or more. `PRIVATE` is one employee's and one complainant's personal data, none
of which may ever appear in a public page or response.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

YEAR = datetime.now(timezone.utc).year
SK = {"number": "800/1/PARKIR/2010", "date": "2009-12-20"}
START = datetime(YEAR, 1, 5, 2, 0, tzinfo=timezone.utc)

PRIVATE = {
    "nip": "198207142010012003",
    "name": "Rahmawati Sitompul Kuswandari",
    "nik": "1275015407820004",
    "birth_date": "1982-07-14",
    "address": "Jl. Gunung Bendahara Gang Mawar No. 17, Binjai Kota",
    "contact": "rahmawati.sk.82@contoh.id",
    "penalty_reason": "Terlambat hadir tanpa keterangan sebanyak sembilan kali",
    "moderate_reason": "Tidak menyelesaikan laporan pelayanan tiga bulan berturut",
    "complainant_contact": "0813-6299-4417 (Bu Lestiani Purba)",
    "complainant_message": "Pelayanan loket KTP di kantor kecamatan lambat sekali, antre sejak subuh",
}
LABKESDA_PELAKSANA = [PRIVATE["nip"]] + [f"19850{m}1{m}2010011{m:03d}" for m in range(1, 10)]
LABKESDA_PENGAWAS = "197002282000031007"
LABKESDA_JF = "198912122015031004"
PARKIR_STAFF = ["197505052000031002", "198811112014022001"]
KELURAHAN_STAFF = [f"19900{m}0{m}2015011{m:03d}" for m in range(1, 5)]


def nip_list() -> list[str]:
    return LABKESDA_PELAKSANA + [LABKESDA_PENGAWAS, LABKESDA_JF] + PARKIR_STAFF + KELURAHAN_STAFF


class StepClock:
    """Recording times a minute apart from January of this year, so response times are known."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def jump(self, days: int) -> None:
        self.now += timedelta(days=days)


def _appoint(nip: str, unit: str, position: str, name: str, **personal: Any) -> dict[str, Any]:
    return {"type": "EmployeeAppointed", "subject": nip, "effective_date": "2010-01-01", "legal_basis": SK,
            "data": {"employment_type": "pns", "name": name, "grade": "III/a",
                     "position": {"type": position, "title": "Staf Pelayanan" if position == "pelaksana"
                                  else "Kepala Seksi"}, "unit": unit, **personal}}


def _training(nip: str, jp: int, cost: int) -> dict[str, Any]:
    return {"type": "TrainingCompleted", "subject": nip,
            "data": {"path": "klasikal", "form": "bimtek", "title": "Bimtek Pelayanan Prima",
                     "provider": "BPSDM Sumatera Utara", "start_date": f"{YEAR}-03-02",
                     "end_date": f"{YEAR}-03-04", "jp": jp, "cost": cost, "funding_unit": "LABKESDA"}}


def _evaluated(nip: str, evaluator: str, results: str, behaviour: str, predikat: str) -> list[dict[str, Any]]:
    return [
        {"type": "PerformancePlanned", "subject": nip,
         "data": {"year": YEAR, "approach": "kuantitatif", "evaluator": evaluator,
                  "results": [{"indicator": "Layanan selesai tepat waktu", "target": "95%"}]}},
        {"type": "PerformanceEvaluated", "subject": nip,
         "data": {"period": {"year": YEAR, "kind": "annual"}, "results_rating": results,
                  "behaviour_rating": behaviour, "predikat": predikat, "evaluator": evaluator}},
    ]


def _penalty(nip: str, level: str, kind: str, reason: str) -> dict[str, Any]:
    return {"type": "DisciplinaryPenaltyImposed", "subject": nip, "effective_date": f"{YEAR}-02-01",
            "legal_basis": {"number": f"800/{level}/PARKIR/{YEAR}", "date": f"{YEAR}-01-25"},
            "data": {"level": level, "kind": kind, "reason": reason}}


def events() -> list[dict[str, Any]]:
    """The personnel world: units, budgets, 10 employees, training, SKP, two light/moderate penalties."""
    out = [{"type": "UnitRegistered", "subject": "LABKESDA", "data": {"name": "UPT Laboratorium Kesehatan Daerah"}},
           {"type": "UnitRegistered", "subject": "PARKIR",
            "data": {"name": "UPT Perparkiran"}},
           {"type": "TrainingBudgetAllocated", "subject": "LABKESDA", "data": {"year": YEAR, "amount": 25_000_000}},
           {"type": "TrainingBudgetAllocated", "subject": "PARKIR", "data": {"year": YEAR, "amount": 7_500_000}},
           _appoint(LABKESDA_PENGAWAS, "LABKESDA", "pengawas", "dr. Surya Atmaja"),
           _appoint(LABKESDA_JF, "LABKESDA", "jf_ahli_pertama", "apt. Nadia Lubis")]
    out.append(_appoint(PRIVATE["nip"], "LABKESDA", "pelaksana", PRIVATE["name"], nik=PRIVATE["nik"],
                        birth_date=PRIVATE["birth_date"], address=PRIVATE["address"], contact=PRIVATE["contact"]))
    for i, nip in enumerate(LABKESDA_PELAKSANA[1:]):
        out.append(_appoint(nip, "LABKESDA", "pelaksana", f"Pegawai Dinkes {i + 1}"))
    out += [_appoint(PARKIR_STAFF[0], "PARKIR", "administrator", "Drs. Hendra Gunawan"),
            _appoint(PARKIR_STAFF[1], "PARKIR", "pelaksana", "Pegawai PARKIR 1"),
            {"type": "UnitRegistered", "subject": "KEL-TANGSI", "data": {"name": "Kelurahan Tangsi"}}]
    out += [_appoint(nip, "KEL-TANGSI", "pelaksana", f"Staf Kecamatan {i + 1}") for i, nip in enumerate(KELURAHAN_STAFF)]
    # 20 JP duty: 6 of the 12 LABKESDA PNS reach it, 6 do not; each training costs Rp 1.000.000.
    for i, nip in enumerate(LABKESDA_PELAKSANA + [LABKESDA_PENGAWAS, LABKESDA_JF]):
        out.append(_training(nip, 24 if i % 2 else 8, 1_000_000))
    # Predikat in LABKESDA: 5 baik, 2 sangat baik, 1 butuh perbaikan, and PRIVATE alone "sangat kurang".
    ratings = [("di_bawah", "di_bawah", "sangat_kurang"), ("di_atas", "di_atas", "sangat_baik"),
               ("di_atas", "di_atas", "sangat_baik"), ("di_bawah", "sesuai", "butuh_perbaikan")] + \
        [("sesuai", "sesuai", "baik")] * 5
    for nip, (r, b, p) in zip(LABKESDA_PELAKSANA, ratings):
        out += _evaluated(nip, LABKESDA_PENGAWAS, r, b, p)
    out += [_penalty(PRIVATE["nip"], "ringan", "teguran_tertulis", PRIVATE["penalty_reason"]),
            _penalty(LABKESDA_PELAKSANA[3], "sedang", "pemotongan_tukin_25_6_bulan",
                     PRIVATE["moderate_reason"])]
    return out


def feedback_events() -> list[list[dict[str, Any]]]:
    """Five anonymous tickets for LABKESDA, answered after 1 to 5 days (median 72 hours) by `load`."""
    tickets = []
    for n, letter in enumerate("ABCDE"):
        ticket = f"LPR-{YEAR}-SEED" + letter * 12
        tickets.append([{"type": "FeedbackReceived", "subject": ticket,
                         "data": {"classification": "pengaduan", "unit": "LABKESDA",
                                  "message": f"Antrean puskesmas terlalu panjang ({n})", "anonymous": True,
                                  "channel": "seed"}}])
    return tickets


def load_demo(url: str, workdir: Path, employees: int = 200, years: int = 1, today: str | None = None,
              releases: bool = True) -> None:
    """`jejak demo` (a small synthetic Binjai, one year unless told) into an empty database."""
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(workdir / "demo-signing.key")}
    done = subprocess.run([str(Path(sys.executable).parent / "jejak"), "demo", "--employees", str(employees),
                           "--years", str(years), "--seed", "7", *(["--today", today] if today else []),
                           *([] if releases else ["--no-releases"])], env=env, capture_output=True, text=True, cwd=workdir)
    assert done.returncode == 0, f"jejak demo failed: {done.stdout}{done.stderr}"


def load(url: str) -> dict[str, Any]:
    """Record the world with a stepping clock, answer the seeded tickets, catch projections up."""
    from ledger.application import Ledger
    from projections.runner import Projections

    clock = StepClock()
    ledger = Ledger(url, clock=clock)
    try:
        ledger.record(events(), actor="seed", batch=True)
        tickets = []
        for days, bodies in zip((1, 2, 3, 4, 5), feedback_events()):
            ledger.record(bodies, actor="seed")
            ticket = bodies[0]["subject"]
            tickets.append(ticket)
            clock.jump(days)
            ledger.record([{"type": "FeedbackVerified", "subject": ticket, "data": {}},
                           {"type": "FeedbackDispositioned", "subject": ticket, "data": {"to_unit": "LABKESDA"}},
                           {"type": "FeedbackResponded", "subject": ticket,
                            "data": {"response": "Jadwal loket tambahan dibuka setiap Senin."}}],
                          actor="seed", batch=True)
        Projections(url).catch_up(ledger)
    finally:
        ledger.close()
    return {"tickets": tickets}


# --- what the privacy tests look for ------------------------------------------------------------

def public_paths(client, tickets: list[str]) -> list[str]:
    """Every public page and endpoint: each unit's, each ticket's, the errors and the stylesheet."""
    units = [u["code"] for u in client.get("/v1/public/units").json["items"]]
    paths = ["/", "/masukan", "/masukan?unit=LABKESDA", "/tiket", "/v1/public/units", "/opd/TIDAK-ADA",
             "/v1/public/units/TIDAK-ADA", "/portal-static/portal.css"]
    paths += [f"/opd/{c}" for c in units] + [f"/v1/public/units/{c}" for c in units]
    paths += [f"/tiket/{t}" for t in tickets] + [f"/tiket?nomor={t}" for t in tickets]
    paths += [f"/v1/public/feedback/{t}" for t in tickets]
    return paths


def needles() -> list[str]:
    """Everything personal or internal about the employee and the complainant, in the forms it could take."""
    y, m, d = PRIVATE["birth_date"].split("-")
    return [PRIVATE["nip"], PRIVATE["name"], PRIVATE["nik"], PRIVATE["birth_date"], f"{d}-{m}-{y}", f"{d}/{m}/{y}",
            y + m + d, PRIVATE["address"], "Gang Mawar", PRIVATE["contact"], PRIVATE["penalty_reason"],
            PRIVATE["moderate_reason"], "teguran_tertulis", "teguran tertulis", "pemotongan_tukin",
            PRIVATE["complainant_contact"], "6299-4417", "Lestiani", PRIVATE["complainant_message"],
            "Antrean puskesmas", "contact_encrypted", "v1:", "ringan", "sedang"]


def small_numbers(value: Any, path: str = "") -> list[str]:
    """Every published count of people or tickets between 1 and 4 (there must be none)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in small_numbers(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in small_numbers(v, f"{path}[{i}]")]
    counted = any(s in path for s in (".headcount", ".training", ".predikat", ".feedback.total", ".feedback.by_"))
    if counted and isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
        return [f"{path}={value}"]
    return []
