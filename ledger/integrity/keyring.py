"""The public keys stored in the ledger, and which of them a pinned key vouches for.

Every public key that ever signed stays in `jejak_signing_keys`, so old checkpoints stay
verifiable after a rotation. Trust flows only from keys the operator hands in (`--public-key`):
backwards to the older keys a trusted key endorsed when it was made, and forwards to the key a
trusted key handed over to when it was rotated out (`jejak_key_rotations`, signed by the old
key). A row someone slipped into the table vouches for nothing.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.integrity import utc_text
from ledger.integrity.verifier import key_id, load_public_key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def rotation_text(new_kid: str, old_kid: str, created_at: str) -> str:
    return "jejak-key-rotation/v1\n" + old_kid + "\n" + new_kid + "\n" + created_at + "\n"


def endorsement_text(kid: str, created_at: str, endorses: list[str]) -> str:
    return "jejak-key/v1\n" + kid + "\n" + created_at + "\n" + "".join(e + "\n" for e in endorses)


class Keyring:
    """The public keys stored in the ledger, and which of them a trusted key vouches for."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder

    def rows(self) -> list[dict[str, Any]]:
        rows = self.recorder.query("SELECT key_id, public_key, created_at, endorses, endorsement"
                                   " FROM jejak_signing_keys ORDER BY created_at, key_id")
        return [{"key_id": k, "public_key": pem, "created_at": c, "endorses": json.loads(e), "endorsement": s}
                for k, pem, c, e, s in rows]

    def register(self, key: Ed25519PrivateKey, endorses: list[str], now: datetime) -> None:
        """Store `key`'s public half, vouching (with its own signature) for `endorses`."""
        kid = key_id(key.public_key())
        if any(r["key_id"] == kid for r in self.rows()):
            return
        created = utc_text(now)
        sig = base64.b64encode(key.sign(endorsement_text(kid, created, endorses).encode())).decode()
        self.recorder.execute("INSERT INTO jejak_signing_keys (key_id, public_key, created_at, endorses, endorsement)"
                              " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING",
                              (kid, public_pem(key.public_key()), created, json.dumps(endorses), sig))

    def trusted(self, anchors: list[Ed25519PublicKey]) -> dict[str, Ed25519PublicKey]:
        """Anchors plus every stored key a trusted key endorsed (transitively); all stored keys if no anchor."""
        stored: dict[str, tuple[Ed25519PublicKey, dict[str, Any]]] = {}
        for row in self.rows():
            pub = load_public_key(row["public_key"].encode())
            if key_id(pub) == row["key_id"]:
                stored[row["key_id"]] = (pub, row)
        if not anchors:
            return {k: pub for k, (pub, _) in stored.items()}
        trusted = {key_id(a): a for a in anchors}
        queue = list(trusted)
        while queue:
            kid = queue.pop()
            if kid not in stored:
                continue
            pub, row = stored[kid]
            try:
                trusted[kid].verify(base64.b64decode(row["endorsement"]),
                                    endorsement_text(kid, row["created_at"], row["endorses"]).encode())
            except (InvalidSignature, ValueError):
                continue
            for older in row["endorses"]:
                if older in stored and older not in trusted:
                    trusted[older] = stored[older][0]
                    queue.append(older)
        return self._rotated_from(trusted, stored)

    def _rotated_from(self, trusted: dict[str, Ed25519PublicKey],
                      stored: dict[str, tuple[Ed25519PublicKey, dict[str, Any]]]) -> dict[str, Ed25519PublicKey]:
        """Keys a trusted key handed over to when it was rotated out (it signed their ids), transitively."""
        rows = self.recorder.query("SELECT new_key_id, old_key_id, created_at, signature FROM jejak_key_rotations")
        changed = True
        while changed:
            changed = False
            for new, old, created, sig in rows:
                if old in trusted and new not in trusted and new in stored:
                    try:
                        trusted[old].verify(base64.b64decode(sig), rotation_text(new, old, created).encode())
                    except (InvalidSignature, ValueError):
                        continue
                    trusted[new] = stored[new][0]
                    changed = True
        return trusted
