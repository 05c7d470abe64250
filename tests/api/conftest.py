"""API fixtures: one app per backend and module, keys for every role, and a small world."""

from __future__ import annotations

import psycopg
import pytest

from api_bodies import ROLES, auth, world


def _reset_pg(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api_url(request, tmp_path_factory):
    """An empty database for one test module: a new SQLite file or an emptied PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('api') / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    _reset_pg(url)
    return url


@pytest.fixture(scope="module")
def app(api_url):
    from api import create_app

    app = create_app({"DATABASE_URL": api_url, "TESTING": True})
    yield app
    app.extensions["jejak"].close()


@pytest.fixture(scope="module")
def services(app):
    return app.extensions["jejak"]


@pytest.fixture(scope="module")
def tokens(services):
    """A token per role, named after the role."""
    return {role: services.keys.create(f"{role}-1", role) for role in ROLES}


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def seeded(client, tokens):
    """The world posted as one batch by the admin; returns its receipts."""
    resp = client.post("/v1/events/batch", json={"events": world()}, headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    return resp.json["receipts"]
