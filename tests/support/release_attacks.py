"""What a patient citizen does with the public figures: collect everything visible, solve, compare."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

LB = {"number": "800/9/BKPSDM/2026", "date": "2026-04-10"}
AFTER_DEMO = datetime(2026, 4, 11, 3, 0, tzinfo=timezone.utc)  # after the demo's last day, R-2025 frozen


def publish(city: Any, today: str) -> subprocess.CompletedProcess:
    """`jejak releases publish --today` as the city's operator runs it (the exit code is the caller's to judge)."""
    env = {**os.environ, "JEJAK_DATABASE_URL": city.url, "JEJAK_SIGNING_KEY": str(city.work / "demo-signing.key")}
    return subprocess.run([str(Path(sys.executable).parent / "jejak"), "releases", "publish", "--today", today],
                          env=env, capture_output=True, text=True, cwd=city.work)


def record(city: Any, bodies: list[dict[str, Any]], at: datetime = AFTER_DEMO) -> None:
    """Record as BKPSDM would, with the ledger's clock at `at`, and let the portal's read models catch up."""
    from ledger.application import Ledger

    ledger = Ledger(city.url, clock=lambda: at)
    try:
        ledger.record(bodies, actor="bkpsdm-operator")
    finally:
        ledger.close()


def published(client: Any) -> list[dict[str, Any]]:
    """Every set of figures the portal serves: each release's, else (a portal without releases) the live ones."""
    listing = client.get("/v1/public/releases")
    if listing.status_code == 200 and listing.json["items"]:
        return [client.get(f"/v1/public/units?release={r['id']}").json for r in listing.json["items"]]
    live = client.get("/v1/public/units").json
    return [{**live, "as_of": "live"}]


def visible(client: Any, code: str) -> dict[tuple[str, str, str], set[Any]]:
    """Per (section, year, category) every value of `code`'s training and predikat shown anywhere."""
    sources = published(client) + [client.get("/v1/public/units").json]
    seen: dict[tuple[str, str, str], set[Any]] = {}
    for body in sources:
        for unit in body.get("items", []):
            if unit["code"] != code:
                continue
            for section in ("training", "predikat"):
                for year, cells in (unit.get(section) or {}).items():
                    for k, v in (cells.items() if isinstance(cells, dict) else []):
                        seen.setdefault((section, year, k), set()).add(repr(v))
    return seen


def active(client: Any, position_type: str | None = None) -> list[dict[str, Any]]:
    from projections import queries

    engine = client.application.extensions["jejak"].read_models()
    return queries.employees(engine, status="active", position_type=position_type, limit=500)
