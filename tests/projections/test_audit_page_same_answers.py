"""The audit page in one statement (rows joined to their changes) answers exactly what the two-query read did:
same rows in the same order, each with its changes in `seq` order, for every filter and limit, rows with no
change, many changes, a JSON-null, SQL-NULL or nested legal basis, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from projections.engine import make_engine
from projections.models.audit_index import AUDIT_KEYS, CHANGE_KEYS, audit as audit_table, audit_change
from projections.queries import audit_trail
from projections.queries.audit_trail import _audit_row, audit, audit_event, audit_query
from projections.tables import insert_rows, metadata

BASES = [None, {"number": "800/12/2025", "date": "2025-01-02", "title": "Keputusan Bupati — ü"},
         {"number": "X", "items": [1, 2.5, True, None, {"k": "v"}]}, "plain text basis", 7]


class _Without:
    """A row with its legal basis hidden (the old `_audit_row` took it as decoded by the column type)."""

    def __init__(self, row):
        self.row = row

    def __getattr__(self, name):
        return None if name == "legal_basis" else getattr(self.row, name)


def _two_queries(engine, q):
    """The read as it was before the single statement (cec8957): the page, then its changes."""
    with engine.connect() as conn:
        rows = conn.execute(q).all()
        changes = {}
        if rows:
            cq = sa.select(audit_change).where(audit_change.c.position.in_([r.position for r in rows])).order_by(
                audit_change.c.position, audit_change.c.seq)
            for c in conn.execute(cq):
                changes.setdefault(c.position, []).append({"field": c.field, "before": c.before, "after": c.after})
    out = []
    for r in rows:
        row = _audit_row(_Without(r), changes.get(r.position, []))
        row["legal_basis"] = r.legal_basis
        out.append(row)
    return out


def _fill(engine, rnd):
    rows, change_rows = [], []
    t0 = datetime(2026, 1, 1)
    for p in range(1, 121):
        rows.append([p, f"00000000-0000-0000-0000-{p:012d}", t0 + timedelta(minutes=p), rnd.choice("ab"),
                     rnd.choice([None, "x"]), "src", rnd.choice(["T1", "T2"]), rnd.choice(["s1", "s2", "s3"]),
                     "employee", p, rnd.choice([None, "U1", "U2"]), rnd.choice([None, date(2025, 1, p % 28 + 1)]),
                     rnd.choice(BASES), None, rnd.choice([None, "why"]), None, rnd.random() < 0.3])
        many = rnd.choice([0, 0, 1, 3, 40])
        # seq written out of order: the answer must still be in seq order
        for i in rnd.sample(range(many), many):
            change_rows.append([p, i, f"f{i:02d}", rnd.choice([None, i, "a", [1, {"b": None}]]), {"n": i}])
    with engine.begin() as conn:
        insert_rows(conn, audit_table, rows, AUDIT_KEYS)
        insert_rows(conn, audit_change, change_rows, CHANGE_KEYS)
        conn.execute(audit_table.update().where(audit_table.c.position == 5).values(legal_basis=sa.null()))


FILTERS = [{}, {"actor": "a"}, {"on_behalf_of": "x"}, {"subject": "s2"}, {"type": "T1"}, {"unit": "U1"},
           {"since": "2026-01-01T00:30:00+00:00"}, {"until": "2026-01-01T01:00:00+00:00"},
           {"before_position": 60}, {"before_position": 1}, {"subject": "nobody"},
           {"actor": "b", "subject": "s1", "unit": "U2", "since": "2026-01-01T00:10:00+00:00",
            "until": "2026-01-01T01:50:00+00:00", "before_position": 100}]


def test_every_filter_and_limit_answers_what_the_two_queries_did(database_url):
    engine = make_engine(database_url)
    try:
        metadata.create_all(engine, tables=[audit_table, audit_change])
        _fill(engine, random.Random(8299468))
        for filters, limit in itertools.product(FILTERS, [1, 2, 3, 7, 50, 1000]):
            want = _two_queries(engine, audit_query(**filters, limit=limit))
            assert audit(engine, **filters, limit=limit) == want, (filters, limit)
        for p in [1, 5, 60, 120, 121]:
            want = _two_queries(engine, sa.select(audit_table).where(audit_table.c.position == p))
            assert audit_event(engine, p) == (want[0] if want else None), p
        page = audit(engine, limit=1000)
        assert [r["position"] for r in page] == list(range(120, 0, -1))
        assert any(len(r["changes"]) == 40 for r in page) and any(not r["changes"] for r in page)
        assert all([c["field"] for c in r["changes"]] == sorted(c["field"] for c in r["changes"]) for r in page)
    finally:
        engine.dispose()


def test_the_page_keeps_the_query_order_whichever_way_it_runs_and_groups_an_unordered_one(database_url):
    engine = make_engine(database_url)
    try:
        metadata.create_all(engine, tables=[audit_table, audit_change])
        _fill(engine, random.Random(1))
        for order in [audit_table.c.position, audit_table.c.position.desc(), audit_table.c.position.asc()]:
            q = sa.select(audit_table).order_by(order).limit(10)
            with engine.connect() as conn:
                got = audit_trail._page(conn, q)
            assert [r["position"] for r in got] == [r["position"] for r in _two_queries(engine, q)], order
        unordered = sa.select(audit_table).where(audit_table.c.position.between(3, 30))  # each row once, whole
        with engine.connect() as conn:
            got = audit_trail._page(conn, unordered)
        assert sorted(got, key=lambda r: r["position"]) == _two_queries(engine, unordered.order_by("position"))
    finally:
        engine.dispose()
