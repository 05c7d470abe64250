"""The access log's cost per read: an auditor's GET /v1/employees/<nip> with and without the log.

Two Flask apps over one set of services (one ledger, one database): the app as `create_app` builds
it, whose after-request hook appends one chained row per read, and the same app with that hook
taken out (only here: production has no switch). Rounds alternate between them, so both see the
same database growth. Also: the bare append of one row beside its baseline (a raw INSERT of a like
row, committed, on its own connection: the durable commit is most of the cost), and reads from 4 threads at once with the
log (appends take turns under their own lock: this shows how much they queue).

    .venv/bin/python -m bench.access_log [--reads 300] [--rounds 6] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from typing import Any

from bench.common import appointment, console, database, nip, summary_ms, table, unit_bodies, write_results

WHO = 7
THREADS = 4


def _apps(services: Any) -> dict[bool, Any]:
    from api import create_app
    from api.http import write_access_log

    logged = create_app({"SERVICES": services, "DATABASE_URL": services.url, "OBSERVABILITY": False})
    bare = create_app({"SERVICES": services, "DATABASE_URL": services.url, "OBSERVABILITY": False})
    bare.after_request_funcs[None].remove(write_access_log)
    return {True: logged.test_client(), False: bare.test_client()}


def _reads(client: Any, headers: dict[str, str], count: int) -> list[float]:
    out = []
    for _ in range(count):
        t0 = time.perf_counter()
        resp = client.get(f"/v1/employees/{nip(WHO)}", headers=headers)
        out.append(time.perf_counter() - t0)
        assert resp.status_code == 200 and resp.get_json()["nik"], resp.get_json()
    return out


def _threaded(client_of: Any, headers: dict[str, str], count: int) -> float:
    """Reads per second with THREADS threads each doing `count` reads through its own client."""
    threads = [threading.Thread(target=_reads, args=(client_of(), headers, count)) for _ in range(THREADS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return THREADS * count / (time.perf_counter() - t0)


def _raw_commits(backend: str, url: str, count: int) -> list[float]:
    """The baseline of one append: a bare INSERT of a row of the same size, committed, on a raw connection."""
    import sqlite3

    import psycopg

    conn: Any = (sqlite3.connect(url[len("sqlite:///"):], isolation_level=None) if backend == "sqlite"
                 else psycopg.connect(url, autocommit=True))
    q = "?" if backend == "sqlite" else "%s"
    conn.execute("CREATE TABLE bench_raw_rows (id BIGINT PRIMARY KEY, body TEXT NOT NULL)")
    out = []
    try:
        for i in range(count):
            t0 = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute(f"INSERT INTO bench_raw_rows VALUES ({q}, {q})", (i, "x" * 330))
            conn.execute("COMMIT")
            out.append(time.perf_counter() - t0)
    finally:
        conn.close()
    return out


def measure(backend: str, reads: int, rounds: int) -> dict[str, Any]:
    from api.bootstrap import build_services
    from ledger.storage import access_log

    with database(backend) as url:
        services = build_services(url)
        try:
            services.ledger.record(unit_bodies(), "bench", batch=True)
            services.ledger.record([{**appointment(WHO), "data": {**appointment(WHO)["data"],
                                     "nik": "1275011203850001", "address": "Jl. Sudirman 1"}}], "bench")
            headers = {"Authorization": f"Bearer {services.keys.create('bench-auditor', 'auditor')}"}
            clients = _apps(services)
            for logged in (True, False):  # warm: imports, caches, prepared plans
                _reads(clients[logged], headers, 20)
            times: dict[bool, list[float]] = {True: [], False: []}
            for r in range(rounds):
                for logged in ((True, False) if r % 2 else (False, True)):
                    times[logged].extend(_reads(clients[logged], headers, reads // rounds))
            appends = []
            for _ in range(reads):
                t0 = time.perf_counter()
                access_log.append(services.ledger.recorder, [access_log.entry(
                    "bench-auditor", "auditor", nip(WHO), ["nik", "address"], "/v1/employees/<nip>")])
                appends.append(time.perf_counter() - t0)
            raw = _raw_commits(backend, url, reads)
            threaded = {logged: _threaded(clients[logged].application.test_client, headers, reads // THREADS)
                        for logged in (True, False)}
            rows = int(services.ledger.recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0])
        finally:
            services.close()
    on, off = summary_ms(times[True]), summary_ms(times[False])
    return {"reads_per_side": len(times[True]), "with_log": on, "without_log": off,
            "added_p50_ms": round(on["p50_ms"] - off["p50_ms"], 3),
            "ratio_p50": round(statistics.median(times[True]) / statistics.median(times[False]), 3),
            "append_one_row": summary_ms(appends), "raw_insert_commit": summary_ms(raw), "log_rows_at_end": rows,
            f"reads_per_s_{THREADS}_threads_with_log": round(threaded[True], 1),
            f"reads_per_s_{THREADS}_threads_without_log": round(threaded[False], 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=300, help="auditor reads per side")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds the reads are split into")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    results = {b: measure(b, args.reads, args.rounds) for b in args.backends.split(",")}
    rows = []
    for backend, r in results.items():
        rows.append([backend, "GET /v1/employees/<nip> without the log", r["without_log"]["p50_ms"],
                     r["without_log"]["p99_ms"]])
        rows.append([backend, "GET /v1/employees/<nip> with the log", r["with_log"]["p50_ms"], r["with_log"]["p99_ms"]])
        rows.append([backend, "append one row (bare)", r["append_one_row"]["p50_ms"], r["append_one_row"]["p99_ms"]])
        rows.append([backend, "raw INSERT + COMMIT of a like row", r["raw_insert_commit"]["p50_ms"],
                     r["raw_insert_commit"]["p99_ms"]])
        console.print(f"{backend}: +{r['added_p50_ms']} ms p50 per read (x{r['ratio_p50']}); {THREADS} threads: "
                      f"{r[f'reads_per_s_{THREADS}_threads_with_log']} reads/s with the log, "
                      f"{r[f'reads_per_s_{THREADS}_threads_without_log']} without")
    table("The access log's cost per read (ms)", ["backend", "what", "p50 ms", "p99 ms"], rows)
    console.print(f"written {write_results('access_log', {'results': results})}")


if __name__ == "__main__":
    main()
