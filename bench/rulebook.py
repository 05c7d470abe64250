"""The rulebook's own cost: CPU time of `decide` per event type, and single and batch ingest with the full
rulebook beside two baselines (the `rulebook` section of `make bench`; goal: at most 15 % slower).

- `filed`: the rulebook as it stood when issue 17 was filed (commit 12690dd, the parent of the rulebook as
  data, 9fa7b75), switched on by the deployment's own mechanism: a `JEJAK_RULES` file switching off every
  compliance rule added since (`NEWER_COMPLIANCE`). A switched-off rule is not run (`book.finds`). The
  validation rules added since (`NEWER_VALIDATION`) cannot be switched off (JEJAK_RULES refuses to name
  them: switching one off would let impossible data in), so they still run here; none of them applies to
  this bench's trainings and annual leaves. This is the issue's "today's figures" and the goal's baseline.
- `none`: no rule at all, the stream not even folded: only that the employee exists (a stricter reading).

Ingest (`bench.ingest`) is dominated by the write transaction and is noisy on a shared machine; the rules
run in process, so their CPU time (`time.process_time`) is also measured alone here, on a folded employee:

    .venv/bin/python -m bench.rulebook [--rounds 20000] [--events 300] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

from bench.common import (SK, StepClock, appointment, console, database, nip, table, timed, training, unit_bodies,
                          write_results)
from ledger import employee
from ledger.errors import NotFound
from ledger.application import Ledger
from ledger.requests import parse_request
from ledger.rules.book import rulebook_from


# Rule ids at 12690dd (every RuleViolated / Warning id in its ledger/) against today's rulebook: what was
# added since. Derived with `git archive 12690dd ledger` and a grep; every name is checked by JEJAK_RULES.
NEWER_COMPLIANCE = (
    "absence_penalty_band", "action_after_contract_end", "action_during_cltn", "action_past_bup",
    "annual_leave_in_long_leave_year", "annual_leave_service", "cltn_approval", "cltn_service", "cpns_probation_year",
    "dismissal_without_separation", "evaluator_active", "evaluator_is_plans", "kgb_every_two_years", "leave_overlap",
    "long_leave_cap", "maternity_leave_cap", "maternity_leave_child_order", "maternity_leave_female",
    "nik_matches_nip", "nip_gender_matches", "objection_decided_by_evaluator", "penalty_appeal_late",
    "penalty_appeal_path", "penalty_ended_early", "penyesuaian_ijazah_diploma", "penyesuaian_ijazah_recorded",
    "pns_without_latsar", "pppk_contract_period", "promotion_during_penalty", "promotion_education_ceiling",
    "promotion_four_years_in_rank", "promotion_jf_pak", "promotion_ujian_dinas", "promotion_under_examination",
    "sick_leave_cap", "unit_predikat_spread")
NEWER_VALIDATION = (  # cannot be switched off; none applies to a training or an annual leave
    "confirmation_of_a_cpns", "contract_for_pppk", "demotion_needs_a_lower_grade", "erasure_finds_data",
    "examination_closed_once", "kgb_tmt_first_day", "penalty_end_after_start", "penalty_has_a_period",
    "promotion_pns_only", "release_once", "review_names_finding", "review_once", "separation_kind_for_type",
    "unit_name_single_script", "unit_name_unique")
FILED_AT = "12690dd"


def filed_rules_file(where: Path) -> Path:
    """The JEJAK_RULES file that turns today's rulebook back into the one issue 17 was filed against."""
    path = where / "rules-when-issue-17-was-filed.toml"
    path.write_text("".join(f"[rules.{rule}]\nenabled = false\n" for rule in NEWER_COMPLIANCE), encoding="utf-8")
    return path


class _Context:
    """Every unit exists and no evaluator is appointed: the rules' lookups cost nothing here."""

    def __init__(self, rulebook: Any = None) -> None:
        self.rulebook = rulebook

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
    """CPU µs per `decide` and its stored findings, with the full rulebook and with the one issue 17 was filed
    against (`filed`), on an employee with a few years of trainings and leaves behind it."""
    with tempfile.TemporaryDirectory() as where:
        ledger = Ledger(f"sqlite:///{Path(where) / 'rules.db'}")
        filed = rulebook_from(filed_rules_file(Path(where)))
        try:
            ledger.record([*unit_bodies(), appointment(0)], "bench", batch=True)
            ledger.record([*(training(i, 0) for i in range(150)), *(_leave(0, date(2026, 1, 5) + timedelta(days=7 * w))
                                                                   for w in range(50))], "bench", batch=True)
            emp = ledger.aggregate("employee", nip(0))
            emp.state()
            out = []
            for name, body in bodies().items():
                req = parse_request(body, "bench", None, None)
                row: dict[str, Any] = {"type": name}
                for label, book in (("full", ledger.rulebook), ("filed", filed)):
                    start = time.process_time()
                    for _ in range(rounds):
                        book.stored(employee.decide(emp, name, req.data, req.meta, _Context(book)))
                    row[f"us_{label}"] = (time.process_time() - start) / rounds * 1e6
                out.append(row)
            return out
        finally:
            ledger.close()


