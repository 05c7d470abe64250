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
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import psycopg

from bench import common
from bench.common import PG_ADMIN, console, database, table, write_results

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
SECTIONS = ("ingest", "http", "projections", "reads", "integrity", "growth", "demo", "portal")
BACKENDS = ("sqlite", "postgres")

# Sizes: the full run, and --quick (a smoke test: every code path, figures meaningless).
FULL = {"ingest_single": 1000, "ingest_batch": 5000, "http_single": 1000, "http_batches": 3, "http_batch": 1000,
        "projection_events": 30000, "read_events": 1000, "reads": 100, "integrity_events": 50000,
        "proof_samples": 1000, "growth_sizes": [10_000, 100_000, 1_000_000], "growth_samples": 200,
        "growth_employees": 8000, "growth_career": 1000, "demo_employees": 500, "portal_employees": 500,
        "portal_requests": 30}
QUICK = {"ingest_single": 20, "ingest_batch": 200, "http_single": 20, "http_batches": 1, "http_batch": 100,
         "projection_events": 300, "read_events": 60, "reads": 5, "integrity_events": 1000,
         "proof_samples": 20, "growth_sizes": [1000, 2000], "growth_samples": 5,
         "growth_employees": 50, "growth_career": 60, "demo_employees": 200, "portal_employees": 200,
         "portal_requests": 3}


def median(values: list[float]) -> float:
    return statistics.median(values)


def rounds(repeat: int, fn: Callable[[int], dict[str, float]]) -> dict[str, Any]:
    """Run fn(round) `repeat` times; each key's median, and every round's values."""
    runs = [fn(r) for r in range(repeat)]
    keys = runs[0].keys()
    return {"median": {k: median([r[k] for r in runs]) for k in keys}, "rounds": runs}


# --- sections: each returns {"figures": {...}, ...} for one backend ------------------------------------

