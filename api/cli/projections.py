"""`jejak projections status|rebuild [NAME]|follow`: operate the read models from the shell."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from ledger.config import database_url
from projections.runner import NAMES, Projections, UnknownProjection


def _open(create: bool = False, can_create: bool = False) -> tuple[Any, Projections]:
    """The ledger and its read models, on the database named on stderr (never a new SQLite file unless `create`)."""
    from api.cli.opening import open_ledger, opened

    ledger = open_ledger(create, can_create)
    return ledger, opened(database_url(), lambda: Projections(database_url()))


@click.group("projections")
def projections_group() -> None:
    """Read models built from the ledger: status, rebuild, follow."""


@projections_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.option("--create", is_flag=True, help="open a new, empty SQLite database when none exists yet")
def status(as_json: bool, create: bool) -> None:
    """Position, head and lag of every projection."""
    ledger, projections = _open(create, can_create=True)
    rows = projections.status(ledger)
    if as_json:
        import json

        click.echo(json.dumps(rows))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("projection", "position", "head", "lag")
    for r in rows:
        table.add_row(r["name"], str(r["position"]), str(r["head"]), str(r["lag"]))
    Console().print(table)


@projections_group.command("rebuild")
@click.argument("name", required=False, type=click.Choice(NAMES))
@click.option("--chunk-size", type=click.IntRange(1, 100000), default=None, help="events per transaction")
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True,
              help="processes rebuilding projections side by side")
def rebuild(name: str | None, chunk_size: int | None, workers: int) -> None:
    """Empty one projection (or all) and rebuild it from the first event, with progress."""
    import rich

    ledger, projections = _open()
    rich.reconfigure(stderr=True)  # the bar is drawn on rich's global console: stdout keeps only the result
    try:
        n = projections.rebuild(ledger, name, progress=True, chunk_size=chunk_size, workers=workers)
    except UnknownProjection as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        rich.reconfigure()
    click.echo(f"rebuilt {name or 'all projections'}: {n} events")


@projections_group.command("follow")
@click.option("--interval", type=click.FloatRange(0.01, 60), default=0.5, show_default=True,
              help="seconds between polls when idle")
@click.option("--chunk-size", type=click.IntRange(1, 100000), default=None, help="events per transaction")
@click.option("--events-from", type=click.Choice(["primary", "replica"]), default=None,
              help="where to read the events: the replica in JEJAK_READ_DATABASE_URL (the default when it is set) "
                   "or the primary; the read models are written on the primary either way")
def follow(interval: float, chunk_size: int | None, events_from: str | None) -> None:
    """A worker that keeps every projection caught up until interrupted (SIGINT/SIGTERM)."""
    from api.reads import read_url

    replica = read_url()
    if events_from == "replica" and replica is None:
        raise click.UsageError("--events-from replica: JEJAK_READ_DATABASE_URL is not set")
    ledger, projections = _open()
    if replica is not None and events_from != "primary":
        from ledger.application import open_reader

        ledger.close()  # the replica replays the primary's commits in position order: no position is skipped
        ledger = open_reader(replica)
        click.echo(f"reading events from the replica {replica}", err=True)
    if chunk_size:
        projections.chunk_size = chunk_size
    stop = threading.Event()

    def _stop(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"following {database_url()} every {interval}s; Ctrl-C stops", err=True)
    projections.follow(ledger, interval=interval, stop=stop,
                       on_progress=lambda n: click.echo(f"applied {n} events", err=True))
    click.echo("stopped", err=True)


COMMANDS = [projections_group]

if __name__ == "__main__":  # `python -m api.cli_projections follow` when the full CLI is not wanted
    projections_group()
