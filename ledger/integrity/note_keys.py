"""C2SP signed-note keys: names, key ids, verifier keys (vkeys), signer keys and the errors of
the note layer (the specifications are cited in `ledger/integrity/note.py`)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01  # signed-note: Ed25519 over the note text
COSIGNATURE_V1 = 0x04  # tlog-cosignature: timestamped Ed25519 witness cosignature
KEY_TYPES = (ED25519, COSIGNATURE_V1)
MAX_SIGNATURES = 100  # sumdb/note.Open's limit (the spec asks for at least 16)
MAX_TIMESTAMP = 2**63 - 1
HASH_SIZE = 32

SIG_PREFIX = "— "  # U+2014 EM DASH, U+0020 SPACE
_SIG_PREFIX_BYTES = SIG_PREFIX.encode()
COSIGNATURE_HEADER = "cosignature/v1"

# Go's unicode.IsSpace (the White_Space property), which sumdb/note's isValidName uses. Python's
# str.isspace() differs: it also counts U+001C..U+001F as spaces.
_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                       "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


class NoteError(ValueError):
    """A note that cannot be accepted."""


class MalformedNoteError(NoteError):
    """The note's syntax is wrong (sumdb/note's "malformed note")."""

    def __init__(self, why: str) -> None:
        super().__init__(f"malformed note: {why}")


class UnverifiedNoteError(NoteError):
    """A well-formed note with no signature from a known key; `note` holds what was parsed."""

    def __init__(self, note: object) -> None:  # an OpenedNote (note_sign)
        super().__init__("note has no verifiable signatures")
        self.note = note


class InvalidSignatureError(NoteError):
    """A known key's signature does not verify: the whole note is rejected."""

    def __init__(self, name: str, key_id: bytes) -> None:
        super().__init__(f"invalid signature for key {name}+{key_id.hex()}")
        self.name, self.key_id = name, key_id


class AmbiguousKeyError(NoteError):
    """Two verifiers share a name and key id, and a signature names them."""

    def __init__(self, name: str, key_id: bytes) -> None:
        super().__init__(f"ambiguous key {name}+{key_id.hex()}")


# --- names, ids, keys -----------------------------------------------------------------------

def is_valid_name(name: str) -> bool:
    """sumdb/note's rule: non-empty UTF-8 with no Unicode space and no '+'."""
    if not isinstance(name, str) or not name or "+" in name or any(c in _GO_SPACES for c in name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates are not UTF-8
        return False
    return True


def key_id(name: str, key_type: int, public_key_bytes: bytes) -> bytes:
    """SHA-256(name || "\\n" || type byte || public key)[:4], the 4-byte key id (big-endian uint32)."""
    if not 0 <= key_type <= 0xFF:
        raise ValueError(f"key type {key_type} is not a byte")
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + bytes(public_key_bytes)).digest()[:4]


def _public_bytes(key: Ed25519PublicKey | Ed25519PrivateKey | bytes) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if isinstance(key, Ed25519PublicKey):
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if isinstance(key, (bytes, bytearray)) and len(key) == 32:
        return bytes(key)
    raise ValueError("an Ed25519 public key must be an Ed25519PublicKey or 32 raw bytes")


def _private_key(key: Ed25519PrivateKey | bytes) -> Ed25519PrivateKey:
    if isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, (bytes, bytearray)) and len(key) == 32:
        return Ed25519PrivateKey.from_private_bytes(bytes(key))
    raise ValueError("an Ed25519 private key must be an Ed25519PrivateKey or its 32-byte seed")


def _b64decode(text: str) -> bytes:
    """Strict standard base64 with padding, as Go's base64.StdEncoding.DecodeString."""
    if len(text) % 4:  # binascii's strict mode still accepts some unpadded lengths ("AAAAA=")
        raise ValueError("not base64: its length is not a multiple of 4")
    try:
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError(f"not base64: {exc}") from None


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _chop(text: str, sep: str) -> tuple[str, str]:
    before, _, after = text.partition(sep)
    return before, after


@dataclass(frozen=True)
class NoteVerifier:
    """A known key: signature lines naming (`name`, `key_id`) are checked with it."""

    name: str
    key_id: bytes
    public_key: bytes  # raw 32-byte Ed25519 key
    key_type: int = ED25519

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise ValueError(f"invalid key name {self.name!r}: it must be non-empty, without spaces or '+'")
        if self.key_type not in KEY_TYPES:
            raise ValueError(f"unsupported key type 0x{self.key_type:02x}")
        if len(self.public_key) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        if self.key_id != key_id(self.name, self.key_type, self.public_key):
            raise ValueError("key id does not match the name and public key")

    @classmethod
    def for_key(cls, name: str, public_key: Ed25519PublicKey | bytes, key_type: int = ED25519) -> "NoteVerifier":
        raw = _public_bytes(public_key)
        return cls(name, key_id(name, key_type, raw), raw, key_type)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64encode(bytes([self.key_type]) + self.public_key)}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Is `signature` (the bytes after the key id) this key's signature of the note `text`?"""
        key = Ed25519PublicKey.from_public_bytes(self.public_key)
        if self.key_type == COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > MAX_TIMESTAMP:
                return False
            message, signature = cosignature_message(text, timestamp), signature[8:]
        else:
            message = text
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def vkey(name: str, ed25519_public_key: Ed25519PublicKey | bytes) -> str:
    """The note verifier key of an Ed25519 (type 0x01) key: "name+hex8+base64(0x01 || key)"."""
    return NoteVerifier.for_key(name, ed25519_public_key, ED25519).vkey


