"""`jejak demo`, `jejak import FILE.jsonl`, `jejak replay NIP`: the operator's everyday commands."""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from ledger.errors import LedgerError
from ledger.config import database_url

EXIT_FAILURE, EXIT_USAGE = 1, 2
DEMO_REBUILD_CHUNK = 100_000
err = Console(stderr=True)


class RateColumn(ProgressColumn):
    """Items per second, so an operator can judge a long run."""

    def render(self, task: Any) -> Text:
        return Text(f"{task.speed or 0:,.0f}/s", style="progress.data.speed")


def progress_bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err)


def open_ledger(clock: Any = None, env: dict[str, str] | None = None, create: bool = False) -> Any:
    from api.cli.opening import open_ledger as open_checked

    return open_checked(create, clock=clock, env=env)


# --- demo ----------------------------------------------------------------------

@click.command("demo")
@click.option("--employees", default=8000, show_default=True, type=click.IntRange(200, 200_000),
              help="ASN to generate (officials, PNS, PPPK, PPPK paruh waktu)")
@click.option("--years", default=5, show_default=True, type=click.IntRange(1, 20),
              help="years of history, ending today")
@click.option("--seed", default=1, show_default=True, type=int, help="same seed, same city")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="end the history on this date instead of today (never in the future)")
@click.option("--no-projections", is_flag=True, help="skip rebuilding the read models afterwards")
@click.option("--no-releases", is_flag=True, help="skip publishing the public statistics releases that are due")
@click.option("--reuse", is_flag=True,
              help="if the database already holds events, keep them: bring the read models up to date and "
                   "print a new admin token (what a second `make demo` does)")
def demo(employees: int, years: int, seed: int, today: datetime | None, no_projections: bool, reuse: bool,
         no_releases: bool = False) -> None:
    """Fill an empty database with a deterministic, realistic synthetic Binjai and print an admin token.

    Long because it is one sequence of timed phases (plan, record, read models, releases, checkpoint)."""
    from api.cli.integrity import ensure_signing_key
    from api.cli.releases import publish_releases
    from api.demo import generate
    from api.demo import DEMO_LEDGER_ENV, DemoRefused, SimClock, paused_gc, record, relax_sqlite_sync

    end = today.date() if today else date.today()
    if end > date.today():
        raise click.BadParameter("the history cannot end in the future", param_hint="--today")
    clock = SimClock()
    ledger = open_ledger(clock, DEMO_LEDGER_ENV, create=True)
    if ledger.head() > 0 and reuse:
        reuse_existing(ledger, no_projections)
        return
    if ledger.head() > 0:
        err.print(f"[red]The database {database_url()} already holds {ledger.head():,} events.[/] The demo fills an "
                  "empty ledger: remove the SQLite file or point JEJAK_DATABASE_URL at a new database (or pass --reuse to keep it).")
        sys.exit(EXIT_USAGE)
    ensure_signing_key()
    relax_sqlite_sync(ledger)
    # What is recorded is kept as the read models read it: their rebuild then skips reading the log back
    # and decoding it (1,500 ASN x 5 years: 7-8 s instead of 10-12), and shares the aggregates' data.
    kept: list[Any] = []
    if not no_projections:
        from projections.source import recorded as as_events

        ledger.on_recorded = lambda recordings: kept.extend(as_events(recordings))
    started = time.perf_counter()
    with paused_gc():
        with err.status(f"Planning {employees:,} ASN over {years} years (seed {seed})..."):
            world = generate(employees, years, seed, end)
            events = world.plan.ordered()
        planned = time.perf_counter()
        with progress_bar() as bar:
            task = bar.add_task("recording events", total=len(events))
            try:
                positions = record(ledger, clock, events, lambda n: bar.advance(task, n))
            except DemoRefused as exc:
                err.print(f"[red]{exc}[/]\nThis is a bug in the demo generator; please report it with the seed.")
                sys.exit(EXIT_FAILURE)
    recorded = time.perf_counter()
    ledger.on_recorded = None
    if not no_projections:
        from projections.runner import Projections

        # Nothing else writes during the demo's load, so larger chunks than a live rebuild's 25,000 (which
        # keep SQLite writers' waits short) are free: each stream is refolded fewer times. 215k events:
        # 39.5 s at 25,000, 29.9 s at 100,000 (peak ~0.9 GB).
        projections = Projections(database_url())
        projections.rebuild(ledger, progress=True, chunk_size=DEMO_REBUILD_CHUNK, recorded=kept)
        kept.clear()
        projected = time.perf_counter()
        if not no_releases:
            publish_releases(ledger, projections, end, err)
        projections.close()
    else:
        projected = time.perf_counter()
    released = time.perf_counter()
    checkpoint = sign_checkpoint(ledger)
    ledger.close()
    token = admin_token()
    summary(world, positions, {"planned": planned - started, "recorded": recorded - planned,
                               "read models": projected - recorded, "releases": released - projected,
                               "checkpoint and token": time.perf_counter() - released})
    click.echo(f"signed checkpoint of tree size {checkpoint['tree_size']:,} (jejak verify checks it)")
    print_token(token)


