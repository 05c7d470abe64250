"""`jejak demo` generation rate: plan, record through the ledger's rules, rebuild projections.

Baseline, same run: the same number of events as raw rows (JSON payloads) inserted into a plain
table on the same backend, in the same batch sizes, one transaction per batch.

    .venv/bin/python -m bench.demo [--employees 8000 --years 5 --seed 1] [--backend postgres] [--events N]

`--served` also times `jejak demo` + `jejak serve` to /healthz with the demo's own phase timings and
peak memory; `--only-served` times only that; `--no-releases` leaves the releases out of it
(`jejak demo --no-releases`), so the recording, read models and checkpoint are measured alone.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import time
from datetime import date
from typing import Any

import psycopg

from bench.common import console, database, sqlite_file, table, write_results
from api.demo.generator import generate
from api.demo.recording import DEMO_LEDGER_ENV, SimClock, batches, paused_gc, record, relax_sqlite_sync
from ledger.application import Ledger

EVENTS_PER_EMPLOYEE = 27  # about what five years of one ASN's career produce


def baseline(url: str, runs: list[list[str]]) -> float:
    """Seconds to insert the same payloads as plain rows, one transaction per batch."""
    start = time.perf_counter()
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sqlite_file(url) + ".raw")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, body TEXT)")
        for run in runs:
            with conn:
                conn.executemany("INSERT INTO raw (body) VALUES (?)", [(b,) for b in run])
        conn.close()
    else:
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE raw (id BIGSERIAL PRIMARY KEY, body JSONB)")
            conn.commit()
            for run in runs:
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO raw (body) VALUES (%s)", [(b,) for b in run])
                conn.commit()
    return time.perf_counter() - start


def served(backend: str, employees: int, years: int, port: int = 8765, releases: bool = True) -> dict[str, Any]:
    """`jejak demo` then `jejak serve` as a newcomer runs them (an empty database, a new key): seconds
    until /healthz answers, the demo's own phase timings (its summary line), and the demo process's
    peak memory (getrusage of the finished child). `releases=False` passes --no-releases."""
    import os
    import resource
    import subprocess
    import sys
    import tempfile
    import urllib.request
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="jejak-bench-served-") as tmp, database(backend) as url:
        url = url if backend == "postgres" else f"sqlite:///{Path(tmp) / 'jejak.db'}"
        env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(Path(tmp) / "signing.key"),
               "JEJAK_CONTACT_KEY": str(Path(tmp) / "contact.key")}
        cli = [sys.executable, "-c", "from api.cli import main; main()"]
        t0 = time.perf_counter()
        demo = subprocess.run([*cli, "demo", "--employees", str(employees), "--years", str(years),
                               *([] if releases else ["--no-releases"])], env=env, cwd=tmp,
                              check=True, stdout=subprocess.PIPE, text=True)
        demo_s = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        server = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=tmp,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                    break
                except OSError:
                    if server.poll() is not None or time.perf_counter() - t0 > 900:
                        raise RuntimeError("jejak serve did not answer /healthz") from None
                    time.sleep(0.1)
            total_s = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait(timeout=30)
    phases = {name: float(s) for name, s in PHASE.findall(demo.stdout)}
    return {"demo_s": round(demo_s, 2), "served_s": round(total_s, 2), "serve_ready_s": round(total_s - demo_s, 2),
            "peak_mb": round(peak_mb), "releases": releases, "phases_s": phases}


PHASE = re.compile(r"(planned|recorded|read models|releases|checkpoint and token) in ([0-9.]+) s")


def main() -> None:
    """Long because it is the CLI: its options, then the runs they ask for, each printed as a table row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=8000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=int, default=None, help="approximate size in events (sets --employees)")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-projections", action="store_true")
    parser.add_argument("--served", action="store_true",
                        help="also time `jejak demo` + `jejak serve` to /healthz at --employees/--years, peak memory")
    parser.add_argument("--only-served", action="store_true",
                        help="time only `jejak demo` + `jejak serve` (--served without the in-process steps)")
    parser.add_argument("--no-releases", action="store_true",
                        help="--served runs `jejak demo --no-releases` (the releases are timed on their own)")
    args = parser.parse_args()
    if args.only_served:
        result = served(args.backend, args.employees, args.years, releases=not args.no_releases)
        console.print(result)
        console.print(f"results: {write_results('demo_served', {'backend': args.backend, 'employees': args.employees, 'years': args.years, **result})}")
        return
    employees = max(200, args.events // EVENTS_PER_EMPLOYEE) if args.events else args.employees
    with database(args.backend) as url:
        t0 = time.perf_counter()
        pause = paused_gc()  # as `jejak demo` plans and records
        pause.__enter__()
        world = generate(employees, args.years, args.seed, date.today())
        events = world.plan.ordered()
        plan_s = time.perf_counter() - t0
        clock = SimClock()
        ledger = Ledger(url, clock=clock, env=DEMO_LEDGER_ENV)
        relax_sqlite_sync(ledger)
        calls = sum(1 for _ in batches(events))
        with console.status(f"recording {len(events):,} events in {calls:,} batches..."):
            kept: list = []  # as `jejak demo` keeps them for its read models
            if not args.no_projections:
                from projections.source import recorded as as_events

                ledger.on_recorded = lambda recordings: kept.extend(as_events(recordings))
            t1 = time.perf_counter()
            positions = record(ledger, clock, events, lambda n: None)
            ledger.on_recorded = None
            record_s = time.perf_counter() - t1
        pause.__exit__(None, None, None)
        project_s = None
        if not args.no_projections:
            from projections.runner import Projections
            t2 = time.perf_counter()
            Projections(url).rebuild(ledger, progress=False, recorded=kept)
            kept.clear()
            project_s = time.perf_counter() - t2
        ledger.close()
        runs = [[json.dumps(e.body) for e, _ in run] for _, run in batches(events)]
        raw_s = baseline(url, runs)
    total = plan_s + record_s + (project_s or 0)
    rows = [
        ["plan (generate in memory)", f"{len(events):,} events", f"{plan_s:.1f} s", f"{len(events) / plan_s:,.0f}/s"],
        ["record through the bulk path", f"{positions:,} positions", f"{record_s:.1f} s",
         f"{positions / record_s:,.0f}/s"],
        ["rebuild projections", f"{positions:,} events", f"{project_s:.1f} s" if project_s else "skipped",
         f"{positions / project_s:,.0f}/s" if project_s else "-"],
        ["baseline: raw INSERT, same batches", f"{len(events):,} rows", f"{raw_s:.1f} s",
         f"{len(events) / raw_s:,.0f}/s"],
        ["jejak demo in total", "", f"{total:.1f} s", f"{positions / total:,.0f}/s"],
    ]
    table(f"jejak demo --employees {employees} --years {args.years} on {args.backend} ({calls:,} batches)",
          ["step", "size", "time", "rate"], rows)
    path = write_results("demo" if args.backend == "sqlite" else "demo_postgres", {
        "backend": args.backend, "employees": employees, "years": args.years, "seed": args.seed,
        "events_planned": len(events), "positions": positions, "batches": calls,
        "plan_s": round(plan_s, 2), "record_s": round(record_s, 2), "record_events_per_s": round(positions / record_s),
        "projections_s": round(project_s, 2) if project_s else None, "total_s": round(total, 2),
        "baseline_raw_insert_s": round(raw_s, 2), "baseline_rows_per_s": round(len(events) / raw_s),
        "events_by_type": dict(world.plan.counts()),
        "served": served(args.backend, args.employees, args.years, releases=not args.no_releases)
        if args.served else None,
    })
    console.print(f"results: {path}")


if __name__ == "__main__":
    main()
