"""The FIRST request after PostgreSQL ends every connection, for each kind of read: it answers as before.

`test_pg_terminate_reads` ends the connections and then reads each path four times, so a path whose own
first use of the ledger's pool is not retried can hide behind an earlier read that drained the ended
connections. Here each read is the first request after a termination, and the reads include what the other
test does not make: personal data (its access-log row is a write on the ledger's pool), the audit trail,
the checkpoint, the public portal.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from server_process import running  # noqa: E402
from test_pg_terminate import terminate_all  # noqa: E402
from test_pg_terminate_reads import NIP, call

APPOINTED = {"type": "EmployeeAppointed", "subject": NIP, "effective_date": "2025-01-02",
             "legal_basis": {"number": "800/1/BKPSDM/2025", "date": "2025-01-02"},
             "data": {"employment_type": "pns", "name": "Pegawai Uji", "grade": "III/a", "nik": "3201010101850001",
                      "birth_date": "1985-03-12", "address": "Jl. Uji 1",
                      "position": {"type": "pelaksana", "title": "Pengadministrasi Umum"}, "unit": "BKPSDM"}}


def page(server, path: str) -> tuple[int, str]:
    req = urllib.request.Request(server.url + path)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.slow
def test_the_first_read_after_postgresql_ends_every_connection_answers(pg_database, tmp_path):
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    with running(pg_database, tmp_path, threads=1) as server:
        assert call(server, "/v1/events", {"type": "UnitRegistered", "subject": "BKPSDM",
                                           "data": {"name": "Badan Kepegawaian"}})[0] == 201
        status, receipt = call(server, "/v1/events", APPOINTED)
        assert status == 201, receipt
        reads = {f"/v1/employees/{NIP}": call, f"/v1/events/{receipt['event_id']}": call,
                 f"/v1/employees/{NIP}/history": call, f"/v1/audit?subject={NIP}": call,
                 "/v1/ledger/checkpoint": call, "/v1/public/units": page, "/": page}
        before = {path: read(server, path) for path, read in reads.items()}
        assert all(s == 200 for s, _ in before.values()), {p: a for p, a in before.items() if a[0] != 200}
        failed = {}
        for _ in range(3):
            for path, read in reads.items():
                terminate_all(pg_database)
                status, answer = read(server, path)
                if status != 200 or (read is call and answer != before[path][1]):
                    failed.setdefault(path, (status, str(answer)[:300]))
        assert failed == {}, failed