def reuse_existing(ledger: Any, no_projections: bool) -> None:
    """A second `make demo`: the city is already there; catch up, sign and hand out a new token."""
    from api.cli.integrity import ensure_signing_key

    err.print(f"The database {database_url()} already holds {ledger.head():,} events: keeping them (--reuse).")
    ensure_signing_key()
    if not no_projections:
        from projections.runner import Projections

        projections = Projections(database_url())
        try:
            projections.catch_up(ledger)
        finally:
            projections.close()
    checkpoint = sign_checkpoint(ledger)
    ledger.close()
    click.echo(f"signed checkpoint of tree size {checkpoint['tree_size']:,} (jejak verify checks it)")
    print_token(admin_token())


def sign_checkpoint(ledger: Any) -> dict[str, Any]:
    """A signed tree head at the end of the demo, so verify and the proofs have one to start from."""
    from ledger.integrity.checkpoints import checkpointer_from_env

    return checkpointer_from_env(ledger.recorder).issue()


def print_token(token: str) -> None:
    click.echo(f"\nAdmin token (shown once, keep it): {token}")
    click.echo("Start the service with `jejak serve`, then for example:\n"
               f"  curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8000/v1/employees?limit=5")


def admin_token() -> str:
    from api.keys import KeyProblem, KeyStore

    store = KeyStore(database_url())
    taken = {k["name"] for k in store.list()}
    name = next(n for n in (f"demo-admin{'' if i == 0 else f'-{i}'}" for i in range(1000)) if n not in taken)
    try:
        return store.create(name, "admin")
    except KeyProblem as exc:  # pragma: no cover - the name was free a moment ago
        raise click.ClickException(str(exc)) from exc


def summary(world: Any, positions: int, phases: dict[str, float]) -> None:
    """What was generated: people by type, events by type, training money, timing."""
    people = world.people
    t = Table(title=f"Synthetic Binjai {world.first_year}-{world.last_year}", show_header=True)
    t.add_column("what")
    t.add_column("count", justify="right")
    for etype in ("pns", "pppk", "pppk_paruh_waktu"):
        t.add_row(f"ASN {etype}", f"{sum(p.employment_type == etype for p in people):,}")
    t.add_row("OPD", f"{len(world.city.org):,}")
    for name, n in sorted(world.plan.counts().items(), key=lambda kv: -kv[1]):
        t.add_row(name, f"{n:,}")
    derived = positions - len(world.plan.events)
    t.add_row("TrainingBudgetRealised (derived)", f"{derived:,}")
    allocated = sum(world.city.allocated.values())
    left = sum(world.city.budget_left.values())
    t.add_row("training budget allocated (Rp)", f"{allocated:,}")
    t.add_row("training budget realised (Rp)", f"{allocated - left:,}")
    t.add_row("ledger positions", f"{positions:,}")
    Console().print(t)
    record_s = max(phases["recorded"], 1e-9)
    click.echo(", ".join(f"{name} in {s:.1f} s" for name, s in phases.items())
               + f" ({positions / record_s:,.0f} events/s recorded)")


# --- import --------------------------------------------------------------------

