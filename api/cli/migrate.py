"""`jejak migrate`: bring the ledger's own tables and the key table to the newest schema (Alembic)."""

from __future__ import annotations

import json

import click

from api.cli.opening import create_option, database, opened


@click.command("migrate")
@create_option
@click.option("--json", "as_json", is_flag=True, help="print {before, after, head} as JSON")
def migrate(create: bool, as_json: bool) -> None:
    """Create what is missing, then apply every Alembic revision not yet applied (`jejak serve` does too)."""
    from api.bootstrap import build_services
    from api.migrate import head, upgrade

    url = database(create=create, quiet=as_json)
    opened(url, lambda: build_services(url)).close()  # a brand-new database: the tables first, as serve does
    before, after = upgrade(url)
    if as_json:
        click.echo(json.dumps({"before": before, "after": after, "head": head()}))
    elif before == after:
        click.echo(f"jejak: schema at {after}; nothing to do", err=True)
    else:
        click.echo(f"jejak: schema upgraded from {before or 'none (stamped)'} to {after}", err=True)


COMMANDS = [migrate]
