"""Sending Jejak's checkpoints to its witnesses (`JEJAK_WITNESSES`) and keeping their cosignatures.

`JEJAK_WITNESSES` lists one witness per line (or separated by ';'): its URL and its verifier key,
e.g. `https://witness.inspektorat.binjaikota.go.id inspektorat.binjaikota.go.id/witness+1a2b3c4d+BA…`.
Each new checkpoint note goes to every witness by c2sp.org/tlog-witness (old size plus the
consistency proof from it); the cosignature lines they return are checked against their keys and
stored. A witness that is down or refuses costs nothing but its cosignature: the checkpoint stands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from ledger.errors import ValidationFailed
from ledger.integrity import note
from ledger.integrity.witness_client import WitnessRefused, request_cosignature

ENV = "JEJAK_WITNESSES"
log = logging.getLogger("jejak.witnessing")


@dataclass(frozen=True)
class Peer:
    """One witness Jejak asks: where it listens and the key its cosignatures must verify with."""

    url: str
    verifier: note.NoteVerifier

    @property
    def name(self) -> str:
        return self.verifier.name


def peers(text: str | None) -> list[Peer]:
    """The witnesses of a `JEJAK_WITNESSES` value; an error names the setting and the entry."""
    out = []
    for entry in (text or "").replace(";", "\n").splitlines():
        if not entry.strip():
            continue
        parts = entry.split()
        if len(parts) != 2 or not parts[0].startswith(("http://", "https://")):
            raise ValidationFailed(f"{ENV}: expected 'URL VKEY' per witness, got {entry.strip()!r}", field=ENV)
        try:
            v = note.parse_vkey(parts[1])
        except ValueError as exc:
            raise ValidationFailed(f"{ENV}: {parts[1]!r}: {exc}", field=ENV) from None
        if v.key_type != note.COSIGNATURE_V1:
            v = note.NoteVerifier.for_key(v.name, v.public_key, note.COSIGNATURE_V1)
        out.append(Peer(parts[0], v))
    return out


def cosign_all(witnesses: list[Peer], checkpoint_note: str, last_cosigned: Callable[[str], int],
               proof_for: Callable[[int], list[bytes]], store: Callable[[str, str], None],
               timeout: float = 10.0) -> list[dict[str, Any]]:
    """Ask each witness to cosign; store what verifies. One result per witness: name, ok, error."""
    results = []
    for peer in witnesses:
        try:
            lines = request_cosignature(peer.url, checkpoint_note, last_cosigned(peer.name), proof_for,
                                        timeout=timeout, verifiers=[peer.verifier])
        except (WitnessRefused, OSError, ValueError) as exc:
            log.warning("jejak: witness %s did not cosign (%s); the checkpoint stands without it", peer.name, exc)
            results.append({"witness": peer.name, "ok": False, "error": str(exc)})
            continue
        for line in lines:
            store(peer.name, line)
        results.append({"witness": peer.name, "ok": True, "error": None})
    return results
