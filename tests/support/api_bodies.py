"""Valid request bodies for API tests: a small Binjai with two units and two employees."""

from __future__ import annotations

from typing import Any

NIP = "198503122010011002"        # pelaksana at DINKES, III/a since 2010
EVALUATOR = "197901012005011001"  # pengawas at DINKES
STRANGER = "199001012015012001"   # a valid NIP never appointed
ROLES = ("recorder", "inspector", "auditor", "admin", "feedback_officer")
SK = {"number": "800/1/BKPSDM/2010", "date": "2009-12-20"}


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def unit(code: str, name: str | None = None) -> dict[str, Any]:
    """A unit registration; by default named after its code (no two units share a name)."""
    return {"type": "UnitRegistered", "subject": code, "data": {"name": name or f"Dinas {code}"}}


def budget(code: str, year: int, amount: int) -> dict[str, Any]:
    return {"type": "TrainingBudgetAllocated", "subject": code, "data": {"year": year, "amount": amount}}


def appointment(nip: str, position_type: str = "pelaksana", unit_code: str = "DINKES", **personal: Any) -> dict:
    return {"type": "EmployeeAppointed", "subject": nip, "effective_date": "2010-01-01", "legal_basis": SK,
            "data": {"employment_type": "pns", "name": f"Pegawai {nip[-3:]}", "grade": "III/a",
                     "position": {"type": position_type, "title": "Staf"}, "unit": unit_code, **personal}}


def promotion(nip: str, from_grade: str, to_grade: str, tmt: str = "2025-04-01") -> dict[str, Any]:
    return {"type": "PromotionGranted", "subject": nip, "effective_date": tmt,
            "legal_basis": {"number": "800/123/BKPSDM/2025", "date": "2025-03-20"},
            "data": {"from_grade": from_grade, "to_grade": to_grade, "kind": "reguler"},
            "reason": "Kenaikan pangkat reguler"}


def plan(nip: str, year: int, evaluator: str = EVALUATOR) -> dict[str, Any]:
    return {"type": "PerformancePlanned", "subject": nip,
            "data": {"year": year, "approach": "kuantitatif", "evaluator": evaluator,
                     "results": [{"indicator": "Layanan selesai tepat waktu", "target": "95%"}]}}


def evaluation(nip: str, year: int, results: str = "sesuai", behaviour: str = "sesuai",
               predikat: str = "baik", evaluator: str = EVALUATOR) -> dict[str, Any]:
    return {"type": "PerformanceEvaluated", "subject": nip,
            "data": {"period": {"year": year, "kind": "annual"}, "results_rating": results,
                     "behaviour_rating": behaviour, "predikat": predikat, "evaluator": evaluator}}


def training(nip: str, cost: int, jp: int = 20, year: int = 2025) -> dict[str, Any]:
    return {"type": "TrainingCompleted", "subject": nip,
            "data": {"path": "klasikal", "form": "bimtek", "title": "Bimtek Pelayanan Publik",
                     "provider": "BPSDM Sumut", "start_date": f"{year}-03-03", "end_date": f"{year}-03-05",
                     "jp": jp, "cost": cost, "funding_unit": "DINKES"}}


def world() -> list[dict[str, Any]]:
    """The events every API test starts from (positions 1..7)."""
    return [unit("DINKES", "Dinas Kesehatan"), unit("BKPSDM", "Badan Kepegawaian"),
            budget("DINKES", 2025, 5_000_000),
            appointment(EVALUATOR, "pengawas"),
            appointment(NIP, nik="1275011203850001", birth_date="1985-03-12", address="Jl. Sudirman 1",
                        contact="0812000000"),
            plan(NIP, 2024), evaluation(NIP, 2024)]
