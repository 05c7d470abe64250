"""The access log is append-only and hash-chained on the same terms as the ledger, on SQLite and PostgreSQL.

An insider with the database edits or deletes a row after switching the append-only trigger off, as
a superuser could; `jejak verify` must then exit 1 naming the first broken row.
"""

from __future__ import annotations

import json
import sqlite3
import threading

import psycopg
import pytest
from click.testing import CliRunner

from api.cli.integrity import verify
from ledger.application import Ledger
from ledger.storage import access_log


def entries(n: int, subject: str = "198503122010011002", principal: str = "auditor-1") -> list[dict]:
    return [access_log.entry(principal, "auditor", subject, ["nik", "address"], "/v1/employees/<nip>", f"req-{i}")
            for i in range(n)]


class Insider:
    """Direct SQL on the database file or server, append-only trigger switched off first."""

    def __init__(self, url: str) -> None:
        self.postgres = url.startswith("postgresql")
        self.conn = (psycopg.connect(url, autocommit=True) if self.postgres
                     else sqlite3.connect(url[len("sqlite:///"):], isolation_level=None))

    def sql(self, statement: str, params: tuple = (), *, trigger_off: bool = True) -> None:
        if trigger_off and self.postgres:
            self.conn.execute("ALTER TABLE jejak_access_log DISABLE TRIGGER USER")
        elif trigger_off:
            for op in ("update", "delete"):
                self.conn.execute(f"DROP TRIGGER IF EXISTS jejak_append_only_{op}_jejak_access_log")
        self.conn.execute(statement.replace("?", "%s") if self.postgres else statement, params)

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def logged(ledger, database_url, monkeypatch, tmp_path):
    """Five rows in the access log; verify reads this database."""
    monkeypatch.setenv("JEJAK_DATABASE_URL", database_url)
    access_log.append(ledger.recorder, entries(5))
    insider = Insider(database_url)
    yield ledger, insider
    insider.close()


def run_verify() -> tuple[int, dict]:
    result = CliRunner().invoke(verify, ["--json"])
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def test_appended_rows_are_numbered_without_gaps_and_each_chains_to_the_one_before(logged):
    ledger, _ = logged
    access_log.append(ledger.recorder, entries(2, subject="199001012015012001", principal="admin-1"))
    rows = ledger.recorder.query("SELECT id, prev_hash, row_hash FROM jejak_access_log ORDER BY id")
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[0][1] == "00" * 32 and all(b[1] == a[2] for a, b in zip(rows, rows[1:]))
    mine = access_log.read(ledger.recorder, principal="admin-1")
    assert [r["id"] for r in mine] == [6, 7] and mine[0]["fields"] == ["address", "nik"]
    assert access_log.read(ledger.recorder, subject="198503122010011002", after_id=3, limit=1)[0]["id"] == 4


def test_an_intact_access_log_passes_verify(logged):
    code, report = run_verify()
    assert report["access_log_problems"] == [] and code in (0, 3), report


@pytest.mark.parametrize("statement", ["UPDATE jejak_access_log SET principal = 'nobody' WHERE id = 2",
                                       "DELETE FROM jejak_access_log WHERE id = 2"])
def test_changing_or_deleting_a_row_is_refused_by_the_trigger(logged, statement):
    ledger, insider = logged
    refused = psycopg.errors.InsufficientPrivilege if insider.postgres else sqlite3.IntegrityError
    with pytest.raises(refused, match="append-only"):
        insider.sql(statement, trigger_off=False)
    assert len(access_log.read(ledger.recorder)) == 5


def test_an_insider_who_edits_a_row_is_named_by_verify(logged):
    _, insider = logged
    insider.sql("UPDATE jejak_access_log SET principal = 'someone-else' WHERE id = 3")
    code, report = run_verify()
    assert code == 1 and not report["ok"]
    assert report["access_log_problems"][0]["row"] == 3
    assert "edited" in report["access_log_problems"][0]["message"]
    text = CliRunner().invoke(verify, []).output
    assert "TAMPERED: first bad access log row 3" in text


def test_an_insider_who_edits_a_row_and_recomputes_its_hash_is_named_at_the_next_row(logged):
    _, insider = logged
    from ledger.integrity.access_chain import row_hash

    row = {"id": 3, "at": "2020-01-01T00:00:00.000000Z", "principal": "x", "role": "auditor",
           "subject": "198503122010011002", "fields": ["nik"], "route": "/v1/employees/<nip>", "request_id": "r"}
    prev = logged[0].recorder.query("SELECT prev_hash FROM jejak_access_log WHERE id = 3")[0][0]
    insider.sql("UPDATE jejak_access_log SET at = ?, principal = 'x', fields = ?, request_id = 'r', row_hash = ?"
                " WHERE id = 3", (row["at"], json.dumps(["nik"]), row_hash(prev, row)))
    code, report = run_verify()
    assert code == 1 and report["access_log_problems"][0]["row"] == 4
    assert "row 3" in report["access_log_problems"][0]["message"]


def test_an_insider_who_deletes_a_row_is_named_by_verify(logged):
    _, insider = logged
    insider.sql("DELETE FROM jejak_access_log WHERE id = 2")
    code, report = run_verify()
    assert code == 1 and report["access_log_problems"][0]["row"] == 2
    assert "missing" in report["access_log_problems"][0]["message"]


def test_concurrent_appends_from_two_processes_worth_of_connections_keep_one_chain(logged, database_url):
    first, _ = logged
    second = Ledger(database_url)
    try:
        def work(ledger: Ledger) -> None:
            for _ in range(15):
                access_log.append(ledger.recorder, entries(2))

        threads = [threading.Thread(target=work, args=(lg,)) for lg in (first, second, first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        second.close()
    assert [r["id"] for r in access_log.read(first.recorder, limit=1000)] == list(range(1, 5 + 4 * 30 + 1))
    code, report = run_verify()
    assert report["access_log_problems"] == [], report
