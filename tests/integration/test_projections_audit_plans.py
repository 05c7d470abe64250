"""Audit queries by actor, on_behalf_of, subject, type, unit and time range are index scans on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from projections import queries
from projections.runner import Projections

CASES = {
    "actor": ({"actor": "siasn-sync"}, "proj_audit_actor"),
    "on_behalf_of": ({"on_behalf_of": "197901012005011001"}, "proj_audit_on_behalf_of"),
    "subject": ({"subject": "198503122010011002"}, "proj_audit_subject"),
    "type": ({"type": "PromotionGranted"}, "proj_audit_type"),
    "unit": ({"unit": "DINKES"}, "proj_audit_unit"),
    "time range": ({"since": "2025-01-01T00:00:00Z", "until": "2025-02-01T00:00:00Z"}, "proj_audit_recorded_at"),
    "next page of a subject": ({"subject": "198503122010011002", "before_position": 1000}, "proj_audit_subject"),
}


def plan(engine, filters: dict) -> list[str]:
    postgres = engine.dialect.name == "postgresql"
    sql = str(queries.audit_query(**filters).compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if postgres:  # the planner's choice on an empty table says nothing: ask whether the index serves the query
            conn.execute(text("SET enable_seqscan = off"))
        rows = conn.execute(text(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql)).all()
    return [str(r[-1]) for r in rows]


@pytest.mark.parametrize("case", list(CASES))
def test_audit_queries_are_index_scans(database_url, case):
    filters, index = CASES[case]
    projections = Projections(database_url)
    try:
        lines = plan(projections.engine, filters)
    finally:
        projections.close()
    text_plan = "\n".join(lines)
    assert index in text_plan, text_plan
    assert "Seq Scan" not in text_plan and not any(line.startswith("SCAN proj_audit") for line in lines), text_plan
