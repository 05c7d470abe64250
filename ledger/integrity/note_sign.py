"""C2SP signed notes: signing and opening them exactly as golang.org/x/mod/sumdb/note does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.integrity.note_keys import (_SIG_PREFIX_BYTES, COSIGNATURE_V1, ED25519, MAX_SIGNATURES, SIG_PREFIX,
                                        AmbiguousKeyError, InvalidSignatureError, MalformedNoteError, NoteVerifier,
                                        UnverifiedNoteError, _as_bytes, _b64decode, _b64encode, _chop, _private_key,
                                        _public_bytes, is_valid_name, key_id)


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: str  # base64(key id || signature), as in the note
    timestamp: int | None = None  # verified cosignature/v1 signatures: the cosigner's time

    @property
    def line(self) -> str:
        return f"{SIG_PREFIX}{self.name} {self.signature}"


@dataclass(frozen=True)
class OpenedNote:
    text: str  # the signed text, its final "\n" included
    signatures: tuple[NoteSignature, ...]  # verified, by known keys
    unverified: tuple[NoteSignature, ...]  # by unknown keys (ignored, kept for re-emitting)


def _check_note_chars(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedNoteError("not valid UTF-8") from None
    for ch in text:
        if ch < " " and ch != "\n":
            raise MalformedNoteError(f"control character U+{ord(ch):04X}")


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey | bytes) -> str:
    """The note of `text` signed by the Ed25519 key `name` (type 0x01), as sumdb/note.Sign.

    Stricter than Sign: `text` must also be free of control characters other than "\\n", so
    that the note it returns always opens."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise MalformedNoteError("the text must end in a newline")
    raw = _as_bytes(text)
    _check_note_chars(raw)
    if not is_valid_name(name):
        raise ValueError(f"invalid signer name {name!r}: it must be non-empty, without spaces or '+'")
    key = _private_key(private_key)
    kid = key_id(name, ED25519, _public_bytes(key))
    return f"{text}\n{SIG_PREFIX}{name} {_b64encode(kid + key.sign(raw))}\n"


def append_signatures(note: str, lines: Iterable[str]) -> str:
    """`note` with more signature lines ("— name base64", without newline) at its end."""
    if not note.endswith("\n") or "\n\n" not in note:
        raise MalformedNoteError("not a signed note")
    out = note
    for line in lines:
        if not line.startswith(SIG_PREFIX) or "\n" in line:
            raise MalformedNoteError(f"not a signature line: {line!r}")
        out += line + "\n"
    return out


def _verifier_table(verifiers: Iterable[NoteVerifier]) -> dict[tuple[str, bytes], list[NoteVerifier]]:
    table: dict[tuple[str, bytes], list[NoteVerifier]] = {}
    for v in verifiers:
        table.setdefault((v.name, v.key_id), []).append(v)
    return table


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> OpenedNote:
    """Parse `note` and verify its signatures from the known `verifiers` (sumdb/note.Open).

    Raises MalformedNoteError, InvalidSignatureError (a known key's signature fails),
    AmbiguousKeyError, or UnverifiedNoteError (no known key signed; `.note` has the rest)."""
    raw = _as_bytes(note)
    _check_note_chars(raw)
    split = raw.rfind(b"\n\n")
    if split < 0:
        raise MalformedNoteError("no blank line before the signatures")
    text, sigs = raw[:split + 1], raw[split + 2:]
    if not sigs or not sigs.endswith(b"\n"):
        raise MalformedNoteError("the signature block must end in a newline")
    table = _verifier_table(verifiers)
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    seen_unverified: set[bytes] = set()
    count = 0
    for line in sigs[:-1].split(b"\n"):
        if not line.startswith(_SIG_PREFIX_BYTES):
            raise MalformedNoteError("a signature line must start with '— '")
        line = line[len(_SIG_PREFIX_BYTES):]
        name, b64 = _chop(line.decode("utf-8"), " ")
        try:
            sig = _b64decode(b64)
        except ValueError:
            raise MalformedNoteError(f"signature of {name!r} is not base64") from None
        if not is_valid_name(name) or not b64 or len(sig) < 5:
            raise MalformedNoteError(f"bad signature line for {name!r}")
        count += 1
        if count > MAX_SIGNATURES:
            raise MalformedNoteError(f"more than {MAX_SIGNATURES} signatures")
        kid, sig = sig[:4], sig[4:]
        candidates = table.get((name, kid))
        if not candidates:
            if line not in seen_unverified:  # drop repeated identical unknown lines
                seen_unverified.add(line)
                unverified.append(NoteSignature(name, kid, b64))
            continue
        if len(candidates) > 1:
            raise AmbiguousKeyError(name, kid)
        if (name, kid) in seen:  # one signature per known key: later ones are dropped unread
            continue
        seen.add((name, kid))
        verifier = candidates[0]
        if not verifier.verify(text, sig):
            raise InvalidSignatureError(name, kid)
        timestamp = int.from_bytes(sig[:8], "big") if verifier.key_type == COSIGNATURE_V1 else None
        verified.append(NoteSignature(name, kid, b64, timestamp))
    opened = OpenedNote(text.decode("utf-8"), tuple(verified), tuple(unverified))
    if not verified:
        raise UnverifiedNoteError(opened)
    return opened


# --- checkpoints (c2sp.org/tlog-checkpoint) ----------------------------------------------------
