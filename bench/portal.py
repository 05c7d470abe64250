"""Public portal: page and JSON latency and size on `jejak demo` data, beside reading the same rows raw.

Baseline, same run: `SELECT unit, name, stats FROM proj_public_unit` (every unit's published
aggregates) with the JSON decoded, on the same backend: what any page must at least read.
Pages are requested in-process (Flask test client), so network time is left out of both.

    .venv/bin/python -m bench.portal [--employees 2000 --years 2] [--backend postgres] [--requests 50]
                                     [--events N  (sizes the demo to about N ledger events)]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench.common import console, database, progress, summary_ms, table, timed, write_results

EVENTS_PER_EMPLOYEE_YEAR = 7  # what `jejak demo` records on average (units, budgets and feedback included)


def load_demo(url: str, employees: int, years: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jejak-bench-portal-") as tmp:
        env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(Path(tmp) / "signing.key")}
        jejak = Path(sys.executable).parent / "jejak"
        done = subprocess.run([str(jejak), "demo", "--employees", str(employees), "--years", str(years)],
                              env=env, cwd=tmp)
        if done.returncode != 0:
            raise SystemExit("jejak demo failed; see its output above")


def arguments() -> argparse.Namespace:
    """The command's options; --events becomes a number of employees."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--employees", type=int, default=2000)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--requests", type=int, default=50, help="requests per page")
    ap.add_argument("--events", type=int, help="size the demo to about this many ledger events")
    args = ap.parse_args()
    if args.events:
        args.employees = max(200, args.events // (EVENTS_PER_EMPLOYEE_YEAR * args.years))
    return args


def main() -> None:
    args = arguments()
    with database(args.backend) as url, tempfile.TemporaryDirectory() as keys:
        console.print(f"[bold]jejak demo[/] --employees {args.employees} --years {args.years} on {args.backend}")
        load_demo(url, args.employees, args.years)
        from api import create_app

        app = create_app({"DATABASE_URL": url, "CONTACT_KEY_PATH": Path(keys) / "contact.key",
                          "PUBLIC_READ_RATE": "1000000/60", "PUBLIC_FEEDBACK_RATE": "1000000/60"})
        services = app.extensions["jejak"]
        client = app.test_client()
        head = services.ledger.head()
        units = client.get("/v1/public/units").json["items"]
        biggest = max(units, key=lambda u: u["headcount"]["total"] if isinstance(u["headcount"]["total"], int) else 0)
        engine = services.projections.engine
        rows: list[list[object]] = []
        results: dict[str, object] = {}

        def raw() -> None:
            with engine.connect() as conn:
                for r in conn.execute(sa.text("SELECT unit, name, stats FROM proj_public_unit")):
                    json.loads(r.stats) if isinstance(r.stats, str) else r.stats

        samples = [timed(raw) for _ in range(args.requests)]
        results["baseline_raw_select"] = summary_ms(samples)
        rows.append(["baseline: SELECT proj_public_unit", "-", f"{len(units)} rows", *summary_ms(samples).values()])
        feedback = {"classification": "aspirasi", "unit": biggest["code"], "message": "Tambah jam layanan",
                    "anonymous": True}
        cases = [("GET", "/"), ("GET", f"/opd/{biggest['code']}"), ("GET", "/v1/public/units"),
                 ("GET", f"/v1/public/units/{biggest['code']}"), ("GET", "/masukan"),
                 ("POST", "/v1/public/feedback")]
        with progress() as bar:
            task = bar.add_task("requests", total=len(cases) * args.requests)
            for method, path in cases:
                sizes, times = [], []
                for _ in range(args.requests):
                    def call() -> None:
                        resp = client.post(path, json=feedback) if method == "POST" else client.get(path)
                        assert resp.status_code in (200, 201), (path, resp.status_code)
                        sizes.append(len(resp.data))
                    times.append(timed(call))
                    bar.advance(task)
                stats = summary_ms(times)
                results[f"{method} {path}"] = {**stats, "bytes": max(sizes)}
                rows.append([f"{method} {path}", f"{max(sizes) / 1024:.1f} KB", "", *stats.values()])
        services.close()

    table(f"Portal on {args.backend}: {len(units)} OPD, {head} ledger events", 
          ["request", "size", "rows", "p50 ms", "p99 ms", "mean ms", "n"], rows)
    path = write_results("portal", {"backend": args.backend, "employees": args.employees, "years": args.years,
                                    "ledger_events": head, "units": len(units), "results": results})
    console.print(f"written {path}")


if __name__ == "__main__":
    main()
