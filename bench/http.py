"""HTTP append throughput and latency, beside the bare eventsourcing application in the same run.

For each backend (a new SQLite file; a PostgreSQL database created and dropped here):
  es single   a bare eventsourcing Application: load, trigger, save one event, 4 threads
  es batch    the same application saving 1,000 events in one save
  ledger      Jejak's Ledger.record in-process, same clients and batches (no HTTP): separates
              the ledger's own cost (rules, gapless positions, Merkle) from the web layer's
  http single POST /v1/events, one event per request, 4 concurrent clients (keep-alive)
  http batch  POST /v1/events/batch with 1,000 events per request
The HTTP figures include everything a client pays for: JSON, auth lookup, rules, gapless
position, leaf hash, Merkle nodes, inline projection catch-up and the receipt.

    .venv/bin/python -m bench.http [--events 2000] [--batches 5] [--backends sqlite,postgres]
                                   [--workers N] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from bench.common import (appointment, console, database, progress, summary_ms, table, training, unit_bodies,
                          write_results)
from bench.ingest import EMPLOYEES, BareApp, es_env

CLIENTS = 4
BATCH = 1000
ROOT = Path(__file__).resolve().parents[1]


def payload(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return body["data"], {k: v for k, v in body.items() if k != "data"}


# --- bare eventsourcing -------------------------------------------------------------------------

def bare(url: str, events: int, batches: int, batch: int = BATCH) -> dict[str, Any]:
    """The library alone: single saves from 4 threads (own streams each), then 1,000-event saves."""
    app = BareApp(env=es_env(url))
    try:
        ids = [app.register() for _ in range(EMPLOYEES)]
        latencies: list[float] = []
        lock = threading.Lock()
        with progress() as bar:
            task = bar.add_task("eventsourcing single", total=events)

            def client(c: int) -> None:
                mine = ids[c::CLIENTS]
                own: list[float] = []
                for i in range(c, events, CLIENTS):
                    data, meta = payload(training(i, i % EMPLOYEES))
                    t0 = time.perf_counter()
                    app.add(mine[i % len(mine)], data, meta)
                    own.append(time.perf_counter() - t0)
                    bar.advance(task)
                with lock:
                    latencies.extend(own)

            wall = run_clients(client)
            single = {"events_per_s": round(events / wall, 1), **summary_ms(latencies)}
            task = bar.add_task("eventsourcing batch", total=batches * batch)
            batch_lat: list[float] = []
            for b in range(batches):
                chunk = [payload(training(events + b * batch + j, j % EMPLOYEES)) for j in range(batch)]
                t0 = time.perf_counter()
                app.add_many([ids[j % EMPLOYEES] for j in range(batch)], chunk)
                batch_lat.append(time.perf_counter() - t0)
                bar.advance(task, batch)
        batched = {"events_per_s": round(batches * batch / sum(batch_lat), 1), **summary_ms(batch_lat)}
        return {"single": single, "batch": batched}
    finally:
        app.close()


# --- the ledger in-process ---------------------------------------------------------------------

def in_process(url: str, events: int, batches: int, batch: int = BATCH) -> dict[str, Any]:
    """Ledger.record from 4 threads (own employees each), then batches of 1,000: no HTTP."""
    from ledger.application import Ledger

    ledger = Ledger(url)
    try:
        ledger.record(unit_bodies(), "bench", batch=True)
        ledger.record([appointment(i) for i in range(EMPLOYEES)], "bench", batch=True)
        latencies: list[float] = []
        lock = threading.Lock()
        with progress() as bar:
            task = bar.add_task("ledger single (in-process)", total=events)

            def client(c: int) -> None:
                mine, own = list(range(c, EMPLOYEES, CLIENTS)), []
                for i in range(c, events, CLIENTS):
                    t0 = time.perf_counter()
                    ledger.record([training(i, mine[i % len(mine)])], "bench")
                    own.append(time.perf_counter() - t0)
                    bar.advance(task)
                with lock:
                    latencies.extend(own)

            wall = run_clients(client)
            single = {"events_per_s": round(events / wall, 1), **summary_ms(latencies)}
            task = bar.add_task("ledger batch (in-process)", total=batches * batch)
            batch_lat: list[float] = []
            for b in range(batches):
                bodies = [training(events + b * batch + j, j % EMPLOYEES) for j in range(batch)]
                t0 = time.perf_counter()
                ledger.record(bodies, "bench", batch=True)
                batch_lat.append(time.perf_counter() - t0)
                bar.advance(task, batch)
        batched = {"events_per_s": round(batches * batch / sum(batch_lat), 1), **summary_ms(batch_lat)}
        return {"single": single, "batch": batched}
    finally:
        ledger.close()


def run_clients(client: Any) -> float:
    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


# --- over HTTP ----------------------------------------------------------------------------------

class Server:
    """`jejak serve` as a real process on a free port, with a recorder key."""

    def __init__(self, url: str, workers: int | None, threads: int, tmp: Path) -> None:
        import socket

        from api.keys import KeyStore

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key")}
        store = KeyStore(url)
        self.token = store.create("bench-recorder", "recorder")
        store.close()
        self.log = open(tmp / "server.log", "w")
        command = [str(Path(sys.executable).parent / "jejak"), "serve", "--host", "127.0.0.1",
                   "--port", str(self.port), "--threads", str(threads)]
        if workers:
            command += ["--workers", str(workers)]
        self.proc = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"jejak serve did not start; see its log:\n{(tmp / 'server.log').read_text()}")
            try:
                if requests.get(self.base + "/healthz", timeout=2).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):  # a loaded machine: accepted, not yet answering
                time.sleep(0.1)

    def session(self) -> requests.Session:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {self.token}"
        return s

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def over_http(url: str, events: int, batches: int, workers: int | None, threads: int,
              batch: int = BATCH) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jejak-bench-http-") as tmp:
        server = Server(url, workers, threads, Path(tmp))
        try:
            setup = server.session()
            for bodies in (unit_bodies(), [appointment(i) for i in range(EMPLOYEES)]):
                r = setup.post(server.base + "/v1/events/batch", json={"events": bodies}, timeout=120)
                r.raise_for_status()
            latencies: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            with progress() as bar:
                task = bar.add_task(f"http single ({CLIENTS} clients)", total=events)

                def client(c: int) -> None:
                    s, own = server.session(), []
                    mine = list(range(c, EMPLOYEES, CLIENTS))  # each client its own employees
                    for i in range(c, events, CLIENTS):
                        t0 = time.perf_counter()
                        r = s.post(server.base + "/v1/events", json=training(i, mine[i % len(mine)]), timeout=120)
                        own.append(time.perf_counter() - t0)
                        if r.status_code != 201:
                            failures.append(f"POST /v1/events answered {r.status_code}: {r.text[:300]}")
                            return
                        bar.advance(task)
                    with lock:
                        latencies.extend(own)

                wall = run_clients(client)
                if failures:
                    raise SystemExit(f"{len(failures)} client(s) stopped; first: {failures[0]}; "
                                     f"see the server log above")
                single = {"events_per_s": round(events / wall, 1), **summary_ms(latencies)}
                task = bar.add_task("http batch", total=batches * batch)
                batch_lat: list[float] = []
                for b in range(batches):
                    bodies = [training(events + b * batch + j, j % EMPLOYEES) for j in range(batch)]
                    t0 = time.perf_counter()
                    r = setup.post(server.base + "/v1/events/batch", json={"events": bodies}, timeout=300)
                    batch_lat.append(time.perf_counter() - t0)
                    if r.status_code != 201:
                        raise SystemExit(f"POST /v1/events/batch answered {r.status_code}: {r.text[:300]}")
                    bar.advance(task, batch)
            batched = {"events_per_s": round(batches * batch / sum(batch_lat), 1), **summary_ms(batch_lat)}
            return {"single": single, "batch": batched}
        finally:
            server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="single appends per backend")
    parser.add_argument("--batches", type=int, default=5, help=f"batches of {BATCH} per backend")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=None, help="default: jejak serve's (1 SQLite, 2 PostgreSQL)")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    rows = []
    for backend in args.backends.split(","):
        with database(backend) as url:
            es = bare(url, args.events, args.batches)
        with database(backend) as url:
            direct = in_process(url, args.events, args.batches)
        with database(backend) as url:
            http = over_http(url, args.events, args.batches, args.workers, args.threads)
        ratio = round(http["single"]["events_per_s"] / es["single"]["events_per_s"], 2)
        web = round(http["single"]["events_per_s"] / direct["single"]["events_per_s"], 2)
        results[backend] = {"eventsourcing": es, "ledger_in_process": direct, "http": http,
                            "http_single_vs_es_single": ratio, "http_single_vs_ledger_single": web}
        for name, mode, r in (("eventsourcing", "single (4 threads)", es["single"]),
                              ("ledger.record", "single (4 threads)", direct["single"]),
                              ("http", f"single ({CLIENTS} clients)", http["single"]),
                              ("eventsourcing", f"batch of {BATCH}", es["batch"]),
                              ("ledger.record", f"batch of {BATCH}", direct["batch"]),
                              ("http", f"batch of {BATCH}", http["batch"])):
            rows.append([backend, name, mode, r["events_per_s"], r["p50_ms"], r["p99_ms"], r["n"]])
        console.print(f"{backend}: HTTP single appends reach {ratio:.0%} of the bare library's single-save rate "
                      f"(goal: at least 50 %) and {web:.0%} of Ledger.record in-process")
    table("HTTP appends beside bare eventsourcing (same run)",
          ["backend", "what", "mode", "events/s", "p50 ms", "p99 ms", "samples"], rows)
    path = write_results("http", {"params": vars(args) | {"clients": CLIENTS, "batch": BATCH}, "results": results})
    console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
