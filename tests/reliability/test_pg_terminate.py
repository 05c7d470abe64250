"""PostgreSQL ends every connection of the ledger's database, several times, while clients post.

This is what a restart or a failover does to the server's pooled connections. Every answer must be a
receipt (201, or 200 for a replayed Idempotency-Key) or `503 database_busy` with Retry-After, never a
500; a client that got a 503 (or lost its connection) sends the same request with the same key again
and gets its receipt; and every acknowledged event is in the ledger exactly once.

PostgreSQL only: SQLite has no server whose connections can be ended (its crash scenarios are in
test_crash.py, on both backends).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter

import psycopg
import pytest

from server_process import running  # noqa: E402

CLIENTS, EVENTS_EACH, TERMINATIONS = 6, 25, 8


class Http:
    """One keep-alive connection, reopened after an error; keeps the last answer's headers."""

    def __init__(self, base: str, token: str) -> None:
        self.port = int(base.rsplit(":", 1)[1])
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn: http.client.HTTPConnection | None = None
        self.last_headers: dict[str, str] = {}

    def post(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.conn.request("POST", path, body=raw, headers={**self.headers, **headers})
            resp = self.conn.getresponse()
            body = resp.read()
        except BaseException:
            self.close()
            raise
        self.last_headers = dict(resp.getheaders())
        if resp.will_close:
            self.close()
        return resp.status, body

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def terminate_all(url: str) -> int:
    """pg_terminate_backend on every other connection to the test's database; how many were ended."""
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,)).fetchall()
    return sum(1 for (ended,) in rows if ended)


def client(base: str, token: str, index: int, answers: list[dict], stop: threading.Event) -> None:
    """Post EVENTS_EACH unit registrations, each with its own key, retrying a 503 or a lost
    connection with the same key until a final answer comes."""
    http_ = Http(base, token)
    try:
        for i in range(EVENTS_EACH):
            key = f"c{index}-e{i}"
            body = json.dumps({"type": "UnitRegistered", "subject": f"PGT-{index}-{i}",
                               "data": {"name": f"Unit {index}.{i}"}}).encode()
            seen: list = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    status, raw = http_.post("/v1/events", body, {"Idempotency-Key": key})
                except (OSError, http.client.HTTPException):
                    seen.append("connection")
                    time.sleep(0.05)
                    continue
                seen.append(status)
                answer = json.loads(raw) if raw else {}
                if status == 503:
                    assert answer["error"]["code"] == "database_busy", answer
                    seen.append(("retry-after", http_.last_headers.get("Retry-After")))
                    time.sleep(0.05)
                    continue
                answers.append({"key": key, "status": status, "answer": answer, "seen": seen})
                break
            else:
                answers.append({"key": key, "status": None, "answer": None, "seen": seen})
            time.sleep(0.01)
    finally:
        http_.close()


@pytest.mark.slow
def test_ending_every_database_connection_during_load_gives_no_500_and_loses_no_acknowledged_event(
        pg_database, tmp_path):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    answers: list[dict] = []
    stop = threading.Event()
    with running(pg_database, tmp_path, threads=4) as server:
        threads = [threading.Thread(target=client, args=(server.url, server.token, i, answers, stop))
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        ended = []
        for _ in range(TERMINATIONS):
            time.sleep(0.4)
            ended.append(terminate_all(pg_database))
        for t in threads:
            t.join(timeout=180)
        stop.set()
        log = server.log.read_text()
    statuses = Counter(a["status"] for a in answers)
    retried = sum(1 for a in answers if len(a["seen"]) > 1)
    assert sum(ended) >= TERMINATIONS, f"the terminations ended no connection: {ended}"
    assert statuses[500] == 0, [a for a in answers if a["status"] == 500][:3]
    assert set(statuses) <= {200, 201}, (statuses, [a for a in answers if a["status"] not in (200, 201)][:3])
    assert len(answers) == CLIENTS * EVENTS_EACH
    retry_after = [s[1] for a in answers for s in a["seen"] if isinstance(s, tuple)]
    assert all(v == "1" for v in retry_after), f"a 503 without Retry-After: {retry_after}"
    assert "internal_error" not in log and "Traceback" not in log, log[-3000:]
    with psycopg.connect(pg_database) as conn:
        stored = Counter(r[0] for r in conn.execute("SELECT event_id FROM jejak_leaves").fetchall())
        positions = [r[0] for r in conn.execute("SELECT position FROM jejak_leaves ORDER BY position")]
    receipts = [a["answer"]["event_id"] for a in answers]
    assert all(stored[eid] == 1 for eid in receipts), "an acknowledged event is missing or twice in the ledger"
    assert len(stored) == len(receipts) == len(set(receipts)), "an event was recorded that no receipt names"
    assert positions == list(range(1, len(positions) + 1)), "positions have a gap"
    print(f"terminated {ended}; answers {dict(statuses)}; {retried} requests needed a client retry "
          f"({len(retry_after)} answers of 503)")
