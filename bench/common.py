"""Shared bench plumbing: throwaway databases, realistic event bodies, timing and reporting."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

PG_ADMIN = os.environ.get("JEJAK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# JEJAK_BENCH_RESULTS sends results elsewhere (the harness test writes to a temporary directory).
RESULTS = Path(os.environ.get("JEJAK_BENCH_RESULTS") or Path(__file__).resolve().parent / "results")
console = Console(width=max(120, Console().width))


@contextlib.contextmanager
def sqlite_url() -> Iterator[str]:
    """A new SQLite file in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="jejak-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database created for this run and dropped afterwards."""
    name = f"jejak_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        raise SystemExit(f"PostgreSQL is not reachable at {PG_ADMIN} ({exc}); start it "
                         "(see .ci/run) or point JEJAK_BENCH_PG at an admin URL") from None
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def database(backend: str) -> contextlib.AbstractContextManager[str]:
    return sqlite_url() if backend == "sqlite" else postgres_url()


def sqlite_file(url: str) -> str:
    return url[len("sqlite:///"):]


class StepClock:
    """Recording times one millisecond apart, so runs are repeatable and as_of points are exact."""

    def __init__(self, start: datetime = datetime(2026, 1, 5, 1, tzinfo=timezone.utc)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


# --- bodies of the kind a city records every day ---------------------------------------------

UNIT = "BKPSDM"
SK = {"number": "800/1/BKPSDM/2025", "date": "2025-01-02"}


def nip(i: int) -> str:
    """A valid PNS NIP for the i-th synthetic employee (born 1980-1989, CPNS 2010)."""
    born = date(1980, 1, 1) + timedelta(days=(i * 37) % 3650)
    return f"{born:%Y%m%d}201001{1 + i % 2}{i % 1000:03d}"


def unit_bodies() -> list[dict[str, Any]]:
    return [{"type": "UnitRegistered", "subject": UNIT, "data": {"name": "Badan Kepegawaian dan Pengembangan SDM"}},
            {"type": "TrainingBudgetAllocated", "subject": UNIT, "data": {"year": 2025, "amount": 10**12}}]


def appointment(i: int) -> dict[str, Any]:
    return {"type": "EmployeeAppointed", "subject": nip(i), "effective_date": "2010-01-01", "legal_basis": SK,
            "data": {"employment_type": "pns", "name": f"Pegawai {i}", "grade": "III/a",
                     "position": {"type": "pelaksana", "title": "Pengadministrasi Umum"}, "unit": UNIT}}


def training(i: int, who: int) -> dict[str, Any]:
    """A paid-for-nothing training record: the commonest event, ~600 bytes stored."""
    day = date(2025, 1, 6) + timedelta(days=i % 300)
    return {"type": "TrainingCompleted", "subject": nip(who), "reason": "Laporan pengembangan kompetensi",
            "correlation_id": f"bench-{i}",
            "data": {"path": "klasikal", "form": "pelatihan_teknis", "title": f"Pelatihan teknis angkatan {i}",
                     "provider": "BPSDM Provinsi Sumatera Utara", "start_date": day.isoformat(),
                     "end_date": day.isoformat(), "jp": 8, "cost": 0, "funding_unit": UNIT}}


# --- timing and reporting ----------------------------------------------------------------------

def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {"p50_ms": round(percentile(ms, 50), 3), "p99_ms": round(percentile(ms, 99), 3),
            "mean_ms": round(statistics.fmean(ms), 3), "n": len(ms)}


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title)
    for i, c in enumerate(columns):
        t.add_column(c, justify="left" if i < 3 else "right")
    for r in rows:
        t.add_row(*[str(x) for x in r])
    console.print(t)


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "cpus": os.cpu_count()}, **payload}
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
