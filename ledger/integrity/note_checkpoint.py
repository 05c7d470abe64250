"""C2SP checkpoints (c2sp.org/tlog-checkpoint) and cosignature/v1 witness cosignatures
(c2sp.org/tlog-cosignature)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.integrity.note_keys import (COSIGNATURE_V1, HASH_SIZE, MAX_TIMESTAMP, SIG_PREFIX, _DECIMAL, NoteVerifier,
                                        _b64decode, _b64encode, _chop, _private_key, _public_bytes,
                                        cosignature_message, is_valid_name, key_id)
from ledger.integrity.note_sign import UnverifiedNoteError, append_signatures, open_note


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        return checkpoint_body(self.origin, self.size, self.root, self.extensions)


def _check_line(what: str, line: str) -> None:
    if not line:
        raise ValueError(f"checkpoint: the {what} must not be empty")
    if any(ch < " " for ch in line):
        raise ValueError(f"checkpoint: the {what} must be one line without control characters")


def checkpoint_body(origin: str, size: int, root: bytes, extensions: Iterable[str] = ()) -> str:
    """The note text "<origin>\\n<size>\\n<base64 root>\\n" followed by extension lines."""
    _check_line("origin", origin)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size < 2**64:
        raise ValueError("checkpoint: the tree size is an integer from 0 to 2^64 - 1")
    if len(root) != HASH_SIZE:
        raise ValueError(f"checkpoint: the root hash is {HASH_SIZE} bytes")
    extensions = tuple(extensions)
    for line in extensions:
        _check_line("extension line", line)
    return "".join(line + "\n" for line in (origin, str(size), _b64encode(bytes(root)), *extensions))


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text (the signed part of the note, not the signatures).

    Refuses: no final newline, fewer than three lines, any empty line, a size that is not
    plain decimal (no sign, no leading zero) below 2^64, a root that is not the canonical
    base64 of 32 bytes."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise ValueError("checkpoint: the text must end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise ValueError("checkpoint: it needs three lines (origin, size, root hash)")
    origin, size_text, root_text, *extensions = lines
    _check_line("origin", origin)
    if not _DECIMAL.fullmatch(size_text) or int(size_text) >= 2**64:
        raise ValueError(f"checkpoint: bad tree size {size_text!r} (decimal, no leading zeros)")
    try:
        root = _b64decode(root_text)
    except ValueError:
        raise ValueError("checkpoint: the root hash is not base64") from None
    if len(root) != HASH_SIZE or _b64encode(root) != root_text:
        raise ValueError(f"checkpoint: the root hash must be the base64 of {HASH_SIZE} bytes")
    for line in extensions:
        _check_line("extension line", line)
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


# --- cosignatures (c2sp.org/tlog-cosignature, cosignature/v1) ---------------------------------

def cosign(checkpoint_body: str, name: str, private_key: Ed25519PrivateKey | bytes, timestamp: int) -> str:
    """The cosignature/v1 line "— name base64(key id || u64 timestamp || Ed25519 signature)"."""
    if not isinstance(checkpoint_body, str) or not checkpoint_body.endswith("\n"):
        raise ValueError("cosignature: the checkpoint body must end in a newline")
    if not is_valid_name(name):
        raise ValueError(f"invalid cosigner name {name!r}: it must be non-empty, without spaces or '+'")
    key = _private_key(private_key)
    kid = key_id(name, COSIGNATURE_V1, _public_bytes(key))
    signature = key.sign(cosignature_message(checkpoint_body, timestamp))
    return f"{SIG_PREFIX}{name} {_b64encode(kid + timestamp.to_bytes(8, 'big') + signature)}"


def cosignature_timestamp(signature: str) -> int:
    """The timestamp inside a cosignature/v1 signature (its base64 or its whole line), unverified."""
    if signature.startswith(SIG_PREFIX):
        signature = _chop(signature[len(SIG_PREFIX):], " ")[1]
    raw = _b64decode(signature)
    if len(raw) != 4 + 8 + 64:
        raise ValueError("cosignature: a cosignature/v1 signature is 76 bytes")
    timestamp = int.from_bytes(raw[4:12], "big")
    if timestamp > MAX_TIMESTAMP:
        raise ValueError("cosignature: timestamp beyond 2^63 - 1")
    return timestamp


def verify_cosignature(checkpoint_body: str, line: str, verifier: NoteVerifier) -> int:
    """Check the cosignature line of `verifier` (type 0x04) on `checkpoint_body`; its timestamp.

    Raises ValueError when the line is not this cosigner's or does not verify."""
    if verifier.key_type != COSIGNATURE_V1:
        raise ValueError("cosignature: the verifier is not a cosignature/v1 (type 0x04) key")
    try:
        opened = open_note(append_signatures(checkpoint_body + "\n", [line]), [verifier])
    except UnverifiedNoteError:
        raise ValueError(f"cosignature: the line is not signed by {verifier.name}+{verifier.key_id.hex()}") from None
    timestamp = opened.signatures[0].timestamp
    assert timestamp is not None
    return timestamp
