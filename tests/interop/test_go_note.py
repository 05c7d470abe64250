"""Jejak's signed notes, checkpoints and cosignatures against Go's golang.org/x/mod/sumdb/note.

Both directions: Go's note.Open verifies what Python signs (and refuses it tampered),
Go verifies Python's C2SP cosignature/v1 lines through the small note.Verifier in
go/src/jejakinterop/note.go, and Python's open_note verifies what Go's note.Sign signs.
Ed25519 is deterministic, so the same key must also give the same note byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import gotools
from ledger.integrity import note

pytestmark = [pytest.mark.slow, pytest.mark.interop]

ORIGIN = "jejak.binjaikota.go.id/ledger"
LOG = "jejak.binjaikota.go.id/log"
WITNESSES = ("witness.example/alpha", "witness.example/beta")


def root_of(size: int) -> bytes:
    return hashlib.sha256(f"root {size}".encode()).digest()


@pytest.fixture(scope="module")
def log_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def witness_keys():
    return {name: Ed25519PrivateKey.generate() for name in WITNESSES}


def go(command: str, *keys: str, stdin: str):
    return gotools.run(command, *keys, input=stdin)


def go_json(command: str, *keys: str, stdin: str):
    done = go(command, *keys, stdin=stdin)
    assert done.returncode == 0, f"Go's {command} refused: {done.stderr.strip()}"
    return json.loads(done.stdout)


def checkpoint(log_key, size: int = 1100) -> tuple[str, str]:
    body = note.checkpoint_body(ORIGIN, size, root_of(size))
    return body, note.sign_note(body, LOG, log_key)


def names(opened: note.OpenedNote) -> list[str]:
    return [s.name for s in opened.signatures]


def flip_sig_byte(signed: str, line: int = -1) -> str:
    """One bit flipped in the signature bytes (after the key hash) of a signature line."""
    text, _, sigs = signed.rpartition("\n\n")
    lines = sigs.splitlines()
    dash, name, b64 = lines[line].split(" ")
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    lines[line] = f"{dash} {name} {base64.b64encode(bytes(raw)).decode()}"
    return f"{text}\n\n" + "".join(s + "\n" for s in lines)


@pytest.mark.parametrize("size", [1, 2, 300, 1100, 2**40 + 3])
def test_go_opens_a_python_signed_checkpoint(go_program, log_key, size):
    body, signed = checkpoint(log_key, size)
    assert body == f"{ORIGIN}\n{size}\n{base64.b64encode(root_of(size)).decode()}\n"
    opened = go_json("note-verify", note.vkey(LOG, log_key.public_key()), stdin=signed)
    assert opened["text"] == body
    assert opened["sigs"] == [LOG]


def test_go_refuses_a_tampered_python_checkpoint(go_program, log_key):
    body, signed = checkpoint(log_key, 1100)
    vkey = note.vkey(LOG, log_key.public_key())
    other = note.vkey(LOG, Ed25519PrivateKey.generate().public_key())
    tampered = {
        "size changed": signed.replace("\n1100\n", "\n1101\n", 1),
        "root changed": signed.replace(body.splitlines()[2], base64.b64encode(root_of(7)).decode(), 1),
        "origin changed": signed.replace(ORIGIN, ORIGIN + "x", 1),
        "signature bit flipped": flip_sig_byte(signed),
        "signature line dropped": body + "\n",
    }
    for what, text in tampered.items():
        done = go("note-verify", vkey, stdin=text)
        assert done.returncode == 1 and done.stderr, f"Go accepted a checkpoint with its {what}"
    done = go("note-verify", other, stdin=signed)  # same name, other key: Go knows no key that signed it
    assert done.returncode == 1 and "no verifiable signatures" in done.stderr


def test_python_and_go_sign_the_same_bytes_with_the_same_key(go_program, log_key):
    """Go's signer key built from Python's seed: Go derives the same vkey and signs the same note."""
    body, signed = checkpoint(log_key, 42)
    vkey = note.vkey(LOG, log_key.public_key())
    made = go_json("note-sign", note.signer_key_text(LOG, log_key), stdin=body)  # note.NewSigner reads it
    assert made["vkey"] == vkey
    assert made["note"] == signed


def test_go_verifies_python_cosignatures(go_program, log_key, witness_keys):
    body, signed = checkpoint(log_key, 1100)
    stamps = {WITNESSES[0]: 1_767_225_600, WITNESSES[1]: 1_767_225_601}
    cosigned = note.append_signatures(signed, [note.cosign(body, name, key, stamps[name])
                                               for name, key in witness_keys.items()])
    vkeys = [note.vkey(LOG, log_key.public_key())]
    vkeys += [note.cosigner_vkey(name, key.public_key()) for name, key in witness_keys.items()]

    opened = go_json("cosig-verify", *vkeys, stdin=cosigned)
    assert opened["text"] == body
    assert opened["sigs"] == [LOG, *WITNESSES]
    assert {s["name"]: s.get("timestamp") for s in opened["signatures"]} == {LOG: None, **stamps}
    mine = note.open_note(cosigned, [note.parse_vkey(v) for v in vkeys])  # Python reads it the same way
    assert [(s.name, s.key_id.hex(), s.timestamp) for s in mine.signatures] == \
        [(s["name"], s["key_hash"], s.get("timestamp")) for s in opened["signatures"]]

    # Only one witness known: the other's cosignature is left unverified, not refused.
    opened = go_json("cosig-verify", vkeys[1], stdin=cosigned)
    assert opened["sigs"] == [WITNESSES[0]] and opened["unverified"] == [LOG, WITNESSES[1]]


def test_go_refuses_tampered_python_cosignatures(go_program, log_key, witness_keys):
    body, signed = checkpoint(log_key, 1100)
    name, key = WITNESSES[0], witness_keys[WITNESSES[0]]
    cosigner = note.cosigner_vkey(name, key.public_key())
    line = note.cosign(body, name, key, 1_767_225_600)
    good = note.append_signatures(signed, [line])
    assert go("cosig-verify", cosigner, stdin=good).returncode == 0

    dash, _, b64 = line.split(" ")
    raw = bytearray(base64.b64decode(b64))
    raw[11] ^= 1  # the timestamp's last byte: the signed "time <t>" line no longer matches
    other_time = note.append_signatures(signed, [f"{dash} {name} {base64.b64encode(bytes(raw)).decode()}"])
    other_body = note.checkpoint_body(ORIGIN, 1099, root_of(1100))
    tampered = {
        "signature bit flipped": flip_sig_byte(good),
        "timestamp changed": other_time,
        "cosigned another size": note.append_signatures(signed, [note.cosign(other_body, name, key, 1_767_225_600)]),
        "checkpoint changed": good.replace("\n1100\n", "\n1101\n", 1),
    }
    for what, text in tampered.items():
        done = go("cosig-verify", cosigner, stdin=text)
        assert done.returncode == 1 and done.stderr, f"Go accepted a cosignature with its {what}"

    # A cosignature is not a plain note signature: Go's own note.NewVerifier rejects the key type.
    done = go("note-verify", cosigner, stdin=good)
    assert done.returncode != 0 and "unknown verifier algorithm" in done.stderr


def test_python_opens_a_go_signed_note(go_program):
    text = f"{ORIGIN}\n5\n{base64.b64encode(root_of(5)).decode()}\nextension line\n"
    made = go_json("note-sign", "go.example/log", stdin=text)
    verifier = note.parse_vkey(made["vkey"])
    opened = note.open_note(made["note"], [verifier])
    assert opened.text == text
    assert names(opened) == ["go.example/log"]
    assert note.parse_signer_key(made["skey"]).verifier == verifier  # Go's signer key reads back

    for bad in (made["note"].replace("\n5\n", "\n6\n", 1), flip_sig_byte(made["note"])):
        with pytest.raises(note.InvalidSignatureError):
            note.open_note(bad, [verifier])
    other = go_json("note-sign", "go.example/log", stdin=text)  # same name, fresh key
    with pytest.raises(note.UnverifiedNoteError):
        note.open_note(made["note"], [note.parse_vkey(other["vkey"])])
