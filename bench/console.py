"""The console's employee page for one long career (default 1,000 events): server time per request.

The employee has an event every few days for years, most with a TMT on the day they were recorded and
every 25th backdated by more than a year, so the timeline has points on both axes and red flags.
Requests go through Flask's test client (in-process: network time left out), signed in as an auditor;
the baseline is reading the same stream's history from the ledger, which every rendering must do.

The inbox (`--inbox-events N`) is timed over bench/growth's city grown to N events, every read model
caught up; its database is cached under $TMPDIR/jejak-bench-growth (a rerun skips the build).

    .venv/bin/python -m bench.console [--events 1000] [--requests 30] [--backend sqlite|postgres]
                                      [--inbox-events 1000000]
"""

from __future__ import annotations

import argparse
import os
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bench.common import (SK, UNIT, appointment, console, database, nip, summary_ms, table, timed, unit_bodies,
                          write_results)

WHO = 7
START = datetime(2023, 1, 2, 2, tzinfo=timezone.utc)
DAYS_PER_BATCH = 10
BATCH = 10
TITLES = ("Analis Kepegawaian", "Pengelola Data", "Pengadministrasi Umum", "Verifikator Keuangan")


class BatchClock:
    """Recording times a millisecond apart within a batch; each batch starts DAYS_PER_BATCH days later."""

    def __init__(self) -> None:
        self.now = START

    def jump_to(self, batch: int) -> None:
        self.now = max(self.now, START + timedelta(days=batch * DAYS_PER_BATCH))

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def career(events: int) -> list[list[dict[str, Any]]]:
    """The employee's events after the appointment, in batches of BATCH (one batch per DAYS_PER_BATCH days)."""
    subject = nip(WHO)
    batches: list[list[dict[str, Any]]] = []
    for i in range(events - 1):
        b = i // BATCH
        day = (START + timedelta(days=b * DAYS_PER_BATCH)).date()
        tmt = day - timedelta(days=400) if i % 25 == 24 else day
        body = {"type": "PositionAssigned", "subject": subject, "effective_date": tmt.isoformat(),
                "legal_basis": {"number": f"821/{i + 1}/BKPSDM/{day.year}", "date": day.isoformat()},
                "reason": "Penataan jabatan pelaksana" if i % 25 != 24 else "Penetapan terlambat (SK susulan)",
                "on_behalf_of": nip(1) if i % 3 == 0 else None,
                "data": {"position": {"type": "pelaksana", "title": f"{TITLES[i % len(TITLES)]} {i % 7 + 1}"},
                         "unit": UNIT}}
        if b == len(batches):
            batches.append([])
        batches[b].append({k: v for k, v in body.items() if v is not None})
    return batches


def build(url: str, events: int) -> str:
    """Record the career through the ledger's batch record; returns the employee's NIP."""
    from ledger.application import Ledger

    clock = BatchClock()
    ledger = Ledger(url, clock=clock)
    try:
        ledger.record(unit_bodies(), "bench", batch=True)
        ledger.record([appointment(1), appointment(WHO)], "bench", batch=True)
        for b, bodies in enumerate(career(events)):
            clock.jump_to(b)
            ledger.record(bodies, "bkpsdm-clerk", batch=True)
    finally:
        ledger.close()
    return nip(WHO)


