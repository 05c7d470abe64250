"""Alembic's environment: run on the connection api/migrate.py hands over (its transaction, its schema)."""

from alembic import context

from api.migrate import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
