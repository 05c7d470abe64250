"""`jejak signing-key create|public`: the Ed25519 key that signs checkpoints."""

from __future__ import annotations

import sys

import click

from api.cli.integrity import EXIT_USAGE, _checkpointer, _fail, _ledger
from ledger.errors import LedgerError


@click.group("signing-key")
def signing_key() -> None:
    """The Ed25519 key that signs checkpoints (file in JEJAK_SIGNING_KEY)."""


@signing_key.command("create")
@click.option("--rotate", is_flag=True, help="replace an existing key; the new key vouches for the old ones")
def signing_key_create(rotate: bool) -> None:
    """Write a new Ed25519 key to JEJAK_SIGNING_KEY (default: jejak-signing.key beside the SQLite file)."""
    from ledger.integrity.checkpoints import create_key_file, key_path

    path = key_path()
    if path.exists() and not rotate:
        click.echo(f"{path} already exists; pass --rotate to replace it (old checkpoints stay verifiable)",
                   err=True)
        sys.exit(EXIT_USAGE)
    if not rotate:
        from ledger.integrity.verifier import key_id
        key = create_key_file(path)
        click.echo(f"created {path} (key id {key_id(key.public_key())})")
        return
    ledger = _ledger()
    try:
        old, new = _checkpointer(ledger).rotate()
    finally:
        ledger.close()
    click.echo(f"rotated {path}: key id {old} -> {new}")


@signing_key.command("public")
def signing_key_public() -> None:
    """Print the public key (PEM) of the signing key."""
    from ledger.integrity.checkpoints import key_path, load_key_file, public_pem

    try:
        click.echo(public_pem(load_key_file(key_path()).public_key()), nl=False)
    except LedgerError as exc:
        _fail(exc)


COMMANDS = [signing_key]