def inbox(backend: str, events: int, requests: int, keep: bool = True) -> dict[str, Any]:
    """Server time of the findings inbox over a grown ledger of `events` (bench/growth's city, its cached
    database reused and kept with every read model caught up), signed in as an inspector."""
    from api import create_app
    from bench.growth.city import grow
    from bench.growth.databases import cached, copy_database, workspace
    from ledger.application import Ledger
    from projections.runner import REBUILD_CHUNK_SIZE, Projections

    with workspace(backend) as work:
        url = work["url"]
        if keep and cached(backend, events, 1):
            copy_database(backend, work, events, 1, save=False)
        else:
            grow(url, events, f"{backend} {events:,}")
        ledger, projections = Ledger(url), Projections(url)
        try:
            with console.status(f"{backend}: read models up to {ledger.head():,} events"):
                projections.catch_up(ledger, chunk_size=REBUILD_CHUNK_SIZE)  # large chunks fold streams less often
            head = ledger.head()
        finally:
            projections.close()
            ledger.close()
        if keep:
            copy_database(backend, work, events, 1, save=True)
        app = create_app({"DATABASE_URL": url, "OBSERVABILITY": False})
        services = app.extensions["jejak"]
        try:
            client = app.test_client()
            sign_in(client, services.keys.create("bench-inspector", "inspector"))
            pages = {"GET /console/temuan": "/console/temuan",
                     "… ?kind=off_hours_burst": "/console/temuan?kind=off_hours_burst",
                     "… ?severity=warning": "/console/temuan?severity=warning",
                     "… ?unit=&since=&until=": f"/console/temuan?unit={UNIT}&since=2024-01-01&until=2030-12-31"}
            out = {}
            for name, path in pages.items():
                assert client.get(path).status_code == 200  # the first read catches up; not timed
                out[name] = summary_ms([timed(lambda: client.get(path)) for _ in range(requests)])
        finally:
            services.close()
    return {"events": head, "pages": out, "goal_p99_ms": 100}


def sign_in(client: Any, token: str) -> None:
    page = client.get("/console/masuk").get_data(as_text=True)
    pre = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/console/masuk", data={"csrf_token": pre, "token": token}).status_code == 303


def timeline(backend: str, events: int, requests: int) -> dict[str, Any]:
    """Server time of the employee page with a career of `events` events, beside reading its history."""
    with database(backend) as url:
        console.print(f"recording a career of {events} events on {backend}")
        who = build(url, events)
        from api import create_app

        app = create_app({"DATABASE_URL": url, "OBSERVABILITY": False})
        services = app.extensions["jejak"]
        try:
            client = app.test_client()
            sign_in(client, services.keys.create("bench-auditor", "auditor"))
            page = f"/console/pegawai/{who}"
            first = client.get(page)  # catches the read models up; not timed
            assert first.status_code == 200 and first.get_data(as_text=True).count('<tr id="p') == events

            def history() -> None:
                after = 0
                while got := services.ledger.history("employee", who, after_version=after, limit=1000):
                    after = got[-1]["version"]

            base = [timed(history) for _ in range(requests)]
            samples = [timed(lambda: client.get(page)) for _ in range(requests)]
            valid = [timed(lambda: client.get(page + "?valid_at=2024-06-30&from=2023-06-01&to=2025-06-01"))
                     for _ in range(requests)]
        finally:
            services.close()
    return {"backend": backend, "events": events, "baseline_history": summary_ms(base),
            "timeline_page": summary_ms(samples), "timeline_page_with_dates": summary_ms(valid),
            "goal_p99_ms": 300, "page_bytes": len(first.get_data())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--inbox-events", type=int, default=0, help="also the inbox over a grown ledger of this size")
    args = ap.parse_args()
    load = os.getloadavg()
    results = timeline(args.backend, args.events, args.requests)
    rows = [["baseline: ledger history (all events)", *results["baseline_history"].values()],
            ["GET /console/pegawai/<nip>", *results["timeline_page"].values()],
            ["… ?valid_at=&from=&to=", *results["timeline_page_with_dates"].values()]]
    if args.inbox_events:
        results["inbox"] = inbox(args.backend, args.inbox_events, args.requests)
        rows += [[f"{name} ({results['inbox']['events']:,} events)", *s.values()]
                 for name, s in results["inbox"]["pages"].items()]
    results["load_before"] = [round(x, 2) for x in load]
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    table(f"console, {args.backend} (load {results['load_before'][0]} → {results['load_after'][0]})",
          ["request", "p50 ms", "p99 ms", "mean ms", "n"], rows)
    console.print(f"page size {results['page_bytes'] / 1024:.0f} KiB; goals p99 < 300 ms (timeline), < 100 ms (inbox); "
                  f"results: {write_results('console' if args.backend == 'sqlite' else 'console_postgres', results)}")


if __name__ == "__main__":
    main()