def ingest(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Raw inserts, bare eventsourcing and Ledger.record, single and batch; and batches with projections."""
    from bench import ingest as ing
    from ledger.application import Ledger
    from projections.runner import Projections

    single, batched, batch = size["ingest_single"], size["ingest_batch"], 1000

    def one(_: int) -> dict[str, float]:
        with database(backend) as url:
            t_jejak, rows, payloads = ing.jejak(url, single, min(batch, batched), batched)
        with database(backend) as url:
            t_es = ing.bare(url, payloads, min(batch, batched), single=single)
        rr = ing.raw_rows(rows)
        with database(backend) as url:
            raw = ing.raw_sqlite if backend == "sqlite" else ing.raw_postgres
            t_raw = raw(url, rr, min(batch, batched), single_rows=single)
        with database(backend) as url:  # batches that also bring all read models up to date
            ledger, projections = Ledger(url, clock=common.StepClock()), Projections(url)
            try:
                ledger.record(common.unit_bodies(), "bench", batch=True)
                ledger.record([common.appointment(i) for i in range(ing.EMPLOYEES)], "bench", batch=True)
                projections.catch_up(ledger)
                t0 = time.perf_counter()
                for start in range(0, batched, batch):
                    n = min(batch, batched - start)
                    ledger.record([common.training(start + j, (start + j) % ing.EMPLOYEES) for j in range(n)],
                                  "bench", batch=True)
                    projections.catch_up(ledger)
                t_proj = time.perf_counter() - t0
            finally:
                projections.close()
                ledger.close()
        out = {"raw_single_per_s": single / t_raw["single"], "raw_batch_per_s": batched / t_raw["batch"],
               "es_single_per_s": single / t_es["single"], "es_batch_per_s": batched / t_es["batch"],
               "jejak_single_per_s": single / t_jejak["single"], "jejak_batch_per_s": batched / t_jejak["batch"],
               "jejak_batch_projected_per_s": batched / t_proj}
        out["batch_projected_over_raw"] = out["jejak_batch_projected_per_s"] / out["raw_batch_per_s"]
        out["batch_over_raw"] = out["jejak_batch_per_s"] / out["raw_batch_per_s"]
        out["single_over_es"] = out["jejak_single_per_s"] / out["es_single_per_s"]
        return out

    r = rounds(repeat, one)
    return {"params": {"single": single, "batch_events": batched, "batch": min(batch, batched),
                       "row_bytes": "as Jejak stores them"}, "figures": r["median"], "rounds": r["rounds"]}


def http(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """HTTP appends (4 clients; batches) beside the bare library and Ledger.record in-process."""
    from bench import http as h

    events, batches, batch = size["http_single"], size["http_batches"], size["http_batch"]

    def one(_: int) -> dict[str, float]:
        with database(backend) as url:
            es = h.bare(url, events, batches, batch)
        with database(backend) as url:
            direct = h.in_process(url, events, batches, batch)
        with database(backend) as url:
            web = h.over_http(url, events, batches, None, 8, batch)
        out = {"es_single_per_s": es["single"]["events_per_s"], "es_batch_per_s": es["batch"]["events_per_s"],
               "ledger_single_per_s": direct["single"]["events_per_s"],
               "ledger_batch_per_s": direct["batch"]["events_per_s"],
               "http_single_per_s": web["single"]["events_per_s"], "http_batch_per_s": web["batch"]["events_per_s"],
               "http_single_p50_ms": web["single"]["p50_ms"], "http_single_p99_ms": web["single"]["p99_ms"]}
        out["http_single_over_es_single"] = out["http_single_per_s"] / out["es_single_per_s"]
        out["http_batch_over_es_batch"] = out["http_batch_per_s"] / out["es_batch_per_s"]
        return out

    r = rounds(repeat, one)
    return {"params": {"single": events, "clients": h.CLIENTS, "batches": batches, "batch": batch},
            "figures": r["median"], "rounds": r["rounds"]}


def projections(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Rebuild of all read models beside the raw read-and-decode rate of the log, on one database."""
    from bench import projections as p
    from ledger.application import Ledger
    from projections.runner import Projections

    with database(backend) as url:
        ledger = Ledger(url)
        t0 = time.perf_counter()
        with console.status(f"{backend}: recording about {size['projection_events']:,} events"):
            p.fill(ledger, size["projection_events"])
        record_s = time.perf_counter() - t0
        head = ledger.head()
        views = Projections(url)
        try:
            def one(_: int) -> dict[str, float]:
                raw = p.raw_rate(ledger)
                t0 = time.perf_counter()
                views.rebuild(ledger)
                rebuild = head / (time.perf_counter() - t0)
                t0 = time.perf_counter()
                views.rebuild(ledger, workers=2)
                rebuild2 = head / (time.perf_counter() - t0)
                return {"raw_read_decode_per_s": raw, "rebuild_per_s": rebuild, "rebuild_2_workers_per_s": rebuild2,
                        "rebuild_over_raw": max(rebuild, rebuild2) / raw}
            r = rounds(repeat, one)
        finally:
            views.close()
            ledger.close()
    return {"params": {"events": head, "record_events_per_s": round(head / record_s)}, "figures": r["median"],
            "rounds": r["rounds"]}


def reads(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Current, as_of, valid_at of one employee with --read-events events, beside raw SELECTs."""
    from bench import reads as rd

    def one(_: int) -> dict[str, float]:
        lat = rd.measure(backend, size["read_events"], size["reads"])["latency"]
        out = {}
        for name, s in lat.items():
            key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
            out[f"{key}_p50_ms"], out[f"{key}_p99_ms"] = s["p50_ms"], s["p99_ms"]
        return out

    r = rounds(repeat, one)
    return {"params": {"events": size["read_events"], "reads": size["reads"]}, "figures": r["median"],
            "rounds": r["rounds"]}


def integrity(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """jejak verify (1 process and 2 workers) beside the raw read of the log; proof latencies."""
    from bench import integrity as it
    from ledger.application import Ledger
    from ledger.integrity.checkpoints import Checkpointer, create_key_file
    from ledger.integrity.tree import StoredTree

    events = max(1000, size["integrity_events"] // 1000 * 1000)
    with database(backend) as url, tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(url, clock=common.StepClock())
        try:
            record_s = it.fill(ledger, events)
            key = Path(tmp) / "bench.key"
            create_key_file(key)
            checkpointer = Checkpointer(ledger.recorder, key)
            checkpointer.issue()
            total = ledger.head()
            anchors = [checkpointer.key().public_key()]

            def one(_: int) -> dict[str, float]:
                raw_s = it.raw_read(ledger, total)
                decode_s = it.decoding_read(ledger, total)
                verify_s = it.timed_verify(ledger, url, anchors, 1, f"verify {backend}")
                parallel_s = it.timed_verify(ledger, url, anchors, 2, f"verify {backend} x2")
                proofs = it.proofs(StoredTree(ledger.recorder), total, size["proof_samples"])
                out = {"raw_read_per_s": total / raw_s, "read_decode_per_s": total / decode_s,
                       "verify_per_s": total / verify_s, "verify_2_workers_per_s": total / parallel_s,
                       "inclusion_p50_ms": proofs["inclusion"]["p50_ms"],
                       "inclusion_p99_ms": proofs["inclusion"]["p99_ms"],
                       "consistency_p50_ms": proofs["consistency"]["p50_ms"],
                       "consistency_p99_ms": proofs["consistency"]["p99_ms"]}
                out["verify_over_raw"] = max(out["verify_per_s"], out["verify_2_workers_per_s"]) / out["raw_read_per_s"]
                return out
            r = rounds(repeat, one)
        finally:
            ledger.close()
    return {"params": {"events": total, "record_events_per_s": round(total / record_s)}, "figures": r["median"],
            "rounds": r["rounds"]}


def growth(backend: str, size: dict[str, Any], repeat: int, keep: bool = False) -> dict[str, Any]:
    from bench import growth as g

    sizes = size["growth_sizes"][backend] if isinstance(size["growth_sizes"], dict) else size["growth_sizes"]
    r = g.run(backend, sizes, size["growth_samples"], repeat, keep, employees=size["growth_employees"],
              career_events=size["growth_career"])
    last = r["points"][-1]
    figures = {}
    for name, s in last["latency"].items():
        key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        figures[f"{key}_p50_ms"], figures[f"{key}_p99_ms"] = s["p50_ms"], s["p99_ms"]
    return {"params": {"sizes": sizes, "samples": size["growth_samples"], "employees": size["growth_employees"],
                       "career_events": size["growth_career"]},
            "figures": figures, "largest": last["events"], **r}


def demo(backend: str, size: dict[str, Any], repeat: int, results: Path) -> dict[str, Any]:
    """`jejak demo` generation, record and rebuild rates beside raw inserts of the same bodies (one round)."""
    env = {**os.environ, "JEJAK_BENCH_RESULTS": str(results)}
    argv = ["--employees", str(size["demo_employees"]), "--years", "2", "--backend", backend]
    if subprocess.run([sys.executable, "-m", "bench.demo", *argv], cwd=ROOT, env=env).returncode:
        raise RuntimeError(f"python -m bench.demo {' '.join(argv)} failed; see its output above")
    d = json.loads((results / ("demo.json" if backend == "sqlite" else "demo_postgres.json")).read_text())
    figures = {"record_per_s": d["record_events_per_s"], "baseline_rows_per_s": d["baseline_rows_per_s"],
               "record_over_raw": d["record_events_per_s"] / d["baseline_rows_per_s"]}
    if d.get("projections_s"):
        figures["rebuild_per_s"] = d["positions"] / d["projections_s"]
    return {"params": {"employees": d["employees"], "years": d["years"], "positions": d["positions"]},
            "figures": figures}


def portal(backend: str, size: dict[str, Any], repeat: int, results: Path) -> dict[str, Any]:
    """Public portal pages beside a raw SELECT of the rows they show (one round)."""
    env = {**os.environ, "JEJAK_BENCH_RESULTS": str(results)}
    argv = ["--employees", str(size["portal_employees"]), "--years", "2", "--backend", backend,
            "--requests", str(size["portal_requests"])]
    if subprocess.run([sys.executable, "-m", "bench.portal", *argv], cwd=ROOT, env=env).returncode:
        raise RuntimeError(f"python -m bench.portal {' '.join(argv)} failed; see its output above")
    d = json.loads((results / "portal.json").read_text())
    figures = {}
    for name, s in d["results"].items():
        key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        figures[f"{key}_p50_ms"], figures[f"{key}_p99_ms"] = s["p50_ms"], s["p99_ms"]
    return {"params": {"ledger_events": d["ledger_events"], "units": d["units"]}, "figures": figures}


# --- goals -------------------------------------------------------------------------------------------

def goals(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per goal and backend: target, reached, ratio (fraction of the goal, >= 1 is met), met.

    Throughput goals are a rate over its same-round baseline (reached, "x"); ratio = reached / target.
    Latency goals are a p99 at the largest growth size (reached, "ms"); ratio = target / reached.
    Flatness goals compare p50 at the largest and smallest growth size (reached, "x"); flat is at
    most 1.35x (what noise gives on a shared machine); ratio = 1.35 / reached.
    """
    rows = []

    def add(backend: str, goal: str, target: float, reached: float | None, unit: str, higher: bool,
            source: str) -> None:
        if reached is None:
            return
        ratio = reached / target if higher else (target / reached if reached > 0 else float("inf"))
        rows.append({"backend": backend, "goal": goal, "target": f"{'>=' if higher else '<='} {target:g} {unit}",
                     "target_value": target, "reached": round(reached, 4), "unit": unit, "ratio": round(ratio, 3),
                     "met": ratio >= 1, "source": source})

    for backend, sections in results.items():
        f = {name: s.get("figures", {}) for name, s in sections.items() if isinstance(s, dict)}
        if "ingest" in f:
            add(backend, "batch ingest with integrity + projections vs raw insert", 0.25,
                f["ingest"]["batch_projected_over_raw"], "x", True, "ingest")
        if "http" in f:
            add(backend, "single HTTP append vs bare library single save", 0.5,
                f["http"]["http_single_over_es_single"], "x", True, "http")
        if "projections" in f:
            add(backend, "projection rebuild vs raw read + decode", 0.5, f["projections"]["rebuild_over_raw"], "x",
                True, "projections")
        if "integrity" in f:
            add(backend, "verify vs raw read", 0.5, f["integrity"]["verify_over_raw"], "x", True, "integrity")
        if "growth" in sections:
            g = sections["growth"]
            n = g["largest"]
            lat = g["points"][-1]["latency"]
            audit = max(lat[k]["p99_ms"] for k in ("audit by actor", "audit by subject", "audit by unit + day"))
            replay = max(lat[k]["p99_ms"] for k in ("as_of", "valid_at"))
            proof = max(lat[k]["p99_ms"] for k in ("inclusion proof", "consistency proof"))
            add(backend, f"audit query p99 at {n:,} events", 10, audit, "ms", False, "growth")
            add(backend, f"as_of / valid_at p99 at {n:,} events", 5, replay, "ms", False, "growth")
            add(backend, f"proof p99 at {n:,} events", 5, proof, "ms", False, "growth")
            if len(g["points"]) > 1:
                first = g["points"][0]
                span = f"{first['events']:,} to {n:,}"
                for goal, keys in (("audit query", ("audit by actor", "audit by subject", "audit by unit + day")),
                                   ("as_of / valid_at", ("as_of", "valid_at")),
                                   ("proofs", ("inclusion proof", "consistency proof"))):
                    x = max(lat[k]["p50_ms"] / first["latency"][k]["p50_ms"] for k in keys)
                    add(backend, f"{goal} flat from {span} (p50 growth)", 1.35, x, "x", False, "growth")
    return rows


# --- reporting ---------------------------------------------------------------------------------------

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


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def summary_rows(results: dict[str, dict[str, Any]]) -> list[list[str]]:
    rows = []
    for backend, sections in results.items():
        for name, s in sections.items():
            for k, v in s.get("figures", {}).items():
                rows.append([name, backend, k, fmt(v)])
    return rows


def growth_rows(results: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    sizes: list[int] = []
    for sections in results.values():
        if "growth" in sections:
            sizes = sorted(set(sizes) | {p["events"] for p in sections["growth"]["points"]})
    rows = []
    for backend, sections in results.items():
        if "growth" not in sections:
            continue
        r = sections["growth"]
        by_size = {p["events"]: p for p in r["points"]}
        for name in r["points"][0]["latency"]:
            cells = [f"{by_size[s]['latency'][name]['p50_ms']:.2f} / {by_size[s]['latency'][name]['p99_ms']:.2f}"
                     if s in by_size else "-" for s in sizes]
            sl = r["slopes"].get(name)
            growth = f"{sl['p50']['growth']} (x{sl['p50']['x']})" if sl else "-"
            rows.append([backend, name, *cells, growth])
    return ["backend", "figure (p50 / p99 ms)", *[f"{s:,} events" for s in sizes], "p50 growth"], rows


def markdown(columns: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def goal_cells(g: dict[str, Any]) -> list[str]:
    return [g["backend"], g["goal"], g["target"], f"{fmt(g['reached'])} {g['unit']}", fmt(g["ratio"]),
            "yes" if g["met"] else "no"]


GOAL_COLUMNS = ["backend", "goal", "target", "reached", "ratio (>= 1 met)", "met"]


def docs_section(summary: dict[str, Any]) -> str:
    m = summary["machine"]
    cols, grows = growth_rows(summary["results"])
    parts = [
        f"Run {summary['started']} ({summary['mode']}, `{summary['command']}`), {summary['duration_s'] / 60:.1f} min; "
        f"every figure the median of {summary['repeat']} round(s), each beside its baseline measured in the same "
        f"round.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, SQLite "
        f"{m['sqlite']}, PostgreSQL {m['postgresql']}, eventsourcing {m['eventsourcing']}, SQLAlchemy "
        f"{m['sqlalchemy']}; load average at start {m['load_average'][0]:.2f}, at end "
        f"{summary['load_average_end'][0]:.2f}" + (f". {summary['note']}" if summary.get("note") else "."),
        "", "### Goals", "", markdown(GOAL_COLUMNS, [goal_cells(g) for g in summary["goals"]]),
    ]
    if grows:
        parts += ["", "### Growth", "", markdown(cols, grows)]
    parts += ["", "### Every figure", "", markdown(["section", "backend", "figure", "value"],
                                                    summary_rows(summary["results"]))]
    return "\n".join(parts)


def write_docs(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Latest run\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{section}\n{END}{tail}")


def parse_growth_sizes(text: str) -> Any:
    """'10000,100000' or 'sqlite=10000,100000,1000000;postgres=10000,100000'."""
    if "=" not in text:
        return [int(s) for s in text.split(",")]
    out = {}
    for part in text.split(";"):
        backend, sizes = part.split("=", 1)
        out[backend.strip()] = [int(s) for s in sizes.split(",")]
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
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
    results: dict[str, dict[str, Any]] = {b: {} for b in backends}
    timings: dict[str, float] = {}
    for name in [s for s in SECTIONS if s in only]:
        for backend in backends:
            console.rule(f"[bold]{name}[/] on {backend}")
            s0 = time.perf_counter()
            fn = globals()[name]
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
    table("Goals", GOAL_COLUMNS, [goal_cells(g) for g in goal_rows])
    path = write_results("summary", summary)
    console.print(f"written {path} in {summary['duration_s'] / 60:.1f} min")
    if docs is not None:
        write_docs(docs, docs_section(summary))
        console.print(f"rewrote the bench section of {docs}")
    return summary
