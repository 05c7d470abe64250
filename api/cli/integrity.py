"""`jejak verify`, `export`, `verify-bundle`, `signing-key create|public` and `checkpoint`."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli.access import log_read
from api.cli.opening import create_option
from ledger.errors import LedgerError
from ledger.personal import role_may_see

EXIT_FAILURE, EXIT_USAGE, EXIT_NOT_ANCHORED = 1, 2, 3


def _ledger(create: bool = False, can_create: bool = False, quiet: bool = False) -> Any:
    """The ledger of JEJAK_DATABASE_URL, named on stderr; never a new SQLite file unless `create`."""
    from api.cli.opening import open_ledger
    return open_ledger(create, can_create, quiet=quiet)


def _checkpointer(ledger: Any) -> Any:
    from ledger.integrity.checkpoints import checkpointer_from_env
    return checkpointer_from_env(ledger.recorder)


def _fail(exc: LedgerError) -> None:
    click.echo(f"jejak: {exc.message}", err=True)
    sys.exit(EXIT_USAGE)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, fed by (done, total) callbacks."""
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def ensure_signing_key() -> None:
    """`jejak serve` and `jejak demo` create the signing key when it is missing."""
    from ledger.integrity.checkpoints import create_key_file, key_path

    path = key_path()
    if not path.exists():
        create_key_file(path)
        click.echo(f"jejak: created the signing key {path}", err=True)


@click.command()
@click.option("--public-key", "public_keys", multiple=True, type=click.Path(dir_okay=False),
              help="a pinned public key (PEM or note vkey), repeatable: the only trusted keys")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(dir_okay=False),
              help="a checkpoint you kept (JSON or C2SP note), repeatable: the tree must extend it")
@click.option("--witness-key", "witness_keys", multiple=True,
              help="a witness's verifier key (vkey), repeatable: checkpoints cosigned by --quorum of them count")
@click.option("--quorum", default=1, show_default=True, type=click.IntRange(1, 64),
              help="how many of the --witness-key witnesses must have cosigned")
@click.option("--projections", "read_models", is_flag=True,
              help="also rebuild every read model from the events into scratch and compare it row by row")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="processes rebuilding leaves in parallel (helps on large ledgers with idle cores)")
def verify(public_keys: tuple[str, ...], checkpoints: tuple[str, ...], witness_keys: tuple[str, ...], quorum: int,
           read_models: bool, as_json: bool, workers: int) -> None:
    """Recompute every leaf and the tree from the events; check every checkpoint and snapshot against
    the anchors you hand in. Exit 0 intact and anchored, 1 tampered, 3 intact but not anchored."""
    from ledger.application import open_reader
    from ledger.config import database_url
    from ledger.integrity.verify import Problem
    from ledger.integrity.verify import verify as run

    pinned, kept, witnessed_by = _anchors(public_keys, checkpoints, witness_keys, quorum)
    ledger = _ledger()
    try:
        with _progress("verifying") as progress:
            result = run(ledger.recorder, pinned, progress, url=database_url(), workers=workers,
                         open_reader=open_reader, kept=kept, witnessed=witnessed_by(ledger))
        personal, disclosures_checked = ledger.disclosure_problems()
        result.problems += [Problem(p, m) for p, m in ledger.snapshot_problems() + personal]
        result.problems.sort()
        differing = []
        if read_models:
            from projections.verify import compare_with_rebuild

            with _progress("rebuilding read models") as progress:
                differing = compare_with_rebuild(ledger, database_url(), progress)
    finally:
        ledger.close()
    _report(result, as_json, differing, disclosures_checked)


def _anchors(public_keys: tuple[str, ...], checkpoints: tuple[str, ...], witness_keys: tuple[str, ...],
             quorum: int) -> tuple[list[Any], list[dict[str, Any]], Callable[[Any], Any]]:
    """The operator's anchors, or exit 2 naming the option that is wrong."""
    from ledger.integrity import anchors

    try:
        pinned = [anchors.pinned_key(p) for p in public_keys]
        witnesses = anchors.witness_verifiers(list(witness_keys))
        if witness_keys and quorum > len(witnesses):
            raise anchors.AnchorError(f"--quorum {quorum}: only {len(witnesses)} --witness-key given")
        kept = [anchors.kept_checkpoint(c, pinned, witnesses, quorum) for c in checkpoints]
    except anchors.AnchorError as exc:
        click.echo(f"jejak: {exc}", err=True)
        sys.exit(EXIT_USAGE)

    def witnessed_by(ledger: Any) -> Any:
        if not witnesses:
            return None
        from ledger.integrity.checkpoints import stored_cosignatures
        return anchors.stored_quorum(lambda cp: stored_cosignatures(ledger.recorder, cp), witnesses, quorum)

    return pinned, kept, witnessed_by


