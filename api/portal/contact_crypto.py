"""Complainants' contact details, sealed with AES-GCM before they reach the ledger (UU 27/2022 PDP).

The key lives in a file outside the database (env `JEJAK_CONTACT_KEY`, default
`jejak-contact.key` beside the SQLite file), so a copy of the ledger alone reveals
no complainant. Each ciphertext is bound to its ticket id (associated data): it
cannot be moved to another ticket unnoticed. Nothing in the portal ever opens it.
"""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.config import database_url, is_postgres, sqlite_path

KEY_FILE = "jejak-contact.key"
PREFIX = "v1:"
NONCE_BYTES = 12


class ContactKeyError(Exception):
    """The contact key file is unreadable or malformed; the message says what to do."""


def default_key_path(url: str | None = None) -> Path:
    """`JEJAK_CONTACT_KEY`, else `jejak-contact.key` beside the SQLite file (or in the working directory)."""
    env = os.environ.get("JEJAK_CONTACT_KEY")
    if env:
        return Path(env)
    url = database_url(url)
    if is_postgres(url):
        return Path(KEY_FILE)
    path = sqlite_path(url)
    if path == ":memory:" or path.startswith("file:"):
        return Path(KEY_FILE)
    return Path(path).resolve().parent / KEY_FILE


def load_or_create_key(path: Path) -> bytes:
    """Read the 256-bit key; create it (mode 0600) when the file does not exist yet.

    Several server processes may start at once: the key is written to a private
    temporary file and hard-linked into place, so exactly one key wins and nobody
    ever reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".contact-key-")
        try:
            with os.fdopen(fd, "w") as fh:  # mkstemp creates the file with mode 0600
                fh.write(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode() + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process created it first: use theirs
        finally:
            os.unlink(tmp)
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise ContactKeyError(f"{path}: cannot read the contact key ({exc}); restore it from backup") from exc
    if len(key) != 32:
        raise ContactKeyError(f"{path}: the contact key must be 32 bytes in base64; restore it from backup")
    return key


class ContactBox:
    """Seals and opens complainant contacts with one AES-256-GCM key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_path(cls, path: Path) -> "ContactBox":
        return cls(load_or_create_key(path))

    def seal(self, contact: str, ticket: str) -> str:
        """The contact as `v1:<base64 nonce||ciphertext>`, bound to `ticket`."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, contact.encode("utf-8"), ticket.encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, token: str, ticket: str) -> str:
        """The contact back, for BKPSDM's handlers; raises ValueError if tampered or for another ticket."""
        if not token.startswith(PREFIX):
            raise ValueError("contact_encrypted: unknown format")
        raw = base64.b64decode(token[len(PREFIX):])
        try:
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], ticket.encode("utf-8"))
        except InvalidTag:
            raise ValueError("contact_encrypted: wrong key, wrong ticket or tampered ciphertext") from None
        return plain.decode("utf-8")