EMPLOYEES = 50


def _leave(who: int, day: date) -> dict[str, Any]:
    return {"type": "LeaveGranted", "subject": nip(who),
            "data": {"kind": "tahunan", "start_date": day.isoformat(), "end_date": day.isoformat(), "days": 1}}


def _mixed(i: int) -> dict[str, Any]:
    """A lawful stream of the commonest records: three trainings to one annual leave, each on its own days."""
    if i % 4 != 3:
        return training(i, i % EMPLOYEES)
    return _leave(i % EMPLOYEES, date(2026, 1, 5) + timedelta(days=30 * (i // EMPLOYEES)))  # 6 a year each


def _bare_decide(emp: Any, type_: str, data: dict[str, Any], meta: dict[str, Any], ctx: Any) -> list[Any]:
    """`employee.decide` without the rulebook: only what any write needs (the stream exists)."""
    if emp is None and type_ != "EmployeeAppointed":
        raise NotFound("subject: not appointed", field="subject")
    return []


WAYS = ("none", "filed", "full")


@contextlib.contextmanager
def _ledgers(backend: str) -> Iterator[dict[str, Ledger]]:
    """One ledger per way, each on its own new database, with the same units and employees."""
    with contextlib.ExitStack() as stack:
        where = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        ledgers = {}
        for way in WAYS:
            url = stack.enter_context(database(backend))
            env = {"JEJAK_RULES": str(filed_rules_file(where))} if way == "filed" else None
            ledgers[way] = Ledger(url, clock=StepClock(), env=env)
            stack.callback(ledgers[way].close)
            ledgers[way].record([*unit_bodies(), *[appointment(i) for i in range(EMPLOYEES)]], "bench", batch=True)
        yield ledgers


def _timed_as(way: str, fn: Callable[[], Any]) -> float:
    saved = employee.decide
    if way == "none":
        employee.decide = _bare_decide  # the writer looks it up on the module at every call
    try:
        return timed(fn)
    finally:
        employee.decide = saved


def ingest(backend: str, events: int, batch: int, batches: int = 5) -> dict[str, dict[str, float]]:
    """Seconds each way spent recording `events` singly and `batches` batches of `batch`: with the full
    rulebook, with the rulebook issue 17 was filed against (`filed`, by JEJAK_RULES), or with none (`none`:
    the stream exists, nothing more). Interleaved: each tenth of the single events and each batch is recorded
    by the three ways in turn, the order rotating, so a shared machine's drifting load falls on all alike."""
    spent = {way: {"single": 0.0, "batch": 0.0} for way in WAYS}
    with _ledgers(backend) as ledgers:
        step = max(1, events // 10)
        for n, first in enumerate(range(0, events, step)):
            for way in WAYS[n % 3:] + WAYS[:n % 3]:
                spent[way]["single"] += _timed_as(way, lambda: [ledgers[way].record([_mixed(i)], "bench")
                                                                for i in range(first, min(first + step, events))])
        for n in range(batches):
            first = events + n * batch
            for way in WAYS[n % 3:] + WAYS[:n % 3]:
                spent[way]["batch"] += _timed_as(way, lambda: ledgers[way].record(
                    [_mixed(first + j) for j in range(batch)], "bench", batch=True))
    return spent


def compare(backend: str, events: int, batch: int = 1000, batches: int = 5) -> dict[str, float]:
    """The three ways in one round: events per second, and the full rulebook's slowdown in per cent over the
    rulebook issue 17 was filed against (the goal's figure) and over no rules at all (a stricter reading)."""
    spent = ingest(backend, events, batch, batches)
    counts = {"single": events, "batch": batch * batches}
    bare, filed, full = (spent[way] for way in ("none", "filed", "full"))
    out: dict[str, float] = {}
    for mode in ("single", "batch"):
        out[f"{mode}_with_rules_per_s"] = round(counts[mode] / full[mode], 1)
        out[f"{mode}_filed_rules_per_s"] = round(counts[mode] / filed[mode], 1)
        out[f"{mode}_without_rules_per_s"] = round(counts[mode] / bare[mode], 1)
        out[f"{mode}_slowdown_over_filed_pct"] = round(100 * (full[mode] / filed[mode] - 1), 1)
        out[f"{mode}_slowdown_pct"] = round(100 * (full[mode] / bare[mode] - 1), 1)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args(argv)
    rows = measure(args.rounds)
    table("Rulebook: CPU per decision (no database)", ["event type", "µs CPU, full", f"µs CPU, as at {FILED_AT}"],
          [[r["type"], f"{r['us_full']:.1f}", f"{r['us_filed']:.1f}"] for r in rows])
    ingest_cost = compare(args.backend, args.events)
    table(f"Rulebook: ingest on {args.backend} with and without it", ["figure", "value"],
          [[k, f"{v:g}"] for k, v in ingest_cost.items()])
    console.print(f"written {write_results('rulebook', {'results': rows, 'ingest': ingest_cost})}")


if __name__ == "__main__":
    main()
