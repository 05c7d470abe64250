"""The `jejak` command line: one group, commands from one module per concern."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """Jejak: the event-sourced audit ledger of Kota Binjai's civil service."""


def _register() -> None:
    from api.cli import backup, config, demo, integrity, projections, serve, witness

    for module in (serve, config, projections, integrity, backup, demo, witness):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
