"""Baseline: the ledger's own tables and the key table as Jejak created them when migrations began.

A database opened by Jejak already has them (the recorders and the key store create them IF NOT
EXISTS, so a brand-new database works without a migration): upgrading to this revision creates
whatever is missing and records the revision. Later revisions change these tables with `op`.
"""

from alembic import op

from api.keys import metadata as keys_metadata
from ledger.storage.recorders import LEDGER_TABLES

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    blob, without_rowid = ("BYTEA", "") if postgres else ("BLOB", " WITHOUT ROWID")
    for statement in LEDGER_TABLES:
        op.execute(statement.format(blob=blob, without_rowid=without_rowid))
    keys_metadata.create_all(bind, checkfirst=True)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: the ledger's tables are append-only")
