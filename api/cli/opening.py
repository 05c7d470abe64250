"""Which database a command opens: JEJAK_DATABASE_URL checked and named on stderr, and no new SQLite file made
by a command that only reads or imports, so a typo in the URL (or a command run from the wrong directory) says
so instead of quietly answering from a new, empty ledger."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

import click

EXIT_USAGE = 2

create_option = click.option(
    "--create", is_flag=True,
    help="start a new, empty SQLite database when JEJAK_DATABASE_URL names none (otherwise an error)")


def usage_error(message: str) -> None:
    """One line on stderr, exit 2: a configuration error is the operator's to fix, not a traceback."""
    click.echo(f"jejak: {message}", err=True)
    sys.exit(EXIT_USAGE)


def describe(url: str) -> str:
    """The database a URL names, as an operator reads it (never its password)."""
    from ledger.config import is_postgres, sqlite_path

    if is_postgres(url):
        u = urlparse(url.replace("postgresql+psycopg://", "postgresql://"))
        return f"PostgreSQL {u.hostname or '127.0.0.1'}:{u.port or 5432}/{(u.path or '/jejak').lstrip('/')}"
    return str(Path(sqlite_path(url)).resolve())


def database(create: bool = False, can_create: bool = True, quiet: bool = False) -> str:
    """JEJAK_DATABASE_URL, checked with the settings that go with it and named on stderr (unless `quiet`: a
    command whose whole output is one JSON document); exit 2 naming the variable at fault, or when the SQLite
    file is missing and `create` is not given."""
    from ledger.config import ConfigurationError, database_url, is_postgres, setting_int, sqlite_path

    url = database_url()
    try:
        path = None if is_postgres(url) else sqlite_path(url)
        setting_int("JEJAK_LOCK_TIMEOUT", 10)
        setting_int("JEJAK_POOL_SIZE", 5, minimum=1)
    except ConfigurationError as exc:
        usage_error(str(exc))
    command = click.get_current_context(silent=True)
    name = command.command_path if command else "jejak"
    new = path is not None and path != ":memory:" and not path.startswith("file:") and not Path(path).exists()
    if new and not create:
        usage_error(f"no database at {describe(url)} (JEJAK_DATABASE_URL={url!r}), and `{name}` does not create "
                    "one. Point JEJAK_DATABASE_URL at the ledger's database (`jejak serve` names the one it "
                    "serves)" + (", or pass --create to start an empty one." if can_create else "."))
    if new:  # made here, owner-only, before any library opens it (it holds personal data)
        from ledger.config import create_private_file

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        create_private_file(path)
    if not quiet:
        click.echo(f"jejak: database {describe(url)}" + (" (new)" if new else ""), err=True)
    return url


def open_ledger(create: bool = False, can_create: bool = True, clock: Any = None,
                env: dict[str, str] | None = None, quiet: bool = False) -> Any:
    """The ledger of JEJAK_DATABASE_URL (see `database`); exit 2 when it cannot be opened."""
    from ledger.application import Ledger

    url = database(create, can_create, quiet)
    return opened(url, lambda: Ledger(url, clock=clock, env=env))


def opened(url: str, make: Callable[[], Any]) -> Any:
    try:
        return make()
    except Exception as exc:  # noqa: BLE001 - a bad URL or an unreachable database is configuration
        usage_error(f"JEJAK_DATABASE_URL: cannot open {describe(url)} ({exc}); check the URL and that the "
                    "database server is running")