def cosigner_vkey(name: str, public_key: Ed25519PublicKey | bytes) -> str:
    """The verifier key of a cosignature/v1 witness: "name+hex8+base64(0x04 || key)"."""
    return NoteVerifier.for_key(name, public_key, COSIGNATURE_V1).vkey


def parse_vkey(text: str) -> NoteVerifier:
    """Parse "<name>+<hex key id>+<base64(type || key)>" (type 0x01 Ed25519 or 0x04 cosignature/v1).

    Checks, like sumdb/note.NewVerifier: a valid name, exactly 8 hex digits, strict base64, the
    key id recomputed from the name and the key, a known type and a 32-byte key."""
    if not isinstance(text, str):
        raise ValueError("verifier key: expected text")
    name, rest = _chop(text, "+")
    hex8, key64 = _chop(rest, "+")
    if not is_valid_name(name):
        raise ValueError(f"verifier key: invalid name {name!r} (non-empty, no spaces, no '+')")
    if not _HEX8.fullmatch(hex8):
        raise ValueError(f"verifier key: the key id must be 8 hex digits, not {hex8!r}")
    try:
        key = _b64decode(key64)
    except ValueError:
        raise ValueError("verifier key: the key is not standard base64") from None
    if not key:
        raise ValueError("verifier key: the key is empty")
    if bytes.fromhex(hex8) != hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]:
        raise ValueError(f"verifier key: key id {hex8} does not match the name and key")
    if key[0] not in KEY_TYPES:
        raise ValueError(f"verifier key: unknown key type 0x{key[0]:02x} (0x01 Ed25519, 0x04 cosignature/v1)")
    if len(key) != 33:
        raise ValueError(f"verifier key: an Ed25519 key is 32 bytes, this one is {len(key) - 1}")
    return NoteVerifier(name, bytes.fromhex(hex8), key[1:], key[0])


@dataclass(frozen=True)
class NoteSigner:
    """An Ed25519 (type 0x01) note signing key and its name."""

    name: str
    key_id: bytes
    private_key: Ed25519PrivateKey

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier.for_key(self.name, self.private_key.public_key(), ED25519)


def signer_key_text(name: str, private_key: Ed25519PrivateKey | bytes) -> str:
    """sumdb/note's encoded signer key: "PRIVATE+KEY+name+hex8+base64(0x01 || 32-byte seed)". Secret."""
    if not is_valid_name(name):
        raise ValueError(f"invalid key name {name!r}: it must be non-empty, without spaces or '+'")
    key = _private_key(private_key)
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    kid = key_id(name, ED25519, _public_bytes(key))
    return f"PRIVATE+KEY+{name}+{kid.hex()}+{_b64encode(bytes([ED25519]) + seed)}"


def parse_signer_key(text: str) -> NoteSigner:
    """Parse `signer_key_text`'s form, checking the key id against the derived public key
    (sumdb/note.NewSigner). Error messages never include the key material."""
    if not isinstance(text, str):
        raise ValueError("signer key: expected text")
    priv1, rest = _chop(text, "+")
    priv2, rest = _chop(rest, "+")
    name, rest = _chop(rest, "+")
    hex8, key64 = _chop(rest, "+")
    if priv1 != "PRIVATE" or priv2 != "KEY":
        raise ValueError("signer key: it must start with PRIVATE+KEY+")
    if not is_valid_name(name):
        raise ValueError(f"signer key: invalid name {name!r} (non-empty, no spaces, no '+')")
    if not _HEX8.fullmatch(hex8):
        raise ValueError("signer key: the key id must be 8 hex digits")
    try:
        key = _b64decode(key64)
    except ValueError:
        raise ValueError("signer key: the key is not standard base64") from None
    if not key:
        raise ValueError("signer key: the key is empty")
    if key[0] != ED25519:
        raise ValueError(f"signer key: unknown key type 0x{key[0]:02x} (only 0x01, Ed25519)")
    if len(key) != 33:
        raise ValueError("signer key: an Ed25519 seed is 32 bytes")
    private = Ed25519PrivateKey.from_private_bytes(key[1:])
    if bytes.fromhex(hex8) != key_id(name, ED25519, _public_bytes(private)):
        raise ValueError(f"signer key: key id {hex8} does not match the name and key")
    return NoteSigner(name, bytes.fromhex(hex8), private)


# --- notes ------------------------------------------------------------------------------------

def _as_bytes(note: str | bytes) -> bytes:
    if isinstance(note, (bytes, bytearray)):
        return bytes(note)
    try:
        return note.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedNoteError("not valid UTF-8") from None


def cosignature_message(checkpoint_body: str | bytes, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: "cosignature/v1\\ntime <t>\\n" followed by the note text."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("cosignature: the timestamp is an integer from 0 to 2^63 - 1")
    body = _as_bytes(checkpoint_body)
    return f"{COSIGNATURE_HEADER}\ntime {timestamp}\n".encode() + body
