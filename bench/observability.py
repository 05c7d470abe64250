"""The cost of request ids, JSON access lines and metrics on single appends.

Two Flask apps over one set of services (one ledger, one database): one with the observability
hooks, one without. Rounds alternate between them (and which goes first), each posting single
`POST /v1/events` through the test client, so both see the same database growth and background
catch-ups. The access lines are formatted as JSON and written to /dev/null, as in production
minus the pipe. Besides each request's wall time it takes the CPU time of the thread that served it
(`time.thread_time`): what the hooks cost is CPU in that thread, and the CPU time is not inflated when
other processes load the machine or the disk makes a commit wait, which swamps the wall-time median.

    .venv/bin/python -m bench.observability [--events 300] [--rounds 10] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from typing import Any

from bench.common import postgres_url, sqlite_url


def _app(services: Any, hooks: bool) -> Any:
    from api import create_app
    return create_app({"SERVICES": services, "DATABASE_URL": services.url, "OBSERVABILITY": hooks})


def _post_round(client: Any, headers: dict[str, str], start: int, count: int,
                cpu: list[float] | None = None) -> list[float]:
    """Wall seconds per append; the serving thread's CPU seconds are added to `cpu` when given."""
    out = []
    for i in range(start, start + count):
        body = {"type": "UnitRegistered", "subject": f"OBS-{i}", "data": {"name": f"Unit {i}"}}
        t0, c0 = time.perf_counter(), time.thread_time()
        resp = client.post("/v1/events", json=body, headers=headers)
        out.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.thread_time() - c0)
        assert resp.status_code == 201, resp.get_json()
    return out


def measure(url: str, events: int, rounds: int) -> dict[str, Any]:
    """Per-request latency with and without the hooks, alternating rounds of `events` appends."""
    from api.bootstrap import build_services
    from api.jsonlog import JsonFormatter

    sink = open(os.devnull, "w")
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("jejak")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    services = build_services(url)
    try:
        token = services.keys.create("bench-obs", "recorder")
        headers = {"Authorization": f"Bearer {token}"}
        clients = {True: _app(services, True).test_client(), False: _app(services, False).test_client()}
        _post_round(clients[True], headers, -50, 25)  # warm both paths: imports, caches, prepared plans
        _post_round(clients[False], headers, -25, 25)
        times: dict[bool, list[float]] = {True: [], False: []}
        cpu: dict[bool, list[float]] = {True: [], False: []}
        n = 0
        for r in range(rounds):
            for hooks in ((True, False) if r % 2 else (False, True)):
                times[hooks].extend(_post_round(clients[hooks], headers, n, events, cpu[hooks]))
                n += events
        on, off = times[True], times[False]
        return {"cpu_median_ms_with": statistics.median(cpu[True]) * 1000,
                "cpu_median_ms_without": statistics.median(cpu[False]) * 1000,
                "cpu_ratio_median": statistics.median(cpu[True]) / statistics.median(cpu[False]),"events_per_side": len(on), "median_ms_with": statistics.median(on) * 1000,
                "median_ms_without": statistics.median(off) * 1000,
                "mean_ms_with": statistics.fmean(on) * 1000, "mean_ms_without": statistics.fmean(off) * 1000,
                "ratio_median": statistics.median(on) / statistics.median(off),
                "ratio_mean": statistics.fmean(on) / statistics.fmean(off)}
    finally:
        services.close()
        logger.removeHandler(handler)
        sink.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300, help="appends per side per round")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with (sqlite_url() if args.backend == "sqlite" else postgres_url()) as url:
        result = measure(url, args.events, args.rounds)
    print(f"{args.backend}: {result['events_per_side']} single appends per side, alternating rounds")
    print(f"  median {result['median_ms_without']:.3f} ms without hooks, {result['median_ms_with']:.3f} ms with "
          f"(x{result['ratio_median']:.3f}, {100 * (result['ratio_median'] - 1):+.1f} %)")
    print(f"  mean   {result['mean_ms_without']:.3f} ms without hooks, {result['mean_ms_with']:.3f} ms with "
          f"(x{result['ratio_mean']:.3f}, {100 * (result['ratio_mean'] - 1):+.1f} %)")
    print(f"  CPU of the serving thread, median {result['cpu_median_ms_without']:.3f} ms without hooks, "
          f"{result['cpu_median_ms_with']:.3f} ms with (x{result['cpu_ratio_median']:.3f}, "
          f"{100 * (result['cpu_ratio_median'] - 1):+.1f} %)")


if __name__ == "__main__":
    main()