def _report(result: Any, as_json: bool, read_models: list[str], disclosures_checked: bool = False) -> None:
    ok = result.ok and not read_models
    code = EXIT_FAILURE if not ok else (0 if result.anchored else EXIT_NOT_ANCHORED)
    if as_json:
        click.echo(json.dumps({"ok": ok, "anchored": result.anchored, "anchored_by": result.anchored_by,
                               "read_model_problems": read_models, "disclosures_checked": disclosures_checked,
                               "events": result.events, "tree_size": result.tree_size,
                               "checkpoints": result.checkpoints, "first_bad_position": result.first_bad_position,
                               "access_log_problems": [{"row": r, "message": m} for r, m in result.access_log_problems],
                               "problems": [{"position": p.position, "message": p.message}
                                            for p in result.problems]}))
        sys.exit(code)
    for problem in [*map(str, result.problems[:20]), *(m for _, m in result.access_log_problems[:20])]:
        click.echo(problem)
    for problem in read_models[:50]:
        click.echo(problem)
    if result.ok and read_models:
        click.echo(f"READ MODELS DIFFER: the events are intact, but {len(read_models)} read-model rows are not what "
                   "they give: rebuild them (`jejak projections rebuild`) after keeping this report")
    elif not result.ok:
        click.echo(f"TAMPERED: first bad {result.first_bad} "
                   f"({len(result.problems) + len(result.access_log_problems)} problems)")
    elif result.anchored:
        click.echo(f"intact: {result.events} events, {result.checkpoints} checkpoints verified; anchored by "
                   + "; ".join(result.anchored_by))
    else:
        click.echo(f"NOT ANCHORED: {result.events} events and {result.checkpoints} checkpoints agree with each "
                   "other, but nothing you handed in vouches for them (keys in the database vouch for nothing). "
                   "Pass --public-key (the published key), --checkpoint (a checkpoint you kept) or "
                   "--witness-key with --quorum.")
    sys.exit(code)


@click.command()
@click.option("--subject", help="one NIP / unit code / intern id / ticket")
@click.option("--since", help="recorded at or after (date or UTC timestamp)")
@click.option("--until", help="recorded at or before (date or UTC timestamp)")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="bundle.zip to write")
@click.option("--force", is_flag=True, help="replace an existing file at OUTPUT (never the database or the key)")
@click.option("--for-role", "role", type=click.Choice(["auditor", "inspector", "public"]), default="auditor",
              show_default=True, help="who will read it: it carries the personal values that role may see")
@create_option
def export(subject: str | None, since: str | None, until: str | None, output: str, force: bool, role: str, create: bool):
    """Write an audit bundle: events, their inclusion proofs, a checkpoint, its key and disclosures."""
    from ledger.integrity.bundle import export as run

    ledger = _ledger(create, can_create=True)
    try:
        _refuse_to_overwrite(Path(output), force)
        log_read(ledger, subject or "", ["bundle"] if subject else [], "jejak export")  # who read whom: first
        with _progress("exporting") as progress:
            summary = run(ledger.recorder, _checkpointer(ledger), Path(output), subject=subject, since=since,
                          until=until, progress=progress, disclosed=ledger.disclosed_for(partial(role_may_see, role)))
    except LedgerError as exc:
        _fail(exc)
    finally:
        ledger.close()
    click.echo(f"wrote {summary['events']} events proven against checkpoint tree_size {summary['tree_size']} "
               f"(key {summary['key_id']}) to {output}")


def _refuse_to_overwrite(output: Path, force: bool, what: str = "the bundle") -> None:
    """An earlier bundle or backup may be evidence, and the ledger's own files must never be clobbered by a typo."""
    from ledger.integrity.checkpoints import key_path
    from ledger.config import database_url, is_postgres, sqlite_path

    target = output.resolve()
    url = database_url()
    own = [key_path(url).resolve()]
    if not is_postgres(url):
        db = Path(sqlite_path(url)).resolve()
        own += [db.with_name(db.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    if target in own or target.with_name(target.name + ".partial") in own:
        click.echo(f"{output}: that is the ledger's own database or signing key; write {what} elsewhere",
                   err=True)
        sys.exit(EXIT_USAGE)
    if output.exists() and not force:
        click.echo(f"{output}: already exists; choose another name, or pass --force to replace it", err=True)
        sys.exit(EXIT_USAGE)


@click.command("verify-bundle")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
@click.option("--public-key", type=click.Path(dir_okay=False), help="the pinned public key (PEM or note vkey)")
def verify_bundle(bundle: str, public_key: str | None) -> None:
    """Check an exported bundle offline: no database, only the bundle (and your key). Exit 0 valid
    under your key, 1 invalid, 3 valid under the key inside the bundle only (not anchored)."""
    import zipfile

    from ledger.integrity.anchors import AnchorError, pinned_key
    from ledger.integrity.keyring import public_pem
    from ledger.integrity.verifier import verify_bundle as run

    try:
        pem = public_pem(pinned_key(public_key)).encode() if public_key else None
    except AnchorError as exc:
        click.echo(f"jejak: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        problems, summary = run(bundle, pem)
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        click.echo(f"{bundle}: not a Jejak bundle ({exc})", err=True)
        sys.exit(EXIT_USAGE)
    for problem in problems[:20]:
        click.echo(problem)
    if not public_key:
        click.echo(f"trusting the key inside the bundle: key id {summary['key_id']} "
                   "(compare it with the ledger's published key, or pass --public-key)")
    if problems:
        click.echo(f"INVALID: {len(problems)} problems")
        sys.exit(EXIT_FAILURE)
    click.echo(f"valid: {summary['events']} events included in the tree of size {summary['tree_size']} "
               f"with root {summary['root_hash']}, signed by {summary['key_id']}")
    if not public_key:
        click.echo("NOT ANCHORED: only the key inside the bundle vouches for it; pass --public-key")
        sys.exit(EXIT_NOT_ANCHORED)


@click.command()
def checkpoint() -> None:
    """Sign a new checkpoint of the ledger now."""
    ledger = _ledger(quiet=True)  # the output is the checkpoint's JSON alone
    try:
        checkpointer = _checkpointer(ledger)
        cp = checkpointer.issue()
        witnessed = checkpointer.witness(cp)
        cp["note"] = checkpointer.note_of(cp)
    except LedgerError as exc:
        _fail(exc)
    finally:
        ledger.close()
    for result in witnessed:
        click.echo(f"witness {result['witness']}: " + ("cosigned" if result["ok"] else f"no ({result['error']})"),
                   err=True)
    click.echo(json.dumps(cp, indent=2))


COMMANDS = [verify, export, verify_bundle, checkpoint]
