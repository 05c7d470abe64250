"""The sections of `make bench` added for the rulebook, the public releases and the read replica (split from
bench/sections.py by size; the harness finds every section by name there)."""

from __future__ import annotations

import os
import re
import time
from typing import Any

from bench.common import database
from bench.sections import rounds


def releases(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Compute and audit last year's public release of the demo city (issue 16), beside reading its streams once."""
    from bench import releases as rel

    period = str(time.gmtime().tm_year - 1)
    with database(backend) as url:
        rel.load_demo(url, size["release_employees"], 2)
        r = rounds(repeat, lambda _: rel.figures_of(rel.measure(url, period)))
    return {"params": {"employees": size["release_employees"], "years": 2, "period": period},
            "figures": r["median"], "rounds": r["rounds"]}


def rulebook(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Single and batch ingest with the full rulebook beside the rulebook issue 17 was filed against (the goal:
    <= 15 % slower) and beside no rules at all."""
    from bench import rulebook as rb

    events = size["ingest_single"]
    r = rounds(repeat, lambda _: rb.compare(backend, events))
    return {"params": {"events": events, "batch": 1000, "batches": 5, "mix": "3 trainings : 1 annual leave",
                       "interleaved": "each tenth of the single events and each batch by the three ways in turn",
                       "filed": f"{rb.FILED_AT}: JEJAK_RULES switches off {len(rb.NEWER_COMPLIANCE)} newer "
                                f"compliance rules; {len(rb.NEWER_VALIDATION)} newer validation rules cannot be"},
            "figures": r["median"], "rounds": r["rounds"]}


def replica(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Audit by subject, as_of and inclusion proofs read from a streaming replica beside the primary (PostgreSQL)."""
    if backend != "postgres":
        return {"params": {"skipped": "a streaming replica is PostgreSQL's"}, "figures": {}}
    from bench import replica as rp

    r = rp.run(size["replica_events"], size["replica_samples"])  # one round: a replica is minutes to make at size
    figures = {}
    for side, kinds in r["figures"].items():
        for name, s in kinds.items():
            key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
            figures[f"{side}_{key}_p99_ms"] = s["p99_ms"]
            figures[f"{side}_{key}_p50_ms"] = s["p50_ms"]
    return {"params": {"events": r["events"], "samples": r["samples"], "load": r["load"]}, "figures": figures,
            "build": r["build"]}


def console(backend: str, size: dict[str, Any], repeat: int) -> dict[str, Any]:
    """The console's 1,000-event timeline page beside reading its history, and the findings inbox over a
    grown ledger (bench/growth's city, cached); server time in-process (one round: --repeat ignored)."""
    from bench import console as con

    t = con.timeline(backend, size["console_events"], size["console_requests"])
    i = con.inbox(backend, size["console_inbox_events"], size["console_requests"])
    figures = {"timeline_p50_ms": t["timeline_page"]["p50_ms"], "timeline_p99_ms": t["timeline_page"]["p99_ms"],
               "baseline_history_p99_ms": t["baseline_history"]["p99_ms"]}
    for name, s in i["pages"].items():
        key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        figures[f"inbox_{key}_p50_ms"], figures[f"inbox_{key}_p99_ms"] = s["p50_ms"], s["p99_ms"]
    return {"params": {"timeline_events": t["events"], "inbox_events": i["events"],
                       "load": [round(x, 2) for x in os.getloadavg()]}, "figures": figures}
