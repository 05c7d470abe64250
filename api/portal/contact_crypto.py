"""Complainants' contact details, sealed with AES-GCM before they reach the ledger (UU 27/2022 PDP).

The key lives in a file outside the database (env `JEJAK_CONTACT_KEY`, default
`jejak-contact.key` beside the SQLite file), so a copy of the ledger alone reveals
no complainant. Each ciphertext is bound to its ticket id (associated data): it
cannot be moved to another ticket unnoticed. Nothing in the portal ever opens it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.sealing import KEY_FILE, PersonalKeyError, default_key_path, load_or_create_key  # noqa: F401

PREFIX = "v1:"
NONCE_BYTES = 12
ContactKeyError = PersonalKeyError  # the one personal-data key (ledger.sealing) seals contacts too


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
