"""`jejak keys`: a token is printed once, stored as a hash, listed never, revoked by name."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from api.cli import main
from api.keys import KeyStore


@pytest.fixture
def jejak(database_url, monkeypatch):
    monkeypatch.setenv("JEJAK_DATABASE_URL", database_url)

    def run(*args: str):
        return CliRunner().invoke(main, list(args))
    return run


def test_a_created_key_prints_its_token_once_and_authenticates_as_its_principal(jejak, database_url):
    made = jejak("keys", "create", "--name", "siasn-sync", "--role", "recorder")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[0]
    assert len(token) >= 43
    store = KeyStore(database_url)
    try:
        principal = store.authenticate(token)
        assert (principal.name, principal.role) == ("siasn-sync", "recorder")
        assert store.authenticate(token + "x") is None
    finally:
        store.close()
    listed = jejak("keys", "list")
    assert "siasn-sync\trecorder" in listed.stdout and "active" in listed.stdout
    assert token not in listed.output and hashlib.sha256(token.encode()).hexdigest() not in listed.output


def test_a_revoked_key_no_longer_authenticates_and_is_listed_as_revoked(jejak, database_url):
    token = jejak("keys", "create", "--name", "clerk", "--role", "inspector").stdout.strip().splitlines()[0]
    assert jejak("keys", "revoke", "clerk").exit_code == 0
    store = KeyStore(database_url)
    try:
        assert store.authenticate(token) is None
    finally:
        store.close()
    assert "revoked" in jejak("keys", "list").stdout


@pytest.mark.parametrize("args,says", [
    (("keys", "create", "--name", "Bad Name", "--role", "admin"), "--name"),
    (("keys", "create", "--name", "ok", "--role", "boss"), "--role"),
    (("keys", "revoke", "nobody"), "nobody"),
])
def test_a_bad_key_command_exits_2_and_says_what_to_fix(jejak, args, says):
    result = jejak(*args)
    assert result.exit_code == 2
    assert says in result.output


def test_a_second_key_with_the_same_name_is_refused(jejak):
    assert jejak("keys", "create", "--name", "twice", "--role", "admin").exit_code == 0
    again = jejak("keys", "create", "--name", "twice", "--role", "admin")
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_feedback_officer_key_is_created_and_authenticates_with_its_role(jejak, database_url):
    made = jejak("keys", "create", "--name", "lapor-dinkes", "--role", "feedback_officer")
    assert made.exit_code == 0, made.output
    store = KeyStore(database_url)
    try:
        principal = store.authenticate(made.stdout.strip().splitlines()[0])
        assert (principal.name, principal.role) == ("lapor-dinkes", "feedback_officer")
    finally:
        store.close()
    assert "lapor-dinkes\tfeedback_officer" in jejak("keys", "list").stdout
