"""`jejak releases publish [--period P] [--today D]`: publish the public statistics releases that are due."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

EXIT_REFUSED = 1


@click.group("releases")
def releases_group() -> None:
    """Public statistics releases (docs/PORTAL.md "Releases")."""


@releases_group.command("publish")
@click.option("--period", help="only this period's release: a year (2025) or a month (2026-08); it must be due")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="the date to judge what is due")
def publish(period: str | None, today: object) -> None:
    """Compute, audit and record every due release not yet published; one JSON line each. Exit 1 when one
    is refused by the audit (nothing is recorded for it)."""
    from api.cli.opening import open_ledger, opened
    from api.publishing import publish_due
    from ledger.config import database_url
    from projections.releases import period_of
    from projections.runner import Projections

    if period is not None:
        try:
            period_of(period)
        except ValueError as exc:
            raise click.BadParameter(str(exc).split(": ", 1)[1], param_hint="--period") from None
    ledger = open_ledger()
    projections = opened(database_url(), lambda: Projections(database_url()))
    try:
        done = publish_due(ledger, projections, today.date() if today else date.today(), period)
    except ValueError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1], param_hint="--today") from None
    finally:
        projections.close()
        ledger.close()
    if period is not None and not done:
        click.echo(f"jejak: release R-{period} is not due yet or already published (GET /v1/public/releases)",
                   err=True)
        raise SystemExit(EXIT_REFUSED)
    for line in done:
        click.echo(json.dumps({k: v for k, v in line.items() if k != "receipt"}))
    if any("refused" in line for line in done):
        raise SystemExit(EXIT_REFUSED)


COMMANDS = [releases_group]


def publish_releases(ledger: Any, projections: Any, today: date, err: Any) -> None:
    """The public statistics releases due by the demo's last day (docs/PORTAL.md "Releases"), told on `err`
    (the demo's stderr console)."""
    from api.publishing import publish_due

    def announce(i: int, n: int, release: str) -> None:  # a line per release: each is an LP audit of minutes
        err.print(f"release {i}/{n}: computing and auditing {release} (disclosure control)")

    with err.status("Publishing the public statistics releases (disclosure control, audited)..."):
        done = publish_due(ledger, projections, today, announce=announce)
    for line in done:
        if "refused" in line:
            err.print(f"[yellow]{line['id']} not published: {line['refused']}[/]")
    err.print(f"published {sum(1 for line in done if 'refused' not in line)} public statistics releases")
