"""The `jejak` command line: one group, commands from one module per concern."""

from __future__ import annotations

from typing import Any

import click


class Jejak(click.Group):
    """The command group; a setting from the environment that cannot be used is one line and exit 2 in every
    command, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from ledger.config import ConfigurationError

        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            click.echo(f"jejak: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=Jejak)
@click.version_option(package_name="jejak", prog_name="jejak")
def main() -> None:
    """Jejak: the event-sourced audit ledger of Kota Binjai's civil service."""


def _register() -> None:
    from api.cli import (access, backup, config, demo, integrity, migrate, projections, releases, rules, serve,
                         signing, witness)

    for module in (serve, config, migrate, projections, integrity, signing, backup, demo, witness, access, releases,
                   rules):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
