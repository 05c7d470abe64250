"""The personal-data key (`JEJAK_CONTACT_KEY`) and the AES-256-GCM box that seals disclosures.

One 256-bit key, in a file outside the database, protects every personal value Jejak keeps:
complainants' contacts (sealed by the portal before they are posted) and every disclosure, the
(salt, value) pair behind a commitment (`ledger.personal`). A copy of the database alone, its WAL
or a backup reveals no personal value. The key lives here, in the ledger, because the ledger
seals disclosures as it writes and opens them as it reads; the portal uses the same helpers.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.config import database_url, is_postgres, sqlite_path

KEY_FILE = "jejak-contact.key"
NONCE_BYTES = 12


class PersonalKeyError(Exception):
    """The personal-data key file is unreadable or malformed; the message says what to do."""


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
    return read_key(path)


def read_key(path: Path) -> bytes:
    """Read the key, never creating it (`verify` checks disclosures only when the key is there)."""
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise PersonalKeyError(f"{path}: cannot read the contact key ({exc}); restore it from backup") from exc
    if len(key) != 32:
        raise PersonalKeyError(f"{path}: the contact key must be 32 bytes in base64; restore it from backup")
    return key


class DisclosureBox:
    """Seals a disclosure (salt, value) bound to its commitment, and opens it again."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, commitment: str, salt: bytes, value: Any) -> bytes:
        """nonce || AES-256-GCM([salt hex, value]) with the commitment as associated data: a sealed
        disclosure moved to another commitment no longer opens."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps([salt.hex(), value], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return nonce + self._aead.encrypt(nonce, plain, bytes.fromhex(commitment))

    def open(self, commitment: str, sealed: bytes) -> tuple[bytes, Any]:
        """(salt, value); ValueError when the key is wrong or the bytes were changed or moved."""
        sealed = bytes(sealed)
        try:
            plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], bytes.fromhex(commitment))
        except InvalidTag:
            raise ValueError(f"disclosure {commitment[:16]}…: wrong key, or sealed bytes changed or moved") from None
        salt, value = json.loads(plain)
        return bytes.fromhex(salt), value
