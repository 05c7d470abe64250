"""`jejak config` and the settings table: every setting shown, secrets hidden, a wrong one named with
exit 2 (also by `jejak serve`, before it starts), and every `JEJAK_*` name the code reads documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from ledger.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[3]
TEST_ONLY = {"JEJAK_TEST_PG", "JEJAK_BENCH_PG", "JEJAK_BENCH_RESULTS"}


@pytest.fixture
def jejak(monkeypatch, tmp_path):
    for s in SETTINGS:
        monkeypatch.delenv(s.name, raising=False)
    monkeypatch.setenv("JEJAK_DATABASE_URL", "postgresql://jejak:s3cret-pw@db.internal:5432/jejak")

    def run(*args: str):
        return CliRunner().invoke(main, list(args))
    return run


def test_config_prints_every_setting_with_the_database_password_hidden(jejak):
    result = jejak("config")
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert "postgresql://jejak:***@db.internal:5432/jejak" in result.output
    for s in SETTINGS:
        assert s.name in result.output
    assert re.search(r"JEJAK_READY_MAX_LAG\s+10000\s+\(default\)", result.output)


def test_config_json_names_each_setting_its_value_and_where_it_came_from(jejak, monkeypatch):
    monkeypatch.setenv("JEJAK_READY_MAX_LAG", "250")
    result = jejak("config", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    shown = {row["name"]: row for row in doc["settings"]}
    assert doc["ok"] is True and set(shown) == {s.name for s in SETTINGS}
    assert shown["JEJAK_READY_MAX_LAG"]["value"] == "250" and shown["JEJAK_READY_MAX_LAG"]["source"] == "environment"
    assert shown["JEJAK_LOCK_TIMEOUT"]["value"] == "5" and shown["JEJAK_LOCK_TIMEOUT"]["source"] == "default"
    assert "s3cret-pw" not in result.output


@pytest.mark.parametrize("name, value", [("JEJAK_READY_MAX_LAG", "-1"), ("JEJAK_POOL_SIZE", "lots"),
                                         ("JEJAK_DATABASE_URL", "mysql://db/jejak"),
                                         ("JEJAK_PUBLIC_READ_RATE", "300 per minute"),
                                         ("JEJAK_WITNESSES", "not-a-url key"), ("JEJAK_LOG_LEVEL", "loud")])
def test_a_wrong_setting_is_named_and_exits_2_in_config_and_in_serve(jejak, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    shown = jejak("config", "--json")
    assert shown.exit_code == 2 and json.loads(shown.output)["problem"]["setting"] == name
    served = jejak("serve", "--port", "1")
    assert served.exit_code == 2
    assert name in served.output and "serving" not in served.output


def test_deploy_md_documents_every_setting_with_its_default_and_meaning():
    text = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([A-Z_]+)` \|.*$", text, re.M)}
    for s in SETTINGS:
        assert s.name in rows, f"docs/DEPLOY.md has no row for {s.name}"
        assert s.default_text().split(" ")[0].strip("`") in rows[s.name] or not s.default_text()


def test_every_jejak_variable_the_code_reads_is_a_declared_setting():
    read = set()
    for package in ("ledger", "projections", "api"):
        for path in (ROOT / package).rglob("*.py"):
            read |= set(re.findall(r"\bJEJAK_[A-Z_]+[A-Z]\b", path.read_text(encoding="utf-8")))
    read.discard("JEJAK_")
    undeclared = read - {s.name for s in SETTINGS} - TEST_ONLY
    assert not undeclared, f"read but not in ledger/settings.py (nor docs/DEPLOY.md): {sorted(undeclared)}"
