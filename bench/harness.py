"""`make bench`: every benchmark on SQLite and PostgreSQL, one summary table and the goals.

    .venv/bin/python -m bench                      # the full run (about 45 minutes on 2 cores)
    .venv/bin/python -m bench --quick              # a smoke run at tiny sizes (about a minute)
    .venv/bin/python -m bench --only ingest,http --backends sqlite --repeat 5
    .venv/bin/python -m bench --growth-sizes "sqlite=10000,100000,1000000;postgres=10000,100000" --keep

Each section runs --repeat times per backend; every figure is the median of its repeats and
is measured beside its baseline (raw sqlite3/psycopg, the bare eventsourcing application, the
raw read of the log) in the same round of the same process. Ratios are medians of the
per-round ratios. Results: bench/results/summary.json (and each section's own JSON); a full
run (or --docs PATH) also rewrites the marked section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg

from bench import common, sections, sections_extra
from bench.common import PG_ADMIN, console, table, write_results
from bench.goals import goals
from bench.report import DOCS, GOAL_COLUMNS, docs_section, goal_cells, growth_rows, summary_rows, write_docs

SECTIONS = ("ingest", "rulebook", "http", "projections", "reads", "personal", "integrity", "growth", "demo", "portal",
            "access_log", "releases", "replica", "console")
BACKENDS = ("sqlite", "postgres")

# Sizes: the full run, and --quick (a smoke test: every code path, figures meaningless).
FULL = {"ingest_single": 1000, "ingest_batch": 5000, "http_single": 1000, "http_batches": 3, "http_batch": 1000,
        "projection_events": 30000, "read_events": 1000, "reads": 100, "integrity_events": 50000,
        "proof_samples": 1000, "growth_sizes": [10_000, 100_000, 1_000_000], "growth_samples": 200,
        "growth_employees": 8000, "growth_career": 1000, "demo_employees": 500, "portal_employees": 500,
        "demo_served": (8000, 5), "portal_requests": 30, "personal_appends": 500, "personal_reads": 500,
        "access_reads": 300, "release_employees": 8000, "replica_events": 50_000, "replica_samples": 300,
        "console_events": 1000, "console_requests": 30, "console_inbox_events": 1_000_000}
QUICK = {"ingest_single": 20, "ingest_batch": 200, "http_single": 20, "http_batches": 1, "http_batch": 100,
         "projection_events": 300, "read_events": 60, "reads": 5, "integrity_events": 1000,
         "proof_samples": 20, "growth_sizes": [1000, 2000], "growth_samples": 5,
         "growth_employees": 50, "growth_career": 60, "demo_employees": 200, "portal_employees": 200,
         "portal_requests": 3, "personal_appends": 10, "personal_reads": 10, "access_reads": 12,
         "release_employees": 200, "replica_events": 2000, "replica_samples": 5,
         "console_events": 100, "console_requests": 3, "console_inbox_events": 2000}


def machine() -> dict[str, Any]:
    """What the figures were measured on (and how busy it was)."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            pg = c.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as exc:
        pg = f"unreachable ({exc.__class__.__name__})"
    from importlib.metadata import version

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(), "sqlite": sqlite3.sqlite_version,
            "postgresql": pg, "eventsourcing": version("eventsourcing"), "sqlalchemy": version("sqlalchemy"),
            "load_average": list(os.getloadavg())}


def parse_growth_sizes(text: str) -> Any:
    """'10000,100000' or 'sqlite=10000,100000,1000000;postgres=10000,100000'."""
    if "=" not in text:
        return [int(s) for s in text.split(",")]
    out = {}
    for part in text.split(";"):
        backend, sizes = part.split("=", 1)
        out[backend.strip()] = [int(s) for s in sizes.split(",")]
    return out


