"""Reads from a PostgreSQL streaming replica beside the same reads from the primary (`JEJAK_READ_DATABASE_URL`).

The growth bench's city (bench/growth/city.py) is recorded on the primary at --events, the audit index built, and a
replica made with `pg_basebackup -R` (tests/support/replica.py, as the replica tests make it) replays it. Then the
API's own views are timed through one Flask app per side: audit by subject, as_of of the long career (warm) and
inclusion proofs. The primary's reads also catch the read models up first (one cheap query when nothing is new),
as every read there does.

    .venv/bin/python -m bench.replica [--events 50000] [--samples 300]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path
from typing import Any, Callable

from bench.common import PG_ADMIN, console, nip, postgres_url, summary_ms, table, timed, write_results
from bench.growth.city import START, STEP, grow, index, staff
from bench.reads import WHO
from ledger.integrity.tree import StoredTree
from ledger.stream import stream_id

ROOT = Path(__file__).resolve().parents[1]


def _replica_module() -> Any:
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    import replica

    return replica


def _app(url: str, read_url: str | None) -> Any:
    from api import create_app

    if read_url:
        os.environ["JEJAK_READ_DATABASE_URL"] = read_url
    else:
        os.environ.pop("JEJAK_READ_DATABASE_URL", None)
    try:
        return create_app({"DATABASE_URL": url, "TESTING": True, "OBSERVABILITY": False})
    finally:
        os.environ.pop("JEJAK_READ_DATABASE_URL", None)


def calls(app: Any, token: str, size: int, employees: int, expect: str, rng: random.Random
          ) -> dict[str, Callable[[], Callable[[], None]]]:
    """Each figure's next call on one side (its engine and ledger, or its app's views)."""
    from projections import queries

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    last = START + STEP * size

    def get(path: str) -> Callable[[], None]:
        def call() -> None:
            resp = client.get(path, headers=headers)
            assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:300])
            assert resp.headers.get("Jejak-Read-From") == expect, (path, resp.headers.get("Jejak-Read-From"))
        return call

    svc = app.extensions["jejak"]
    born = next(iter(svc.ledger.events.get(stream_id("employee", nip(WHO)), limit=1))).timestamp
    engine = svc.replica.engine if expect == "replica" else svc.projections.engine
    ledger = svc.replica.ledger if expect == "replica" else svc.ledger
    return {
        "audit query by subject": lambda: lambda: queries.audit(
            engine, subject=nip(staff(rng.randrange(employees))), limit=100),
        "as_of (ledger)": lambda: lambda: ledger.state(
            "employee", nip(WHO), as_of=born + (last - born) * rng.random()),
        "inclusion proof (tree)": lambda: lambda: StoredTree(ledger.recorder).inclusion(
            rng.randrange(1, size + 1), size),
        "audit by subject": lambda: get(f"/v1/audit?subject={nip(staff(rng.randrange(employees)))}&limit=100"),
        "as_of": lambda: get(f"/v1/employees/{nip(WHO)}?as_of="
                             f"{(born + (last - born) * rng.random()).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}"),
        "inclusion proof": lambda: get(f"/v1/ledger/proof/inclusion?position={rng.randrange(1, size + 1)}"
                                       f"&tree_size={size}"),
    }


def measure(sides: dict[str, dict[str, Callable[[], Callable[[], None]]]], samples: int) -> dict[str, Any]:
    """Each figure on both sides, one call each in turn: a shared machine's load falls on both alike."""
    out: dict[str, dict[str, Any]] = {side: {} for side in sides}
    for name in next(iter(sides.values())):
        for _ in range(20):  # warm: pools, caches, the planner's first plans
            for kinds in sides.values():
                kinds[name]()()
        times: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(samples):
            for side, kinds in sides.items():
                times[side].append(timed(kinds[name]()))
        for side in sides:
            out[side][name] = summary_ms(times[side])
    return out


def run(events: int, samples: int, employees: int | None = None, career_events: int = 200) -> dict[str, Any]:
    employees = employees or max(50, min(2000, events // 25))  # ~25 events each at 50,000
    replica_mod, load_start = _replica_module(), os.getloadavg()
    with postgres_url() as url:
        grown = grow(url, events, "replica bench", employees, career_events)
        index(url, "replica bench")
        from projections.runner import Projections
        from ledger.application import Ledger

        ledger, projections = Ledger(url), Projections(url)
        projections.catch_up(ledger)  # every read model, so the primary's reads only check they are current
        size = ledger.head()
        ledger.close()
        projections.close()
        standby = replica_mod.start(PG_ADMIN)
        try:
            standby.caught_up()
            apps = {side: _app(url, read_url) for side, read_url in (("primary", None), ("replica", standby.url(url)))}
            try:
                rng = random.Random(size)
                sides = {side: calls(app, app.extensions["jejak"].keys.create(f"bench-{side}", "auditor"), size,
                                     employees, side, rng) for side, app in apps.items()}
                standby.caught_up()
                figures = measure(sides, samples)
            finally:
                for app in apps.values():
                    app.extensions["jejak"].close()
            lag = replay_lag(url, standby.url(url), samples // 5 or 1)
            disk = database_bytes(url)
        finally:
            standby.stop()
    return {"events": size, "samples": samples, "load": os.getloadavg(), "load_start": load_start, "build": grown,
            "figures": figures,
            "replay_lag": lag, "database_bytes": disk, "bytes_per_event": round(disk / size)}


def replay_lag(url: str, read_url: str, samples: int) -> dict[str, float]:
    """From a single append's commit on the primary to its position being readable on the replica."""
    import time

    from bench.common import training
    from ledger.application import Ledger, open_reader

    writer, reader = Ledger(url), open_reader(read_url)
    try:
        lags = []
        for i in range(samples):
            position = writer.record([training(10_000_000 + i, staff(i))], "bench-lag")[0][0]["position"]
            t0 = time.perf_counter()
            while reader.head() < position:
                time.sleep(0.0005)
            lags.append(time.perf_counter() - t0)
        return summary_ms(lags)
    finally:
        writer.close()
        reader.close()


def database_bytes(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    result = run(args.events, args.samples)
    shown = {side: {name: f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}" for name, s in kinds.items()}
             for side, kinds in result["figures"].items()}
    rows = [[name, shown["primary"][name], shown["replica"][name]] for name in shown["primary"]]
    table(f"reads at {result['events']:,} events (p50 / p99 ms; load {result['load'][0]:.2f})",
          ["read", "primary", "replica"], rows)
    lag = result["replay_lag"]
    console.print(f"replay lag p50 {lag['p50_ms']:.2f} ms, p99 {lag['p99_ms']:.2f} ms; database "
                  f"{result['database_bytes'] / 2**20:.0f} MiB ({result['bytes_per_event']} bytes/event)")
    console.print(f"results: {write_results('replica', result)}")


if __name__ == "__main__":
    main()
