"""The cost of personal-data commitments: single appends and as-of reads with and without them.

"With" is Jejak as it runs: each appointment's NIK, birth date, address and contact committed, their
disclosures sealed and written in the event's transaction, and an as-of read revealing them for an
auditor. "Without" is the same bodies and reads in this process only, with `ledger.personal.commit`
patched to keep the values plain (nothing committed, no disclosure, nothing to reveal): a switch that
exists only here, never in the service.

    .venv/bin/python -m bench.personal --backend sqlite --appends 300 --reads 300
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from typing import Any, Iterator
from unittest import mock

from bench import common
from bench.common import database
from ledger import personal

PERSONAL = {"nik": "1275011203850001", "birth_date": None, "address": "Jl. Gatot Subroto No. 12, Binjai Kota",
            "contact": "0812-6000-1234"}


def body(i: int) -> dict[str, Any]:
    b = common.appointment(i)
    b["data"].update({**PERSONAL, "birth_date": f"{b['subject'][:4]}-{b['subject'][4:6]}-{b['subject'][6:8]}"})
    return b


@contextmanager
def plain() -> Iterator[None]:
    """Values kept plain (the bench's 'without'): commit nothing."""
    with mock.patch.object(personal, "commit", lambda *args, **kwargs: []):
        yield


def run(url: str, appends: int, reads: int, committed: bool) -> dict[str, float]:
    from ledger.application import Ledger

    ledger = Ledger(url, clock=common.StepClock())
    try:
        with nullcontext() if committed else plain():
            ledger.record(common.unit_bodies(), "bench", batch=True)
            times = []
            for i in range(appends):
                t0 = time.perf_counter()
                ledger.record([body(i)], "bench")
                times.append(time.perf_counter() - t0)
        as_of = datetime.now(timezone.utc)
        read_times = []
        for i in range(reads):
            nip = body(i % appends)["subject"]
            t0 = time.perf_counter()
            state = ledger.state("employee", nip, as_of=as_of)
            view = {k: state.get(k) for k in PERSONAL}
            if committed:
                ledger.reveal([view], lambda field: True)
            read_times.append(time.perf_counter() - t0)
            assert view["nik"] == PERSONAL["nik"]
    finally:
        ledger.close()
    return {"append_p50_ms": statistics.median(times) * 1000, "append_per_s": appends / sum(times),
            "as_of_read_p50_ms": statistics.median(read_times) * 1000, "as_of_reads_per_s": reads / sum(read_times)}


def measure(backend: str, appends: int, reads: int, repeat: int = 1) -> dict[str, Any]:
    rounds = []
    for _ in range(repeat):
        with database(backend) as url:
            without = run(url, appends, reads, committed=False)
        with database(backend) as url:
            with_ = run(url, appends, reads, committed=True)
        rounds.append({**{f"plain_{k}": v for k, v in without.items()}, **{f"committed_{k}": v for k, v in with_.items()},
                       "append_slowdown": without["append_per_s"] / with_["append_per_s"] - 1,
                       "as_of_read_slowdown": without["as_of_reads_per_s"] / with_["as_of_reads_per_s"] - 1})
    figures = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    return {"params": {"appends": appends, "reads": reads}, "figures": figures, "rounds": rounds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    out = measure(args.backend, args.appends, args.reads, args.repeat)
    print(json.dumps({"backend": args.backend, **out["params"], **out["figures"]}, indent=1))


if __name__ == "__main__":
    main()
