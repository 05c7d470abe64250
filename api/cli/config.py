"""`jejak config`: the effective settings, each with where it came from, secrets hidden."""

from __future__ import annotations

import json
import sys

import click

from ledger.settings import SettingError, load


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="one JSON object: settings and problem")
def config(as_json: bool) -> None:
    """Print every setting's effective value (exit 2 naming the first wrong one)."""
    try:
        shown, problem = load().shown(), None
    except SettingError as exc:
        shown, problem = [], {"setting": exc.name, "message": str(exc)}
    if as_json:
        click.echo(json.dumps({"ok": problem is None, "settings": shown, "problem": problem}, indent=2))
    else:
        width = max((len(row["name"]) for row in shown), default=0)
        for row in shown:
            source = "" if row["source"] == "environment" else "  (default)"
            click.echo(f"{row['name']:<{width}}  {row['value']}{source}")
        if problem:
            click.echo(f"jejak config: {problem['message']}", err=True)
    if problem:
        sys.exit(2)


COMMANDS = [config]
