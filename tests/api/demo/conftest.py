"""The demo city shared by this room's tests (tests/support/demo_city.py), one per backend and session."""

from __future__ import annotations

import pytest

from demo_city import record_city
from server_process import own_pg_database


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory):
    return record_city(f"sqlite:///{tmp_path_factory.mktemp('demo-city') / 'jejak.db'}")


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def recorded_demo(request):
    """The city on each backend; read it, never record into it (every test here shares it)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_demo")
        return
    with own_pg_database("jejak_test_demo") as url:
        yield record_city(url)
