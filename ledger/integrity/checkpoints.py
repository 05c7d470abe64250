"""Signed checkpoints: Ed25519 signatures over the tree head, stored beside the events.

A checkpoint commits the ledger to its first `tree_size` events. Every public key
that ever signed stays in `jejak_signing_keys`, so old checkpoints stay verifiable
after a rotation. A key row carries an endorsement signed by that key, naming the
older keys it vouches for: trust flows from the key file an operator holds (or a
key an auditor passes) back to older keys, never from a row someone slipped in.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from eventsourcing.persistence import PersistenceError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import LedgerError, NotFound, ValidationFailed
from ledger.integrity import utc_text
from ledger.integrity import note, witnessing
from ledger.integrity.keyring import Keyring, public_pem, rotation_text  # noqa: F401 - public_pem re-exported
from ledger.integrity.tree import StoredTree
from ledger.config import database_url, is_postgres, sqlite_path, whole_number
from ledger.integrity.verifier import key_id, load_public_key, signed_text

log = logging.getLogger("jejak.checkpoints")
KEY_ENV = "JEJAK_SIGNING_KEY"
DEFAULT_KEY_NAME = "jejak-signing.key"
FIELDS = ("tree_size", "root_hash", "issued_at", "key_id", "signed_text", "signature")
ORIGIN_ENV = "JEJAK_LOG_ORIGIN"
DEFAULT_ORIGIN = "binjaikota.go.id/jejak"


def log_origin() -> str:
    """The log's C2SP origin line (`JEJAK_LOG_ORIGIN`), also the name of its note key; one per deployment."""
    origin = os.environ.get(ORIGIN_ENV, DEFAULT_ORIGIN)
    if not note.is_valid_name(origin):
        raise ValidationFailed(f"{ORIGIN_ENV}: {origin!r} is not a valid origin (no spaces, no '+', not empty)",
                               field=ORIGIN_ENV)
    return origin


def key_path(url: str | None = None) -> Path:
    """`JEJAK_SIGNING_KEY`, else `jejak-signing.key` beside the SQLite file (or here for PostgreSQL)."""
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    url = database_url(url)
    if is_postgres(url):
        return Path(DEFAULT_KEY_NAME)
    return Path(sqlite_path(url)).resolve().parent / DEFAULT_KEY_NAME


def create_key_file(path: Path, replace: bool = False) -> Ed25519PrivateKey:
    """Write a new Ed25519 key (PKCS#8 PEM, readable by its owner only)."""
    if path.exists() and not replace:
        raise ValidationFailed(f"{KEY_ENV}: {path} already exists; pass --rotate to replace it", field=KEY_ENV)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    tmp.replace(path)
    return key


def load_key_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        raise NotFound(f"{KEY_ENV}: no signing key at {path}; create one with `jejak signing-key create`",
                       field=KEY_ENV)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationFailed(f"{KEY_ENV}: {path} is not an Ed25519 private key", field=KEY_ENV)
    return key


