"""Helpers for projection tests: a settable clock, short event recipes, and table dumps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from ledger.errors import LedgerError
from projections.tables import metadata

LB = {"number": "800/1/BKPSDM/2025", "date": "2025-01-02"}


class Clock:
    """The ledger's recording clock, moved by the test."""

    def __init__(self, start: datetime = datetime(2025, 11, 3, 2, 0, tzinfo=timezone.utc)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def nip(i: int) -> str:
    """A valid PNS NIP, distinct for each i (birth year varies per thousand)."""
    return f"{1985 - i // 1000}0312201001{1 + i % 2}{i % 1000:03d}"


def record(ledger: Any, body: dict[str, Any], actor: str = "bkpsdm-clerk", **kw: Any) -> dict[str, Any]:
    receipts, _ = ledger.record([body], actor=actor, **kw)
    return receipts[0]


def try_record(ledger: Any, body: dict[str, Any], actor: str = "bkpsdm-clerk") -> dict[str, Any] | None:
    try:
        return record(ledger, body, actor)
    except LedgerError:
        return None


def unit(code: str, name: str | None = None) -> dict[str, Any]:
    return {"type": "UnitRegistered", "subject": code, "data": {"name": name or f"Unit {code}"}}


def allocate(code: str, amount: int, year: int = 2025) -> dict[str, Any]:
    return {"type": "TrainingBudgetAllocated", "subject": code, "data": {"year": year, "amount": amount}}


def appoint(n: str, code: str, position_type: str = "pelaksana", grade: str = "III/a",
            eff: str = "2025-10-01", **extra: Any) -> dict[str, Any]:
    return {"type": "EmployeeAppointed", "subject": n, "effective_date": eff, "legal_basis": LB,
            "data": {"employment_type": "pns", "name": f"Pegawai {n[-3:]}", "grade": grade,
                     "position": {"type": position_type, "title": position_type.title()}, "unit": code}, **extra}


def promote(n: str, frm: str, to: str, eff: str = "2025-12-01", kind: str = "reguler", **extra: Any) -> dict[str, Any]:
    return {"type": "PromotionGranted", "subject": n, "effective_date": eff, "legal_basis": LB,
            "data": {"from_grade": frm, "to_grade": to, "kind": kind}, **extra}


def plan(n: str, evaluator: str, year: int = 2025) -> dict[str, Any]:
    return {"type": "PerformancePlanned", "subject": n,
            "data": {"year": year, "approach": "kuantitatif", "evaluator": evaluator,
                     "results": [{"indicator": "Layanan", "target": "100%"}]}}


def evaluate(n: str, evaluator: str, year: int = 2025, results: str = "sesuai", behaviour: str = "sesuai",
             predikat: str = "baik") -> dict[str, Any]:
    return {"type": "PerformanceEvaluated", "subject": n,
            "data": {"period": {"year": year, "kind": "annual"}, "results_rating": results,
                     "behaviour_rating": behaviour, "predikat": predikat, "evaluator": evaluator}}


def train(n: str, code: str, jp: int = 8, cost: int = 0, end: str = "2025-11-02") -> dict[str, Any]:
    return {"type": "TrainingCompleted", "subject": n,
            "data": {"path": "klasikal", "form": "bimtek", "title": "Bimtek SIASN", "provider": "BKPSDM",
                     "start_date": "2025-11-01", "end_date": end, "jp": jp, "cost": cost, "funding_unit": code}}


def transfer(n: str, frm: str, to: str, eff: str = "2025-11-01") -> dict[str, Any]:
    return {"type": "Transferred", "subject": n, "effective_date": eff, "legal_basis": LB,
            "data": {"from_unit": frm, "to_unit": to}}


def ticket(t: str, code: str, classification: str = "pengaduan") -> dict[str, Any]:
    return {"type": "FeedbackReceived", "subject": t,
            "data": {"classification": classification, "unit": code, "message": "Antrian lama", "anonymous": True}}


def step(t: str, type_: str, **data: Any) -> dict[str, Any]:
    return {"type": type_, "subject": t, "data": data}


def intern(i: str, code: str, supervisor: str) -> dict[str, Any]:
    return {"type": "InternshipStarted", "subject": i,
            "data": {"intern_name": "Mahasiswa", "institution": "USU", "scheme": "MBKM", "host_unit": code,
                     "supervisor": supervisor, "start_date": "2025-09-01", "end_date": "2025-12-31"}}


def correct(subject: str, event_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "Corrected", "subject": subject, "reason": "salah ketik",
            "data": {"event_id": event_id, "fields": fields}}


def annul(subject: str, event_id: str) -> dict[str, Any]:
    return {"type": "Annulled", "subject": subject, "reason": "SK dibatalkan", "data": {"event_id": event_id}}


def reset_pg(url: str) -> None:
    """Empty a PostgreSQL test database's public schema (as tests/conftest.py does per test)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def table_names(names: list[str] | None = None) -> list[str]:
    from projections.runner import PROJECTIONS

    wanted = [p for p in PROJECTIONS if names is None or p.name in names]
    return [t.name for p in wanted for t in p.tables]


def dump(engine: Any, names: list[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the projections' tables, ordered by primary key, for comparison."""
    out = {}
    with engine.connect() as conn:
        for name in table_names(names):
            table = metadata.tables[name]
            pk = [c for c in table.primary_key.columns]
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*pk))]
    return out


def tracking(engine: Any) -> dict[str, int]:
    from projections.tables import tracking as t

    with engine.connect() as conn:
        return dict(conn.execute(select(t.c.name, t.c.position)).all())


