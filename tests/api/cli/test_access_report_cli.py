"""`jejak access-report NIP`: the employee's own report of who read their personal data; reading it is logged,
and so is `jejak replay`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from ledger.storage import access_log

NIP = "198503122010011002"


@pytest.fixture
def read_twice(ledger, database_url, hr, monkeypatch):
    """An employee with personal data whose record an auditor read twice through the API."""
    monkeypatch.setenv("JEJAK_DATABASE_URL", database_url)
    ledger.record([hr.unit(), hr.appoint(nik="1275011203850001", address="Jl. Sudirman 1")], "tester", batch=True)
    access_log.append(ledger.recorder, [
        access_log.entry("auditor-1", "auditor", NIP, ["nik", "address"], "/v1/employees/<nip>", "req-1"),
        access_log.entry("inspektorat", "admin", NIP, ["data.nik"], "/v1/employees/<nip>/history", "req-2"),
        access_log.entry("auditor-1", "auditor", "197901012005011001", ["nik"], "/v1/employees/<nip>", "req-3")])
    return ledger


def jejak(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_report_lists_who_read_the_employee_when_which_fields_and_route(read_twice):
    result = jejak("access-report", NIP, "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)["items"]
    assert [(i["principal"], i["fields"], i["route"], i["request_id"]) for i in items] == [
        ("auditor-1", ["address", "nik"], "/v1/employees/<nip>", "req-1"),
        ("inspektorat", ["data.nik"], "/v1/employees/<nip>/history", "req-2")]
    text = jejak("access-report", NIP).output  # now with the first report's own read
    assert "3 reads" in text and "auditor-1 (auditor)  address, nik  via /v1/employees/<nip>" in text


def test_reading_the_report_is_itself_logged_and_shows_in_the_next_report(read_twice):
    jejak("access-report", NIP, "--json")
    [logged] = access_log.read(read_twice.recorder, subject=NIP, after_id=3)
    assert logged["principal"].startswith("cli") and logged["role"] == "admin"
    assert (logged["fields"], logged["route"]) == (["access_log"], "jejak access-report")
    items = json.loads(jejak("access-report", NIP, "--json").output)["items"]
    assert items[-1]["route"] == "jejak access-report"


def test_replay_logs_the_personal_fields_it_prints(read_twice):
    result = jejak("replay", NIP)
    assert result.exit_code == 0 and "1275011203850001" in result.output
    [logged] = access_log.read(read_twice.recorder, subject=NIP, after_id=3)
    assert (logged["fields"], logged["route"]) == (["address", "nik"], "jejak replay")


def test_a_subject_nobody_read_gets_an_empty_report_and_a_bad_one_a_usage_error(read_twice):
    assert json.loads(jejak("access-report", "199001012015012001", "--json").output)["items"] == []
    assert jejak("access-report", "../etc").exit_code == 2


def test_exporting_a_subjects_bundle_from_the_command_line_is_logged(read_twice, tmp_path, monkeypatch):
    from ledger.integrity.checkpoints import create_key_file

    key = tmp_path / "signing.key"
    create_key_file(key)
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(key))
    result = jejak("export", "--subject", NIP, "-o", str(tmp_path / "b.zip"))
    assert result.exit_code == 0, result.output
    [logged] = access_log.read(read_twice.recorder, subject=NIP, after_id=3)
    assert (logged["fields"], logged["route"]) == (["bundle"], "jejak export")
