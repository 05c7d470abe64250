"""An audit page is read outside a transaction (AUTOCOMMIT for one statement): the pooled connection it used
must come back transactional, so a later write through the same engine that rolls back leaves nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from projections.engine import make_engine
from projections.models.audit_index import audit as audit_table
from projections.queries.audit_trail import audit, audit_event
from projections.tables import metadata

scratch = sa.Table("review_scratch", sa.MetaData(), sa.Column("n", sa.Integer))


def _autocommitting(conn: sa.Connection) -> bool:
    dbapi = conn.connection.dbapi_connection
    return bool(dbapi.autocommit) if hasattr(dbapi, "pgconn") else dbapi.isolation_level is None


@pytest.mark.parametrize("factory", ["projections", "api"])
@pytest.mark.parametrize("read", [lambda e: audit(e, limit=5), lambda e: audit_event(e, 1)])
def test_a_write_after_an_audit_page_on_the_same_pooled_connection_still_rolls_back(database_url, read, factory):
    from api.db import make_engine as api_engine

    engine = make_engine(database_url) if factory == "projections" else api_engine(database_url)
    try:
        metadata.create_all(engine, tables=[audit_table, audit_table.metadata.tables["proj_audit_change"]])
        scratch.create(engine)
        with engine.connect() as conn:
            used = conn.connection.dbapi_connection
        read(engine)
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection is used, "the test must reuse the page's connection"
            assert not _autocommitting(conn)
            conn.execute(scratch.insert().values(n=1))
            conn.rollback()
        with pytest.raises(RuntimeError):
            with engine.begin() as conn:
                conn.execute(scratch.insert().values(n=2))
                raise RuntimeError("abandon the write")
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(scratch)).scalar() == 0
    finally:
        engine.dispose()