def options() -> argparse.ArgumentParser:
    """The command's options, as `python -m bench --help` shows them."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test of every section")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite, postgres")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per section; figures are their medians")
    parser.add_argument("--growth-sizes", help="e.g. 10000,100000,1000000 or "
                        "'sqlite=10000,100000,1000000;postgres=10000,100000'")
    parser.add_argument("--keep", action="store_true", help="growth: cache each size's database for reruns")
    parser.add_argument("--docs", type=Path, help="rewrite the marked section of this file (a full run: "
                        "docs/PERFORMANCE.md)")
    parser.add_argument("--note", default="", help="a sentence for the docs, e.g. that the machine was shared")
    parser.add_argument("--results", type=Path, help="directory for the JSON (default bench/results)")
    return parser


def run_sections(only: list[str], backends: list[str], size: dict[str, Any],
                 args: argparse.Namespace) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Each chosen section on each backend, in SECTIONS order; every result carries its seconds."""
    results: dict[str, dict[str, Any]] = {b: {} for b in backends}
    timings: dict[str, float] = {}
    for name in [s for s in SECTIONS if s in only]:
        for backend in backends:
            console.rule(f"[bold]{name}[/] on {backend}")
            s0 = time.perf_counter()
            fn = getattr(sections_extra, name, None) or getattr(sections, name)
            if name in ("demo", "portal"):  # their own JSON stays out of bench/results (it holds full-size runs)
                with tempfile.TemporaryDirectory(prefix=f"jejak-bench-{name}-") as tmp:
                    out = fn(backend, size, args.repeat, Path(tmp))
            elif name == "growth":
                out = fn(backend, size, args.repeat, args.keep)
            else:
                out = fn(backend, size, args.repeat)
            timings[f"{name}/{backend}"] = round(time.perf_counter() - s0, 1)
            out["seconds"] = timings[f"{name}/{backend}"]
            results[backend][name] = out
    return results, timings


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = options()
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    for b in backends:
        if b not in BACKENDS:
            parser.error(f"--backends: {b!r} is not one of {', '.join(BACKENDS)}")
    for s in only:
        if s not in SECTIONS:
            parser.error(f"--only: {s!r} is not one of {', '.join(SECTIONS)}")
    if args.repeat < 1:
        parser.error("--repeat: at least 1")
    size = dict(QUICK if args.quick else FULL)
    if args.growth_sizes:
        try:
            size["growth_sizes"] = parse_growth_sizes(args.growth_sizes)
            # explicit sizes get the real city (8,000 employees, the 1,000-event career), even with --quick
            size.update({k: FULL[k] for k in ("growth_samples", "growth_employees", "growth_career")})
        except ValueError:
            parser.error("--growth-sizes: numbers like 10000,100000, optionally per backend: "
                         "'sqlite=10000,100000;postgres=10000'")
    if args.results:
        os.environ["JEJAK_BENCH_RESULTS"] = str(args.results)
        common.RESULTS = args.results
    docs = args.docs if args.docs else (None if args.quick or argv is not None else DOCS)

    started, t0 = datetime.now(timezone.utc).isoformat(timespec="seconds"), time.perf_counter()
    info = machine()
    results, timings = run_sections(only, backends, size, args)
    goal_rows = goals(results)
    summary = {"started": started, "mode": "quick" if args.quick else "full",
               "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
               "repeat": args.repeat, "duration_s": round(time.perf_counter() - t0, 1), "seconds": timings,
               "machine": info, "load_average_end": list(os.getloadavg()), "note": args.note,
               "sizes": size, "results": results, "goals": goal_rows}

    table("Every figure (median of rounds; rates in events/s)", ["section", "backend", "figure", "value"],
          summary_rows(results))
    cols, grows = growth_rows(results)
    if grows:
        table("Growth (p50 / p99 ms)", cols, grows)
    console.print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; load average "
                  f"{info['load_average'][0]:.2f} at start, {os.getloadavg()[0]:.2f} now (a shared machine: rough)")
    table("Goals", GOAL_COLUMNS, [goal_cells(g) for g in goal_rows])
    path = write_results("summary", summary)
    console.print(f"written {path} in {summary['duration_s'] / 60:.1f} min")
    if docs is not None:
        write_docs(docs, docs_section(summary))
        console.print(f"rewrote the bench section of {docs}")
    return summary