@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--actor", default="jejak-import", show_default=True,
              help="the principal recorded as actor; idempotency keys are scoped to it")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@click.option("--create", is_flag=True, help="import into a new, empty SQLite database when none exists yet")
def import_(file: str, actor: str, as_json: bool, create: bool) -> None:
    """Record one event per line (POST /v1/events shape); bad lines go to FILE.rejects.jsonl; then sign a
    checkpoint of what is recorded."""
    from api.demo import import_lines, rejects_path

    ledger = open_ledger(create=create)
    with open(file, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    with progress_bar() as bar:
        task = bar.add_task("importing lines", total=len(lines))
        result = import_lines(ledger, lines, actor, lambda: bar.advance(task))
    signed = import_checkpoint(ledger, result.recorded)
    ledger.close()
    for reject in result.rejects:
        err.print(f"line {reject['line']}: {reject['reason']}", markup=False, highlight=False)
    out = rejects_path(file)
    if result.rejects:
        with open(out, "w", encoding="utf-8") as fh:
            for reject in result.rejects:
                fh.write(json.dumps(reject, ensure_ascii=False) + "\n")
    elif out.exists():
        out.unlink()
    if as_json:
        click.echo(json.dumps({"recorded": result.recorded, "already_recorded": result.replayed,
                               "rejected": len(result.rejects), "rejects_file": str(out) if result.rejects else None,
                               "checkpoint": signed and {k: signed[k] for k in ("tree_size", "root_hash", "key_id")}}))
    else:
        click.echo(f"{result.recorded} recorded, {result.replayed} already recorded, {len(result.rejects)} rejected"
                   + (f" (written to {out})" if result.rejects else ""))
        if signed:
            click.echo(f"signed checkpoint of tree size {signed['tree_size']:,} (jejak verify checks it)")
    sys.exit(EXIT_FAILURE if result.rejects else 0)


def import_checkpoint(ledger: Any, recorded: int) -> dict[str, Any] | None:
    """After an import that recorded something, a signed tree head covering it; None (said why) otherwise."""
    from ledger.integrity.checkpoints import key_path

    if not recorded:
        err.print("nothing new recorded: no checkpoint signed", highlight=False)
        return None
    if not key_path().exists():
        err.print(f"no checkpoint signed: no signing key at {key_path()} (JEJAK_SIGNING_KEY); create it with "
                  "`jejak signing-key create`, then run `jejak checkpoint`", markup=False, highlight=False)
        return None
    try:
        return sign_checkpoint(ledger)
    except LedgerError as exc:
        err.print(f"no checkpoint signed: {exc.message}; run `jejak checkpoint` once it is fixed",
                  markup=False, highlight=False)
        return None


# --- replay --------------------------------------------------------------------

@click.command("replay")
@click.argument("nip")
@click.option("--as-of", "as_of", help="as the ledger knew it at this UTC timestamp (e.g. 2025-04-01T03:00:00Z)")
@click.option("--valid-at", "valid_at", help="as in effect on this date (by TMT), e.g. 2025-04-01")
@click.option("--create", is_flag=True, help="open a new, empty SQLite database when none exists yet")
def replay(nip: str, as_of: str | None, valid_at: str | None, create: bool) -> None:
    """Print an employee's state exactly as GET /v1/employees/<nip> shows it to an admin."""
    from api.errors import ApiError
    from api.cli.access import log_replay
    from api.http import replay_document

    ledger = open_ledger(create=create)
    try:
        document = replay_document(ledger, nip, as_of, valid_at)
        log_replay(ledger, nip, document)  # before printing: who read whom (api/cli/access.py)
    except ApiError as exc:
        blamed = next(iter(exc.fields), "") or exc.message.split(":", 1)[0]
        raise click.BadParameter(exc.message.split(": ", 1)[-1],
                                 param_hint="--" + (blamed if blamed in ("as_of", "valid_at") else "as_of")
                                 .replace("_", "-"))
    except LedgerError as exc:
        err.print(f"jejak: {exc.message}", markup=False)
        sys.exit(EXIT_FAILURE)
    finally:
        ledger.close()
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))

COMMANDS = [demo, import_, replay]
