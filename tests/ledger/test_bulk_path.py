"""The bulk path (`jejak import`, the demo) leaves the database exactly as posting one request at a time does."""

from __future__ import annotations

import os
import random
import secrets
import sqlite3
import uuid
from datetime import date, datetime, timedelta, timezone

import psycopg
import pytest

from api.demo import generate
from api.demo.recording import SimClock, batches
from ledger.application import Ledger
from ledger.bulk import BulkStopped, Posting, record_all

SCHEMAS = {"single": "public", "bulk": "jejak_bulk"}


class Inputs:
    """What the ledger draws besides the bodies (event ids, salts, nonces, recording times), fixed per
    posting: the two paths then meet the same input however often the bulk path decides a posting."""

    def __init__(self, monkeypatch, moments: list[list]) -> None:
        self.moments, self.rng, self.clock = moments, random.Random(), SimClock()
        draw = lambda n: self.rng.randbytes(n)  # noqa: E731
        monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=self.rng.getrandbits(128), version=4))
        monkeypatch.setattr(secrets, "token_bytes", lambda n=32: draw(n))
        monkeypatch.setattr(os, "urandom", draw)

    def before(self, i: int) -> None:
        self.rng.seed(2100 + i)
        self.clock.schedule(self.moments[i])
        self.clock.last = datetime(2020, 1, 1, tzinfo=timezone.utc) + timedelta(hours=i)


def city_postings() -> tuple[list[Posting], list[list]]:
    """The first runs of a small demo city (appointments, trainings paid from budgets, leave, SKP,
    personal data), a few as import lines with idempotency keys, one refused and one fix among them."""
    world = generate(200, 1, 7, date(2026, 6, 30))
    runs = list(batches(world.plan.ordered()))[:12]
    postings, moments = [], []
    for n, (actor, run) in enumerate(runs):
        postings.append(Posting([e.body for e, _ in run], actor, batch=True, source="demo"))
        moments.append([at for _, at in run])
    appointed = next(e.body for _, run in runs for e, _ in run if e.body["type"] == "EmployeeAppointed")
    extra = [
        Posting([appointed], "jejak-import", source="import", idempotency_key="refused-twice-appointed"),
        Posting([{"type": "UnitRegistered", "subject": "UJI-BULK", "data": {"name": "Unit Uji Jalur Massal"}}],
                "jejak-import", source="import", idempotency_key="line-1"),
        Posting([{"type": "TrainingBudgetAllocated", "subject": "UJI-BULK", "data": {"year": 2026, "amount": 5000}}],
                "jejak-import", source="import", idempotency_key="line-2"),
        Posting([{"type": "TrainingBudgetAllocated", "subject": "UJI-BULK", "data": {"year": 2026, "amount": 5000}}],
                "jejak-import", source="import", idempotency_key="line-2"),  # a repeated line: a replay
    ]
    return postings + extra, moments + [[] for _ in extra]


def record_singly(ledger: Ledger, inputs: Inputs, postings: list[Posting]) -> list:
    outcomes = []
    for i, p in enumerate(postings):
        inputs.before(i)
        try:
            outcomes.append(ledger.record(p.bodies, p.actor, batch=p.batch, source=p.source,
                                          idempotency_key=p.idempotency_key))
        except Exception as exc:  # noqa: BLE001 - the refusal is part of what is compared
            outcomes.append(type(exc).__name__)
    return outcomes


def record_in_bulk(ledger: Ledger, inputs: Inputs, postings: list[Posting]) -> list:
    outcomes: list = [None] * len(postings)

    def single(i: int, p: Posting) -> None:
        try:
            outcomes[i] = ledger.record(p.bodies, p.actor, batch=p.batch, source=p.source,
                                        idempotency_key=p.idempotency_key)
        except Exception as exc:  # noqa: BLE001
            outcomes[i] = type(exc).__name__

    def done(i: int, receipts: list) -> None:
        outcomes[i] = (receipts, False)

    record_all(ledger, postings, single, inputs.before, done)
    return outcomes


