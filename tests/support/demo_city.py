"""The demo city the tests of the demo's own recording share (tests/api/demo): 300 ASN over two years to
28 November 2026, seed 7, recorded once per backend and session with the events its writer kept.

Recording it is what those tests cost; each reads it back instead of recording a city of its own. On
PostgreSQL it lives in a database of its own, since every other test empties the session's `public` schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

TODAY = date(2026, 11, 28)


@dataclass
class RecordedCity:
    url: str
    world: Any
    kept: list  # every event as the writer held it while recording (`projections.source.recorded`)
    positions: int  # how many positions the recording gained


def record_city(url: str, employees: int = 300, years: int = 2, seed: int = 7) -> RecordedCity:
    """Record a generated city through the demo's bulk path, keeping what the writer hands `on_recorded`."""
    from api.demo.generator import generate
    from api.demo.recording import DEMO_LEDGER_ENV, SimClock, record, relax_sqlite_sync
    from ledger.application import Ledger
    from projections.source import recorded

    world = generate(employees, years, seed=seed, today=TODAY)
    clock = SimClock()
    ledger = Ledger(url, clock=clock, env=DEMO_LEDGER_ENV)
    relax_sqlite_sync(ledger)
    kept: list = []
    ledger.on_recorded = lambda recordings: kept.extend(recorded(recordings))
    try:
        positions = record(ledger, clock, world.plan.ordered(), lambda n: None)
    finally:
        ledger.on_recorded = None
        ledger.close()
    return RecordedCity(url, world, kept, positions)
