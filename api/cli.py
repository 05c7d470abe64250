"""The `jejak` command line: one group, commands from one module per concern."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """Jejak: the event-sourced audit ledger of Kota Binjai's civil service."""


def _register() -> None:
    from api import cli_backup, cli_demo, cli_integrity, cli_projections, cli_serve

    for module in (cli_serve, cli_projections, cli_integrity, cli_backup, cli_demo):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
