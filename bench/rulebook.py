"""The rulebook's own cost: CPU time of `decide` per event type, beside the ingest time per event it adds to.

Ingest (`bench.ingest`) is dominated by the write transaction and is noisy on a shared machine; the rules
run in process, so their CPU time (`time.process_time`) is measured alone here, on a folded employee:

    .venv/bin/python -m bench.rulebook [--rounds 20000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SK, appointment, console, nip, table, training, unit_bodies, write_results
from ledger import employee
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args(argv)
    rows = measure(args.rounds)
    table("Rulebook: CPU per decision (no database)", ["event type", "µs CPU"],
          [[r["type"], f"{r['us_per_decide']:.1f}"] for r in rows])
    console.print(f"written {write_results('rulebook', {'results': rows})}")


if __name__ == "__main__":
    main()