class Checkpointer:
    """Signs tree heads every `every_events` events or `every_seconds` seconds, and on demand."""

    def __init__(self, recorder: Any, key_file: Path, every_events: int = 1000, every_seconds: float = 300.0,
                 clock: Callable[[], datetime] | None = None, witnesses: list[witnessing.Peer] | None = None) -> None:
        self.recorder, self.key_file = recorder, key_file
        self.witnesses = witnesses or []
        self.every_events, self.every_seconds = every_events, every_seconds
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.tree, self.keys = StoredTree(recorder), Keyring(recorder)
        self.origin = log_origin()
        self._key: Ed25519PrivateKey | None = None
        self._last: tuple[int, float] | None = None  # (tree_size, monotonic time) of the last checkpoint

    def key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = load_key_file(self.key_file)
            self.keys.register(self._key, [], self.clock())
        return self._key

    def issue(self) -> dict[str, Any]:
        """Sign the current tree head now and store the checkpoint."""
        key = self.key()
        size, root = self.tree.head()
        issued = utc_text(self.clock())
        text = signed_text(size, root.hex(), issued)
        cp = {"tree_size": size, "root_hash": root.hex(), "issued_at": issued,
              "key_id": key_id(key.public_key()), "signed_text": text,
              "signature": base64.b64encode(key.sign(text.encode("utf-8"))).decode()}
        cp["note"] = note.sign_note(note.checkpoint_body(self.origin, size, root), self.origin, key)
        self.recorder.execute_many([
            ("INSERT INTO jejak_checkpoints (tree_size, issued_at, root_hash, key_id, signed_text, signature)"
             " VALUES (?, ?, ?, ?, ?, ?)", (size, issued, cp["root_hash"], cp["key_id"], text, cp["signature"])),
            ("INSERT INTO jejak_checkpoint_notes (tree_size, issued_at, note) VALUES (?, ?, ?)",
             (size, issued, cp["note"]))])
        self._last = (size, time.monotonic())
        return cp

    def maybe_issue(self, head: int | None = None) -> dict[str, Any] | None:
        """After a write: sign when enough events or enough time passed since the last checkpoint.

        Without a key file nothing is signed here (`jejak checkpoint` says what to do); other
        processes may have signed meanwhile, so the latest checkpoint is re-read before signing.
        """
        if not self.key_file.exists():
            return None
        try:
            return self._maybe_issue(head)
        except (LedgerError, OSError, ValueError, PersistenceError) as exc:  # lock timeouts included
            # The write already committed: a checkpoint problem must not turn it into an error.
            log.warning("jejak: periodic checkpoint not signed (%s); run `jejak checkpoint`", exc)
            return None

    def _maybe_issue(self, head: int | None) -> dict[str, Any] | None:
        if self._last is None:
            latest = self.latest()
            self._last = (latest["tree_size"] if latest else 0, time.monotonic())
        head = self.tree.size() if head is None else head
        if not self._due(head):
            return None
        latest = self.latest()
        if latest is not None and latest["tree_size"] > self._last[0]:
            self._last = (latest["tree_size"], time.monotonic())
            if not self._due(head):
                return None
        cp = self.issue()
        if self.witnesses:  # off the request path: a slow witness must not hold a write's answer
            threading.Thread(target=self.witness, args=(cp,), name="jejak-witness", daemon=True).start()
        return cp

    def witness(self, cp: dict[str, Any]) -> list[dict[str, Any]]:
        """Send the checkpoint's note to every configured witness and store the cosignatures that verify."""
        text = self.note_of(cp)
        if text is None or not self.witnesses:
            return []

        def last_cosigned(name: str) -> int:
            rows = self.recorder.query("SELECT MAX(tree_size) FROM jejak_cosignatures WHERE witness = ?"
                                       " AND tree_size <= ?", (name, cp["tree_size"]))
            return int(rows[0][0] or 0)

        def proof_for(old: int) -> list[bytes]:
            return [bytes.fromhex(h) for h in self.tree.consistency(old, cp["tree_size"])["proof"]]

        return witnessing.cosign_all(self.witnesses, text, last_cosigned, proof_for,
                                     lambda name, line: self.add_cosignature(cp, name, line))

    def _due(self, head: int) -> bool:
        size, at = self._last or (0, time.monotonic())
        return head > size and (head - size >= self.every_events or time.monotonic() - at >= self.every_seconds)

    def latest(self) -> dict[str, Any] | None:
        rows = self.recorder.query(f"SELECT {', '.join(FIELDS)} FROM jejak_checkpoints"
                                   " ORDER BY tree_size DESC, issued_at DESC LIMIT 1")
        return dict(zip(FIELDS, rows[0])) if rows else None

    def all(self) -> list[dict[str, Any]]:
        rows = self.recorder.query(f"SELECT {', '.join(FIELDS)} FROM jejak_checkpoints ORDER BY tree_size, issued_at")
        return [dict(zip(FIELDS, r)) for r in rows]

    def covering(self, tree_size: int) -> dict[str, Any]:
        """The latest checkpoint, or a new one when the latest does not cover `tree_size` events."""
        latest = self.latest()
        if latest is None or latest["tree_size"] < tree_size:
            latest = self.issue()
        return latest

    def rotate(self) -> tuple[str | None, str]:
        """Replace the key file with a new key that vouches for every key the old one trusted."""
        old = load_key_file(self.key_file) if self.key_file.exists() else None
        endorses = sorted(self.keys.trusted([old.public_key()])) if old is not None else []
        if old is not None:
            self.keys.register(old, [], self.clock())
        new = create_key_file(self.key_file, replace=True)
        self.keys.register(new, endorses, self.clock())
        if old is not None:  # the key it replaces hands over to it, so an auditor who pinned the old key follows
            created, old_kid, new_kid = utc_text(self.clock()), key_id(old.public_key()), key_id(new.public_key())
            sig = base64.b64encode(old.sign(rotation_text(new_kid, old_kid, created).encode())).decode()
            self.recorder.execute("INSERT INTO jejak_key_rotations (new_key_id, old_key_id, created_at, signature)"
                                  " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", (new_kid, old_kid, created, sig))
        self._key = new
        return (key_id(old.public_key()) if old else None), key_id(new.public_key())

    def public_keys(self) -> list[dict[str, Any]]:
        current = key_id(self.key().public_key()) if self.key_file.exists() else None
        return [{"key_id": r["key_id"], "public_key": r["public_key"], "created_at": r["created_at"],
                 "current": r["key_id"] == current,
                 "vkey": note.vkey(self.origin, load_public_key(r["public_key"].encode()))} for r in self.keys.rows()]

    def note_of(self, cp: dict[str, Any]) -> str | None:
        """The checkpoint's C2SP note with every stored witness cosignature appended (None before notes existed)."""
        lines = _cosignature_lines(self.recorder, cp)
        rows = self.recorder.query("SELECT note FROM jejak_checkpoint_notes WHERE tree_size = ? AND issued_at = ?",
                                   (cp["tree_size"], cp["issued_at"]))
        return note.append_signatures(rows[0][0], lines) if rows else None

    def add_cosignature(self, cp: dict[str, Any], witness: str, line: str) -> None:
        self.recorder.execute("INSERT INTO jejak_cosignatures (tree_size, root_hash, witness, line, received_at)"
                              " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              (cp["tree_size"], cp["root_hash"], witness, line, utc_text(self.clock())))


def stored_cosignatures(recorder: Any, cp: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(the checkpoint's note body, its stored witness cosignature lines); (None, []) without a note."""
    rows = recorder.query("SELECT note FROM jejak_checkpoint_notes WHERE tree_size = ? ORDER BY issued_at",
                          (cp["tree_size"],))
    body = None
    for (text,) in rows:
        candidate = text[:text.rfind("\n\n") + 1]
        try:
            if note.parse_checkpoint(candidate).root.hex() == cp["root_hash"]:
                body = candidate
                break
        except ValueError:
            continue
    return body, _cosignature_lines(recorder, cp)


def _cosignature_lines(recorder: Any, cp: dict[str, Any]) -> list[str]:
    return [r[0] for r in recorder.query("SELECT line FROM jejak_cosignatures WHERE tree_size = ? AND root_hash = ?"
                                         " ORDER BY witness", (cp["tree_size"], cp["root_hash"]))]


def checkpointer_from_env(recorder: Any, url: str | None = None) -> Checkpointer:
    """Settings: JEJAK_SIGNING_KEY, JEJAK_CHECKPOINT_EVERY_EVENTS (1000), JEJAK_CHECKPOINT_EVERY_SECONDS (300),
    JEJAK_LOG_ORIGIN and JEJAK_WITNESSES."""
    def number(name: str, default: str) -> float:
        text = os.environ.get(name, default)
        try:
            value = float(text)
        except ValueError:
            value = -1
        if value <= 0:
            raise ValidationFailed(f"{name}: expected a positive number, got {text!r}", field=name)
        return value

    events = os.environ.get("JEJAK_CHECKPOINT_EVERY_EVENTS") or "1000"
    try:
        every_events = whole_number(events, 1)
    except ValueError as exc:
        raise ValidationFailed(f"JEJAK_CHECKPOINT_EVERY_EVENTS: {exc}", field="JEJAK_CHECKPOINT_EVERY_EVENTS") from None
    return Checkpointer(recorder, key_path(url), every_events=every_events,
                        every_seconds=number("JEJAK_CHECKPOINT_EVERY_SECONDS", "300"),
                        witnesses=witnessing.peers(os.environ.get(witnessing.ENV)))
