"""`jejak backup -o FILE` and `jejak restore FILE`: a snapshot taken while serving, restored and verified."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from api.cli.integrity import EXIT_FAILURE, EXIT_NOT_ANCHORED, EXIT_USAGE, _progress, _refuse_to_overwrite, verify
from ledger.errors import LedgerError


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="the backup file to write")
@click.option("--force", is_flag=True, help="replace an existing file at OUTPUT (never the database or the key)")
def backup(output: str, force: bool) -> None:
    """Back up the database while the server keeps writing (SQLite online backup, PostgreSQL pg_dump -Fc)."""
    from api.cli.opening import database
    from ledger.storage.backup import backup as run
    from ledger.config import is_postgres

    url = database(can_create=False)  # a backup of a new, empty file would be no backup
    _refuse_to_overwrite(Path(output), force, "the backup")
    try:
        with _progress("backing up") as progress:
            summary = run(url, Path(output), progress)
    except LedgerError as exc:
        click.echo(f"jejak: {exc.message}", err=True)
        sys.exit(EXIT_USAGE)
    held = "" if is_postgres(url) else f"{summary['events']} events, {summary['checkpoints']} checkpoints, "
    click.echo(f"wrote {output} ({held}{summary['bytes']:,} bytes); the signing and contact keys are not in it: "
               "back them up separately")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="replace what the database of JEJAK_DATABASE_URL holds")
@click.option("--public-key", "public_keys", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="a pinned public key (PEM) for the verification; repeatable, as for `jejak verify`")
@click.option("--checkpoint", "held", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="a checkpoint kept outside the backup (JSON of GET /v1/ledger/checkpoint or `jejak checkpoint`):"
                   " the restored tree must reach it with the same root; repeatable")
@click.pass_context
def restore(ctx: click.Context, file: str, force: bool, public_keys: tuple[str, ...], held: tuple[str, ...]) -> None:
    """Restore a backup into JEJAK_DATABASE_URL, then verify it as `jejak verify` does (exit 1 if changed)."""
    from api.cli.opening import database
    from ledger.storage.backup import restore as run

    url = database(create=True)  # restoring into a new database is the usual case
    try:
        with _progress("restoring") as progress:
            summary = run(Path(file), url, force=force, progress=progress)
    except LedgerError as exc:
        click.echo(f"jejak: {exc.message}", err=True)
        sys.exit(EXIT_USAGE)
    replaced = (f" (replacing {summary['replaced_tables']} tables, {summary['replaced_events']} events)"
                if summary["replaced_tables"] else "")
    click.echo(f"restored {file}{replaced}; verifying every event against the signed checkpoints")
    _describe_checkpoints()
    try:
        ctx.invoke(verify, public_keys=public_keys, checkpoints=(), witness_keys=(), quorum=1, as_json=False,
                   workers=1)
    except SystemExit as done:
        # Intact but not anchored (3) is settled by the checkpoints kept outside the backup, if any.
        if done.code not in (0, None, EXIT_NOT_ANCHORED) or not held:
            raise
    _check_held(held, public_keys)


def _check_held(files: tuple[str, ...], public_keys: tuple[str, ...]) -> None:
    """Each checkpoint kept outside the backup must be reached by the restored tree with its signed root."""
    from api.cli.integrity import _ledger
    from ledger.storage.backup import held_checkpoint_problem
    from ledger.integrity.verifier import load_public_key

    anchors = [load_public_key(Path(p).read_bytes()) for p in public_keys]
    ledger, failed = _ledger(), False
    try:
        for name in files:
            try:
                cp = json.loads(Path(name).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                click.echo(f"{name}: cannot read the checkpoint ({exc})", err=True)
                sys.exit(EXIT_USAGE)
            problem = held_checkpoint_problem(ledger.recorder, cp if isinstance(cp, dict) else {}, anchors)
            failed = failed or problem is not None
            click.echo(f"{name}: " + (f"NOT REACHED: {problem}" if problem else
                                      f"reached: tree_size {cp['tree_size']} has the signed root"))
    finally:
        ledger.close()
    if failed:
        click.echo("the restored ledger does not match a checkpoint held outside it: do not serve it; "
                   "restore a later backup", err=True)
        sys.exit(EXIT_FAILURE)


def _describe_checkpoints() -> None:
    """Which signed checkpoint the restored ledger reaches, so an operator can compare it with a published one."""
    from api.cli.integrity import _checkpointer, _ledger

    ledger = _ledger()
    try:
        latest, head = _checkpointer(ledger).latest(), ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()
    if latest is None:
        click.echo(f"{head} events, no signed checkpoint: sign one with `jejak checkpoint` after verifying")
        return
    unsigned = head - latest["tree_size"]
    click.echo(f"{head} events; latest signed checkpoint: tree_size {latest['tree_size']}, root "
               f"{latest['root_hash']}, issued {latest['issued_at']}"
               + (f"; {unsigned} later events are covered by no checkpoint yet" if unsigned > 0 else ""))


COMMANDS = [backup, restore]
