"""The rulebook's own cost: CPU time of `decide` per event type, and single and batch ingest with the full
rulebook beside the same ingest without it (the `rulebook` section of `make bench`; goal: at most 15 % slower).

Ingest (`bench.ingest`) is dominated by the write transaction and is noisy on a shared machine; the rules
run in process, so their CPU time (`time.process_time`) is also measured alone here, on a folded employee:

    .venv/bin/python -m bench.rulebook [--rounds 20000] [--events 300] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import (SK, StepClock, appointment, console, database, nip, table, timed, training, unit_bodies,
                          write_results)
from ledger import employee
from ledger.errors import NotFound
from ledger.application import Ledger
from ledger.requests import parse_request


class _Context:
    """Every unit exists and no evaluator is appointed: the rules' lookups cost nothing here."""

    def has(self, kind: str, key: str) -> bool:
        return True

    def unit(self, code: str) -> Any:
        return None

    def employee(self, nip_: str) -> Any:
        return None


def bodies() -> dict[str, dict[str, Any]]:
    who = nip(0)
    return {"TrainingCompleted": training(1, 0),
            "LeaveGranted": {"type": "LeaveGranted", "subject": who,
                             "data": {"kind": "tahunan", "start_date": "2025-06-02", "end_date": "2025-06-06",
                                      "days": 5}},
            "PromotionGranted": {"type": "PromotionGranted", "subject": who, "effective_date": "2025-04-01",
                                 "legal_basis": SK, "data": {"from_grade": "III/a", "to_grade": "III/b",
                                                             "kind": "reguler"}}}


def measure(rounds: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as where:
        ledger = Ledger(f"sqlite:///{Path(where) / 'rules.db'}")
        try:
            ledger.record([*unit_bodies(), appointment(0)], "bench", batch=True)
            emp = ledger.aggregate("employee", nip(0))
            emp.state()
            out = []
            for name, body in bodies().items():
                req = parse_request(body, "bench", None, None)
                start = time.process_time()
                for _ in range(rounds):
                    found = employee.decide(emp, name, req.data, req.meta, _Context())
                    ledger.rulebook.stored(found)
                out.append({"type": name, "us_per_decide": (time.process_time() - start) / rounds * 1e6})
            return out
        finally:
            ledger.close()


EMPLOYEES = 50


def _mixed(i: int) -> dict[str, Any]:
    """A lawful stream of the commonest records: three trainings to one annual leave, each on its own days."""
    if i % 4 != 3:
        return training(i, i % EMPLOYEES)
    start = date(2026, 1, 5) + timedelta(days=7 * (i // (4 * EMPLOYEES)))
    return {"type": "LeaveGranted", "subject": nip(i % EMPLOYEES),
            "data": {"kind": "tahunan", "start_date": start.isoformat(), "end_date": start.isoformat(), "days": 1}}


def _bare_decide(emp: Any, type_: str, data: dict[str, Any], meta: dict[str, Any], ctx: Any) -> list[Any]:
    """`employee.decide` without the rulebook: only what any write needs (the stream exists)."""
    if emp is None and type_ != "EmployeeAppointed":
        raise NotFound("subject: not appointed", field="subject")
    return []


def _fold_only_decide(emp: Any, type_: str, data: dict[str, Any], meta: dict[str, Any], ctx: Any) -> list[Any]:
    """No rule, but the employee's state folded as every rule reads it: what the rules' own checks add beyond it."""
    _bare_decide(emp, type_, data, meta, ctx)
    if emp is not None:
        emp.state()
    return []


WITHOUT = {"none": _bare_decide, "fold": _fold_only_decide}


def ingest(backend: str, events: int, batch: int, rulebook: str = "full") -> dict[str, float]:
    """Seconds to record `events` singly and `events` more in batches of `batch`: with the full rulebook,
    with none (`none`: the stream exists, nothing more), or with only the state fold the rules read (`fold`)."""
    saved = employee.decide
    if rulebook != "full":
        employee.decide = WITHOUT[rulebook]  # the writer looks it up on the module at every call
    try:
        with database(backend) as url:
            ledger = Ledger(url, clock=StepClock())
            try:
                ledger.record([*unit_bodies(), *[appointment(i) for i in range(EMPLOYEES)]], "bench", batch=True)
                t_single = timed(lambda: [ledger.record([_mixed(i)], "bench") for i in range(events)])
                t_batch = timed(lambda: [ledger.record([_mixed(events + s + j) for j in range(min(batch, events - s))],
                                                       "bench", batch=True) for s in range(0, events, batch)])
            finally:
                ledger.close()
    finally:
        employee.decide = saved
    return {"single": t_single, "batch": t_batch}


def compare(backend: str, events: int, batch: int = 1000) -> dict[str, float]:
    """The three ways in one round: events per second, and the full rulebook's slowdown in per cent over
    no rules at all (the goal's figure) and over the state fold alone (what the rules' checks add)."""
    bare, fold, full = (ingest(backend, events, batch, way) for way in ("none", "fold", "full"))
    out: dict[str, float] = {}
    for mode in ("single", "batch"):
        out[f"{mode}_with_rules_per_s"] = round(events / full[mode], 1)
        out[f"{mode}_without_rules_per_s"] = round(events / bare[mode], 1)
        out[f"{mode}_fold_only_per_s"] = round(events / fold[mode], 1)
        out[f"{mode}_slowdown_pct"] = round(100 * (full[mode] / bare[mode] - 1), 1)
        out[f"{mode}_checks_over_fold_pct"] = round(100 * (full[mode] / fold[mode] - 1), 1)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args(argv)
    rows = measure(args.rounds)
    table("Rulebook: CPU per decision (no database)", ["event type", "µs CPU"],
          [[r["type"], f"{r['us_per_decide']:.1f}"] for r in rows])
    ingest_cost = compare(args.backend, args.events)
    table(f"Rulebook: ingest on {args.backend} with and without it", ["figure", "value"],
          [[k, f"{v:g}"] for k, v in ingest_cost.items()])
    console.print(f"written {write_results('rulebook', {'results': rows, 'ingest': ingest_cost})}")


if __name__ == "__main__":
    main()
