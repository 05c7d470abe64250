"""Alembic migrations of the ledger's own tables (jejak_*) and the key table; see api/migrate.py."""
