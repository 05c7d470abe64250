"""The attack suite's city: `jejak demo` (200 ASN, two years, seed 7) on each backend, and the portal over it."""

from __future__ import annotations

import psycopg
import pytest

import public_world


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
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
    public_world.load_demo(url, work, years=2)
    from api import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": work / "contact.key",
                      "PUBLIC_READ_RATE": "1000000/60"})
    yield app
    app.extensions["jejak"].close()
