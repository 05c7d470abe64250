"""The attack suite's city: `jejak demo` (200 ASN, 2025 and 2026 up to 10 April 2026, seed 7) on each backend.

The demo publishes the releases due by its last day (R-2025 on 1 April 2026); attacks then record
what a patient citizen would watch for (a pengawas transferring out, a separation, an annulled
training) with the ledger's clock just after that day, and publish the next releases.
"""

from __future__ import annotations

from types import SimpleNamespace

import psycopg
import pytest

import public_world

DEMO_TODAY = "2026-04-10"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def demo_city(request, tmp_path_factory):
    """The portal app over a small deterministic demo city that has published its due releases."""
    work = tmp_path_factory.mktemp("attack-city")
    if request.param == "sqlite":
        url = f"sqlite:///{work / 'jejak.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    public_world.load_demo(url, work, years=2, today=DEMO_TODAY)
    from api import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": work / "contact.key",
                      "PUBLIC_READ_RATE": "1000000/60"})
    yield SimpleNamespace(app=app, url=url, work=work)
    app.extensions["jejak"].close()
