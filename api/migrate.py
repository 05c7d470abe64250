"""Schema migrations of the ledger's own tables and the key table, with Alembic (api/migrations/).

The recorders and the key store still create their tables IF NOT EXISTS, so a brand-new database
works at once; `upgrade` then records (stamps) the baseline and applies any later revision. It runs
in `jejak migrate` and at every `jejak serve` start, once, in the master before the workers fork,
inside one transaction (PostgreSQL and SQLite both roll DDL back); on PostgreSQL it holds an advisory
lock, so two processes upgrading at once take turns. The read models are not migrated: they are rebuilt from the ledger
when their columns or their version change (projections/versions.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from api.db import make_engine

VERSION_TABLE = "jejak_schema_version"
LOCATION = Path(__file__).with_name("migrations")


def _config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.attributes["connection"] = connection
    return config


def current(connection: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def head() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory(str(LOCATION)).get_current_head())


def upgrade(url: str | None = None) -> tuple[str | None, str | None]:
    """Upgrade the database to the newest revision; (revision before, revision after)."""
    from alembic import command

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('jejak-migrate'))"))
            before = current(conn)
            command.upgrade(_config(conn), "head")
            return before, current(conn)
    finally:
        engine.dispose()
