"""C2SP signed notes, checkpoints and cosignatures (standard library and `cryptography` only).

Specifications followed byte for byte:

- c2sp.org/signed-note (and its reference implementation, golang.org/x/mod/sumdb/note):
  a note is a text ending in "\\n", a blank line, then signature lines
  "— <name> <base64(4-byte key id || signature)>\\n". The whole note is UTF-8 with no ASCII
  control character but "\\n". Key id = SHA-256(name || "\\n" || type byte || public key)[:4];
  type 0x01 is Ed25519 over the note text. A verifier key (vkey) is
  "<name>+<8 hex digits of the key id>+<base64(type byte || public key)>"; sumdb/note's signer key
  is "PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte Ed25519 seed)>".
  `open_note` refuses exactly what sumdb/note.Open refuses, in the same cases: control
  characters or invalid UTF-8 anywhere, no "\\n\\n", a signature block not ending in "\\n", a
  line not starting with "— ", an invalid name, a signature that is not strict base64 of at
  least 5 bytes, more than 100 signature lines; a known key (name and id both match) whose
  signature fails rejects the whole note; a note with no verified signature is rejected
  (`UnverifiedNoteError`, which still carries the parsed note). Unknown keys are kept aside,
  duplicates dropped.
- c2sp.org/tlog-checkpoint: the note text is "<origin>\\n<size>\\n<base64 root>\\n" and optional
  non-empty extension lines; size in decimal without leading zeros; the root is the RFC 6962
  SHA-256 root (32 bytes).
- c2sp.org/tlog-cosignature, Ed25519 cosignature/v1: key id type 0x04; the signature is
  8-byte big-endian timestamp || Ed25519 signature over
  "cosignature/v1\\ntime <timestamp>\\n" || the note text of the checkpoint (its final "\\n"
  included, no signature lines). The timestamp is POSIX seconds, at most 2^63 - 1.

Signature lines are handled here WITHOUT their final newline ("— name base64");
`append_signatures` puts them back into a note.
"""

from ledger.integrity.note_checkpoint import (Checkpoint, checkpoint_body, cosign, cosignature_timestamp,
                                              parse_checkpoint, verify_cosignature)
from ledger.integrity.note_keys import (COSIGNATURE_HEADER, COSIGNATURE_V1, ED25519, HASH_SIZE, KEY_TYPES,
                                        MAX_SIGNATURES, MAX_TIMESTAMP, SIG_PREFIX, AmbiguousKeyError,
                                        InvalidSignatureError, MalformedNoteError, NoteError, NoteSigner,
                                        NoteVerifier, UnverifiedNoteError, cosignature_message, cosigner_vkey,
                                        is_valid_name, key_id, parse_signer_key, parse_vkey, signer_key_text, vkey)
from ledger.integrity.note_sign import NoteSignature, OpenedNote, append_signatures, open_note, sign_note

__all__ = ["COSIGNATURE_HEADER", "COSIGNATURE_V1", "ED25519", "HASH_SIZE", "KEY_TYPES", "MAX_SIGNATURES",
           "MAX_TIMESTAMP", "SIG_PREFIX", "AmbiguousKeyError", "Checkpoint", "InvalidSignatureError",
           "MalformedNoteError", "NoteError", "NoteSignature", "NoteSigner", "NoteVerifier", "OpenedNote",
           "UnverifiedNoteError", "append_signatures", "checkpoint_body", "cosign", "cosignature_message",
           "cosignature_timestamp", "cosigner_vkey", "is_valid_name", "key_id", "open_note", "parse_checkpoint",
           "parse_signer_key", "parse_vkey", "sign_note", "signer_key_text", "verify_cosignature", "vkey"]