def every_row(url: str, schema: str) -> dict[str, list]:
    """Every table of the ledger's database (its schema on PostgreSQL) with all its rows, sorted."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url[len("sqlite:///"):])
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%'")]
        out = {n: sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}
        conn.close()
        return out
    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables"
                                            " WHERE table_schema = %s", (schema,))]
        return {n: sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in r))
                          for r in conn.execute(f'SELECT * FROM "{schema}"."{n}"')) for n in names}


def run(path, url: str, schema: str, monkeypatch, postings, moments):
    monkeypatch.setenv("JEJAK_POSTGRES_SCHEMA", schema)
    inputs = Inputs(monkeypatch, moments)
    ledger = Ledger(url, clock=inputs.clock)
    try:
        return path(ledger, inputs, postings), ledger.head()
    finally:
        ledger.close()


def test_the_bulk_path_writes_the_same_database_as_posting_one_request_at_a_time(database_url, tmp_path,
                                                                                   monkeypatch):
    postings, moments = city_postings()
    other = f"sqlite:///{tmp_path / 'bulk.db'}" if database_url.startswith("sqlite") else database_url
    single, head = run(record_singly, database_url, SCHEMAS["single"], monkeypatch, postings, moments)
    bulk, bulk_head = run(record_in_bulk, other, SCHEMAS["bulk"], monkeypatch, postings, moments)
    assert head > 500 and bulk_head == head
    assert single[-4] == "RuleViolated" and single[-1][1] is True  # the refusal and the replay were there
    assert bulk == single  # the same receipts, the same refusal, the same replay
    one, many = every_row(database_url, SCHEMAS["single"]), every_row(other, SCHEMAS["bulk"])
    assert set(one) == set(many) and {"jejak_leaves", "jejak_nodes", "jejak_idempotency", "jejak_disclosures"} <= set(one)
    for table in one:
        assert many[table] == one[table], table
    assert one["jejak_disclosures"], "the input carried personal data"


def test_a_refused_posting_in_a_bulk_records_nothing_of_that_bulk(ledger):
    unit = {"type": "UnitRegistered", "subject": "UJI-A", "data": {"name": "Unit Uji A"}}
    again = {"type": "UnitRegistered", "subject": "UJI-A", "data": {"name": "Unit Uji A"}}
    with pytest.raises(BulkStopped) as stopped:
        ledger.record_bulk([Posting([unit], "clerk"), Posting([again], "clerk")])
    assert stopped.value.index == 1 and stopped.value.error is not None
    assert ledger.head() == 0


def test_a_key_claimed_by_a_racing_writer_during_a_bulk_is_answered_as_a_replay_and_recorded_once(database_url):
    bulk, racer = Ledger(database_url), Ledger(database_url)
    units = [{"type": "UnitRegistered", "subject": f"UJI-{i}", "data": {"name": f"Unit Uji {i}"}} for i in range(3)]
    postings = [Posting([u], "siasn-sync", idempotency_key=f"k-{i}") for i, u in enumerate(units)]
    outcomes: dict[int, tuple] = {}

    def race(i: int) -> None:  # while the bulk decides, another writer records the last request itself
        if i == 2:
            racer.record([units[2]], "siasn-sync", idempotency_key="k-2")

    def single(i: int, p: Posting) -> None:
        outcomes[i] = bulk.record(p.bodies, p.actor, idempotency_key=p.idempotency_key)

    try:
        record_all(bulk, postings, single, race, lambda i, receipts: outcomes.__setitem__(i, (receipts, False)))
        assert bulk.head() == 3 and sorted(outcomes) == [0, 1, 2]
        assert outcomes[2][1] is True and [o[1] for i, o in sorted(outcomes.items()) if i < 2] == [False, False]
        assert [e["subject"] for e in bulk.feed(0, 10)].count("UJI-2") == 1
    finally:
        bulk.close()
        racer.close()
