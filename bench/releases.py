"""Public statistics releases: the time to compute one release and to audit it (issue 16), on `jejak demo` data.

Compute: read every employee, ticket and unit stream as of the release's freeze and count the
period's people (`projections.releases.figures`). Audit: primary suppression, complements until
every suppressed cell is protected, then the gate that solves every suppressed cell again
(`disclosure.protect` and `disclosure.check`, HiGHS). Baseline, same run: reading every employee
stream once (`ledger.aggregate`), what any recount of the people must at least do.

    .venv/bin/python -m bench.releases [--employees 8000 --years 2] [--backend postgres] [--period 2025]
    .venv/bin/python -m bench --only releases [--backends sqlite] [--repeat 1]   (the section of `make bench`)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import console, database, table


def load_demo(url: str, employees: int, years: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jejak-bench-releases-") as tmp:
        env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(Path(tmp) / "signing.key")}
        done = subprocess.run([str(Path(sys.executable).parent / "jejak"), "demo", "--employees", str(employees),
                               "--years", str(years), "--no-releases"], env=env, cwd=tmp)
        if done.returncode != 0:
            raise SystemExit("jejak demo failed; see its output above")


def measure(url: str, period: str) -> dict[str, float | int]:
    from ledger.application import Ledger
    from projections.releases import Period
    from projections.releases.disclosure import check, primary, protect
    from projections.releases.figures import Source, figures
    from projections.runner import Projections

    # The baseline and the release each read through a fresh Ledger: its aggregate cache would otherwise
    # hand the release every stream the baseline had just read.
    baseline, ledger, projections = Ledger(url), Ledger(url), Projections(url)
    try:
        nips = Source(baseline, projections.engine).keys()[0]
        t0 = time.perf_counter()
        for nip in nips:
            baseline.aggregate("employee", nip)
        baseline_s = time.perf_counter() - t0
        baseline.close()
        t1 = time.perf_counter()
        content = figures(Source(ledger, projections.engine), Period(period))
        t2 = time.perf_counter()
        points: list = []
        hidden = protect(content, [], points)
        t3 = time.perf_counter()
        bad = check(content, hidden, [], points)
        t4 = time.perf_counter()
    finally:
        projections.close()
        ledger.close()
    return {"employees": len(nips), "baseline_read_streams_s": round(baseline_s, 2), "compute_s": round(t2 - t1, 2),
            "protect_s": round(t3 - t2, 2), "gate_s": round(t4 - t3, 2), "primary": len(primary(content)),
            "suppressed": len(hidden), "unprotected": len(bad)}


def figures_of(out: dict[str, float | int]) -> dict[str, float]:
    """The figures `make bench` reports: one release computed and audited, in seconds, beside the baseline."""
    release_s = out["compute_s"] + out["protect_s"] + out["gate_s"]
    return {"release_compute_and_audit_s": round(release_s, 2), "compute_s": out["compute_s"],
            "audit_protect_s": out["protect_s"], "audit_gate_s": out["gate_s"],
            "baseline_read_streams_s": out["baseline_read_streams_s"],
            "release_over_baseline": round(release_s / max(out["baseline_read_streams_s"], 1e-9), 2),
            "suppressed_cells": out["suppressed"], "unprotected_cells": out["unprotected"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--employees", type=int, default=8000)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--period", default=str(time.gmtime().tm_year - 1), help="a year or a month (default last year)")
    args = ap.parse_args()
    with database(args.backend) as url:
        console.print(f"[bold]jejak demo[/] --employees {args.employees} --years {args.years} on {args.backend}")
        load_demo(url, args.employees, args.years)
        out = measure(url, args.period)
    table(f"release {args.period}, {out['employees']:,} ASN, {args.backend}", ["measure", "value"],
          [[k, str(v)] for k, v in out.items()])


if __name__ == "__main__":
    main()
