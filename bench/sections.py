"""The sections of `make bench`: each measures one part of Jejak on one backend beside its baseline.

Each returns {"params": {...}, "figures": {...}, ...}; a figure is the median of --repeat rounds.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from bench import common
from bench.common import console, database

ROOT = Path(__file__).resolve().parents[1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rounds(repeat: int, fn: Callable[[int], dict[str, float]]) -> dict[str, Any]:
    """Run fn(round) `repeat` times; each key's median, and every round's values."""
    runs = [fn(r) for r in range(repeat)]
    keys = runs[0].keys()
    return {"median": {k: median([r[k] for r in runs]) for k in keys}, "rounds": runs}


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
        with database(backend) as url:  # the bare library saving as much per transaction as the bulk path
            t_es_bulk = ing.bare(url, payloads[single:], batch * ing.BULK_POSTINGS, single=0)["batch"]
        with database(backend) as url:
            t_bulk = ing.bulk(url, batched, min(batch, batched))
        with database(backend) as url:
            t_bulk_proj = ing.bulk(url, batched, min(batch, batched), projected=True)
        out = {"raw_single_per_s": single / t_raw["single"], "raw_batch_per_s": batched / t_raw["batch"],
               "es_single_per_s": single / t_es["single"], "es_batch_per_s": batched / t_es["batch"],
               "jejak_single_per_s": single / t_jejak["single"], "jejak_batch_per_s": batched / t_jejak["batch"],
               "jejak_batch_projected_per_s": batched / t_proj}
        out |= {"es_bulk_per_s": batched / t_es_bulk, "bulk_per_s": batched / t_bulk,
                "bulk_projected_per_s": batched / t_bulk_proj}
        out["bulk_over_es_batch"] = out["bulk_per_s"] / max(out["es_batch_per_s"], out["es_bulk_per_s"])
        out["bulk_projected_over_es_batch"] = out["bulk_projected_per_s"] / max(out["es_batch_per_s"],
                                                                                out["es_bulk_per_s"])
        out["bulk_projected_over_raw"] = out["bulk_projected_per_s"] / out["raw_batch_per_s"]
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


def personal(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Single appends and as-of reads with personal-data commitments beside the same with plain values."""
    from bench import personal as p

    return p.measure(backend, size["personal_appends"], size["personal_reads"], repeat)


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
            read_models_s = it.timed_read_model_check(ledger, url)  # verify --projections, once
        finally:
            ledger.close()
    return {"params": {"events": total, "record_events_per_s": round(total / record_s),
                       "verify_projections_s": round(read_models_s, 2)},
            "figures": r["median"], "rounds": r["rounds"]}


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
    if size.get("demo_served"):  # issue 21: the newcomer's whole `jejak demo`, to a served city
        argv = ["--employees", str(size["demo_served"][0]), "--years", str(size["demo_served"][1]),
                "--backend", backend, "--served"]
    if subprocess.run([sys.executable, "-m", "bench.demo", *argv], cwd=ROOT, env=env).returncode:
        raise RuntimeError(f"python -m bench.demo {' '.join(argv)} failed; see its output above")
    d = json.loads((results / ("demo.json" if backend == "sqlite" else "demo_postgres.json")).read_text())
    figures = {"record_per_s": d["record_events_per_s"], "baseline_rows_per_s": d["baseline_rows_per_s"],
               "record_over_raw": d["record_events_per_s"] / d["baseline_rows_per_s"]}
    if d.get("projections_s"):
        figures["rebuild_per_s"] = d["positions"] / d["projections_s"]
    if d.get("served"):
        figures |= {"served_city_s": d["served"]["served_s"], "demo_peak_mb": d["served"]["peak_mb"]}
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


def access_log(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """An auditor's GET /v1/employees/<nip> with and without the access log; one bare append."""
    from bench import access_log as al

    def one(_: int) -> dict[str, float]:
        r = al.measure(backend, size["access_reads"], 6 if size["access_reads"] >= 60 else 2)
        return {"read_with_log_p50_ms": r["with_log"]["p50_ms"], "read_without_log_p50_ms": r["without_log"]["p50_ms"],
                "added_p50_ms": r["added_p50_ms"], "append_one_row_p50_ms": r["append_one_row"]["p50_ms"],
                "raw_insert_commit_p50_ms": r["raw_insert_commit"]["p50_ms"],
                "reads_per_s_4_threads_with_log": r["reads_per_s_4_threads_with_log"],
                "reads_per_s_4_threads_without_log": r["reads_per_s_4_threads_without_log"]}

    r = rounds(repeat, one)
    return {"params": {"reads": size["access_reads"]}, "figures": r["median"], "rounds": r["rounds"]}


