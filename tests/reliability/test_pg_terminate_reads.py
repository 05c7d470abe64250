"""PostgreSQL ends every connection of the ledger's database between reads: every read still answers.

The ledger's pooled connections are not pinged before each use (a round trip per query: a warm
`as_of` made four instead of two); a read that finds its connection ended by a restart or a failover
is retried on a new one (`ledger.storage.retrying.retry_read`). This holds that: after each
termination, every kind of read a client makes answers 200 with what it answered before.
"""

from __future__ import annotations

import json
import urllib.request

import psycopg
import pytest

from server_process import running  # noqa: E402
from test_pg_terminate import terminate_all  # noqa: E402

NIP = "198503122010011002"


def call(server, path: str, body: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(server.url + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": f"Bearer {server.token}",
                                          "Content-Type": "application/json"}, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.slow
def test_every_read_answers_after_postgresql_ends_every_connection(pg_database, tmp_path):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    with running(pg_database, tmp_path, threads=4) as server:
        status, unit = call(server, "/v1/events", {"type": "UnitRegistered", "subject": "BKPSDM",
                                                   "data": {"name": "Badan Kepegawaian"}})
        assert status == 201, unit
        status, receipt = call(server, "/v1/events", {
            "type": "EmployeeAppointed", "subject": NIP, "effective_date": "2025-01-02",
            "legal_basis": {"number": "800/1/BKPSDM/2025", "date": "2025-01-02"},
            "data": {"employment_type": "pns", "name": "Pegawai Uji", "grade": "III/a",
                     "position": {"type": "pelaksana", "title": "Pengadministrasi Umum"}, "unit": "BKPSDM"}})
        assert status == 201, receipt
        reads = [f"/v1/employees/{NIP}", f"/v1/employees/{NIP}/history", f"/v1/events/{receipt['event_id']}",
                 f"/v1/ledger/proof/inclusion?position={receipt['position']}&tree_size=2", "/v1/feed?after=0"]
        before = {path: call(server, path) for path in reads}
        assert all(s == 200 for s, _ in before.values()), {p: s for p, (s, _) in before.items()}
        ended = 0
        for _ in range(3):
            ended += terminate_all(pg_database)
            for path in reads:  # each worker's pool holds connections the server has ended
                for _ in range(4):
                    status, answer = call(server, path)
                    assert status == 200, (path, status, answer)
                    assert answer == before[path][1], path
        assert ended >= 3, f"the terminations ended only {ended} connections"
        log = server.log.read_text()
    assert "internal_error" not in log and "Traceback" not in log, log[-3000:]
