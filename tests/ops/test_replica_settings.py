"""The replica's settings are checked like every other: a wrong one is named and stops `jejak config` and `serve`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main


@pytest.mark.parametrize("name, value", [("JEJAK_READ_DATABASE_URL", "sqlite:///replica.db"),
                                         ("JEJAK_READ_DATABASE_URL", "mysql://replica/jejak"),
                                         ("JEJAK_READ_WAIT_MS", "soon"), ("JEJAK_READ_WAIT_MS", "-1"),
                                         ("JEJAK_READ_WAIT_MS", "60000")])
def test_a_wrong_replica_setting_is_named_and_exits_2(monkeypatch, name, value):
    monkeypatch.setenv("JEJAK_DATABASE_URL", "postgresql://jejak@db.internal:5432/jejak")
    monkeypatch.setenv(name, value)
    shown = CliRunner().invoke(main, ["config", "--json"])
    assert shown.exit_code == 2 and json.loads(shown.output)["problem"]["setting"] == name


def test_the_replica_url_is_shown_with_its_password_hidden(monkeypatch):
    monkeypatch.setenv("JEJAK_DATABASE_URL", "postgresql://jejak:pw1@db.internal:5432/jejak")
    monkeypatch.setenv("JEJAK_READ_DATABASE_URL", "postgresql://jejak:s3cret-pw@replica.internal:5432/jejak")
    shown = CliRunner().invoke(main, ["config", "--json"])
    assert shown.exit_code == 0, shown.output
    rows = {r["name"]: r for r in json.loads(shown.output)["settings"]}
    assert "s3cret-pw" not in shown.output and "replica.internal" in rows["JEJAK_READ_DATABASE_URL"]["value"]


def test_a_follow_worker_told_to_read_a_replica_that_is_not_configured_is_a_usage_error(monkeypatch):
    monkeypatch.delenv("JEJAK_READ_DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["projections", "follow", "--events-from", "replica"])
    assert result.exit_code == 2 and "JEJAK_READ_DATABASE_URL" in result.output
