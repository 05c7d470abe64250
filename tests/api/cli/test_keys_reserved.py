"""Principals the code uses for itself cannot be taken by an API key, so no key's events pass for the portal's."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from api.cli import main
from api.keys import RESERVED_PRINCIPALS, KeyProblem, KeyStore
from api.portal.feedback import ACTOR as PORTAL_ACTOR


@pytest.fixture
def store(database_url):
    store = KeyStore(database_url)
    yield store
    store.close()


def test_the_portals_own_principal_is_reserved():
    assert PORTAL_ACTOR in RESERVED_PRINCIPALS and "jejak-import" in RESERVED_PRINCIPALS


@pytest.mark.parametrize("name", ["public-portal", "jejak-import", "jejak", "jejak-system"])
def test_a_key_named_like_a_system_principal_is_refused_with_a_clear_message(store, name):
    with pytest.raises(KeyProblem, match=f"--name: {name!r} is reserved"):
        store.create(name, "recorder")
    assert name not in {k["name"] for k in store.list()}


def test_the_command_refuses_a_reserved_name_and_prints_no_token(database_url, monkeypatch):
    monkeypatch.setenv("JEJAK_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["keys", "create", "--name", "public-portal", "--role", "admin"])
    assert result.exit_code == 2 and "reserved" in result.output and "jjk_" not in result.output


def test_a_key_stored_under_a_system_name_before_the_reservation_never_authenticates(store):
    import sqlalchemy as sa
    from api.keys import api_keys, token_hash

    with store.engine.begin() as conn:
        conn.execute(api_keys.insert().values(name="public-portal", role="recorder", token_hash=token_hash("jjk_old"),
                                              created_at="2025-01-01T00:00:00.000000Z", revoked_at=None))
    assert store.authenticate("jjk_old") is None


def test_ordinary_names_with_jejak_inside_remain_allowed(store):
    assert store.create("bkpsdm-jejak-sync", "recorder").startswith("jjk_")
