"""`jejak access-report NIP`: the employee's own report of who read their personal data; and the CLI's reads logged.

Commands that print an identified person's personal data (`jejak replay`, this report) log the read
in the ledger's access log first, as the API does, under the principal `cli:<OS user>` with role
`admin`: the operator at the console can read everything, so what they read is recorded too.
"""

from __future__ import annotations

import getpass
import json
import re
import sys
from typing import Any, Iterable, Mapping

import click

from api.cli.opening import open_ledger

KEY = r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}"
PAGE = 1000


def cli_principal() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def log_read(ledger: Any, subject: str, fields: Iterable[str], command: str) -> None:
    """Log a command's read of `subject`'s personal data, durably, before it prints; exit 1 if it cannot."""
    from ledger.storage import access_log

    fields = list(fields)
    if not fields:
        return
    try:
        access_log.append(ledger.recorder, [access_log.entry(cli_principal(), "admin", subject, fields, command)])
    except Exception as exc:  # noqa: BLE001 - whatever failed, nothing personal is printed unlogged
        click.echo(f"jejak: the access log could not be written ({type(exc).__name__}), so nothing is shown",
                   err=True)
        sys.exit(1)


def log_replay(ledger: Any, subject: str, document: Mapping[str, Any]) -> None:
    """`jejak replay` shows the state as an admin sees it: log the personal fields it carries."""
    from api.http import PERSONAL

    log_read(ledger, subject, [k for k in PERSONAL if document.get(k) is not None], "jejak replay")


@click.command("access-report")
@click.argument("nip")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def access_report(nip: str, as_json: bool) -> None:
    """Who read this employee's personal data, when, which fields, through which route (reading it is logged)."""
    from ledger.storage import access_log

    if not re.fullmatch(KEY, nip):
        raise click.BadParameter("not a NIP, NI PPPK, intern id or ticket", param_hint="NIP")
    ledger = open_ledger(create=False, can_create=False, quiet=as_json)
    try:
        rows: list[dict[str, Any]] = []
        while True:
            page = access_log.read(ledger.recorder, subject=nip, after_id=rows[-1]["id"] if rows else 0, limit=PAGE)
            rows += page
            if len(page) < PAGE:
                break
        log_read(ledger, nip, ["access_log"], "jejak access-report")
    finally:
        ledger.close()
    items = [{k: r[k] for k in ("at", "principal", "role", "subject", "fields", "route", "request_id")} for r in rows]
    if as_json:
        click.echo(json.dumps({"subject": nip, "items": items}, ensure_ascii=False))
        return
    if not items:
        click.echo(f"nobody has read the personal data of {nip} (tidak ada yang membaca data pribadi {nip})")
        return
    click.echo(f"{len(items)} reads of the personal data of {nip} (pembacaan data pribadi {nip}):")
    for i in items:
        click.echo(f"{i['at']}  {i['principal']} ({i['role']})  {', '.join(i['fields'])}  via {i['route']}"
                   f"  request {i['request_id']}")


COMMANDS = [access_report]
