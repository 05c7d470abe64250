"""C2SP signed notes, checkpoints and cosignatures (ledger/integrity/note.py).

Known answers come from golang.org/x/mod/sumdb/note's own tests (note_test.go, example_test.go:
the PeterNeumann / EnochRoot keys and signed note), from the C2SP specifications' examples and
from transparency-dev/formats (a cosignature/v1 timestamp). They are pasted verbatim: a change
in key ids, encodings or the parser's refusals fails them.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.integrity.note import (COSIGNATURE_V1, ED25519, AmbiguousKeyError, Checkpoint,
                                   InvalidSignatureError, MalformedNoteError, NoteVerifier,
                                   UnverifiedNoteError, append_signatures, checkpoint_body, cosign,
                                   cosignature_message, cosignature_timestamp, cosigner_vkey, key_id,
                                   open_note, parse_checkpoint, parse_signer_key, parse_vkey, sign_note,
                                   signer_key_text, verify_cosignature, vkey)

# golang.org/x/mod/sumdb/note, note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestOpen)
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = ("If you think cryptography is the answer to your problem,\n"
        "then you don't know what your problem is.\n")
PETER_SIG = ("— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdn"
             "gotpRZb6KE6RyyBwJnAM=\n")
ENOCH_SIG = ("— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW"
             "Lox33WWd1RvMc+QQ=\n")
PETER_B64 = PETER_SIG.split(" ")[2].strip()
ENOCH_B64 = ENOCH_SIG.split(" ")[2].strip()

# c2sp.org/tlog-checkpoint's example
SPEC_CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


@pytest.fixture
def peter() -> NoteVerifier:
    return parse_vkey(PETER_VKEY)


@pytest.fixture
def enoch() -> NoteVerifier:
    return parse_vkey(ENOCH_VKEY)


def _abcd(sig_line: str) -> str:
    """note_test.go's `sig[:60] + "ABCD" + sig[60:]`, with Go's byte offsets (the em dash is 3 bytes)."""
    raw = sig_line.encode()
    return (raw[:60] + b"ABCD" + raw[60:]).decode()


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# --- keys ------------------------------------------------------------------------------------

def test_key_id_and_vkey_known_answer(peter):
    assert peter.name == "PeterNeumann"
    assert peter.key_id == bytes.fromhex("c74f20a3")
    assert peter.key_type == ED25519
    assert peter.public_key == base64.b64decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")[1:]
    assert key_id("PeterNeumann", 0x01, peter.public_key) == bytes.fromhex("c74f20a3")
    assert vkey("PeterNeumann", peter.public_key) == PETER_VKEY
    assert parse_vkey(ENOCH_VKEY).key_id == bytes.fromhex("af0cfe78")


def test_key_id_is_sha256_of_name_newline_type_key():
    key = bytes(range(32))
    assert key_id("log.example/a", 0x04, key) == hashlib.sha256(b"log.example/a\n\x04" + key).digest()[:4]
    assert key_id("log.example/a", 0x01, key) != key_id("log.example/a", 0x04, key)


def test_signer_key_known_answer_and_round_trip(peter):
    signer = parse_signer_key(PETER_SKEY)
    assert (signer.name, signer.key_id) == ("PeterNeumann", bytes.fromhex("c74f20a3"))
    assert signer.verifier == peter
    assert signer_key_text("PeterNeumann", signer.private_key) == PETER_SKEY
    fresh = Ed25519PrivateKey.generate()
    again = parse_signer_key(signer_key_text("jejak.example/log", fresh))
    assert _raw_public(again.private_key) == _raw_public(fresh)


def _manglings(text: str) -> list[str]:
    """note_test.go's: every proper substring, and every character bumped by one."""
    out = [text[i:j] for i in range(len(text) + 1) for j in range(i + 1, len(text) + 1)
           if (i, j) != (0, len(text))]
    out += [text[:i] + chr(ord(text[i]) + 1) + text[i + 1:] for i in range(len(text))]
    return out


def test_mangled_verifier_keys_are_refused():
    refused = 0
    for mangled in _manglings(PETER_VKEY):
        with pytest.raises(ValueError):
            parse_vkey(mangled)
        refused += 1
    assert refused > 2000
    # note_test.go: a wrong-length key and an unknown algorithm, each with an adjusted key hash
    with pytest.raises(ValueError, match="32 bytes"):
        parse_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(ValueError, match="unknown key type 0x65"):
        parse_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_mangled_signer_keys_are_refused():
    for mangled in _manglings(PETER_SKEY):
        with pytest.raises(ValueError):
            parse_signer_key(mangled)


@pytest.mark.parametrize("text, message", [
    ("PeterNeumann", "8 hex digits"),
    ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid name"),
    ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid name"),
    ("PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"),
    ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"),
    ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
])
def test_verifier_key_errors_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_vkey(text)


def test_names_follow_go_unicode_spaces():
    key = bytes(32)
    for bad in ("a b", "a\u00a0b", "a\u2028b", "a+b", ""):
        with pytest.raises(ValueError):
            NoteVerifier.for_key(bad, key)
    # U+001C is a space to Python's str.isspace() but not to Go's unicode.IsSpace
    assert NoteVerifier.for_key("a\x1cb", key).name == "a\x1cb"


# --- notes ------------------------------------------------------------------------------------

def test_sign_note_matches_sumdb_note_byte_for_byte():
    signer = parse_signer_key(PETER_SKEY)
    assert sign_note(TEXT, signer.name, signer.private_key) == TEXT + "\n" + PETER_SIG


def test_note_round_trip_with_a_fresh_key():
    key = Ed25519PrivateKey.generate()
    note = sign_note("jejak.example/log\n3\nAAAA\n", "jejak.example/log", key)
    opened = open_note(note, [parse_vkey(vkey("jejak.example/log", key.public_key()))])
    assert opened.text == "jejak.example/log\n3\nAAAA\n"
    assert [s.name for s in opened.signatures] == ["jejak.example/log"]
    assert opened.unverified == ()


def test_open_one_known_one_unknown(peter):
    opened = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter])
    assert opened.text == TEXT
    assert [(s.name, s.key_id, s.signature) for s in opened.signatures] == [
        ("PeterNeumann", bytes.fromhex("c74f20a3"), PETER_B64)]
    assert [(s.name, s.key_id, s.signature) for s in opened.unverified] == [
        ("EnochRoot", bytes.fromhex("af0cfe78"), ENOCH_B64)]


def test_open_both_known(peter, enoch):
    opened = open_note((TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode(), [peter, enoch])
    assert [s.name for s in opened.signatures] == ["PeterNeumann", "EnochRoot"]
    assert opened.unverified == ()


def test_open_with_no_known_key_is_refused_but_parsed():
    with pytest.raises(UnverifiedNoteError, match="no verifiable signatures") as raised:
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])
    assert raised.value.note.text == TEXT
    assert [s.name for s in raised.value.note.unverified] == ["PeterNeumann", "EnochRoot"]


def test_open_ambiguous_verifiers(peter, enoch):
    with pytest.raises(AmbiguousKeyError, match="ambiguous key EnochRoot\\+af0cfe78"):
        open_note(TEXT + "\n" + ENOCH_SIG, [enoch, peter, enoch])
    assert open_note(TEXT + "\n" + PETER_SIG, [enoch, peter, enoch]).signatures


def test_open_too_many_signatures(peter):
    for verifiers in ([peter], []):
        with pytest.raises(MalformedNoteError, match="more than 100"):
            open_note(TEXT + "\n" + PETER_SIG * 101, verifiers)
    assert len(open_note(TEXT + "\n" + PETER_SIG * 100, [peter]).signatures) == 1


def test_open_invalid_signature_of_a_known_key_rejects_the_note(peter):
    with pytest.raises(InvalidSignatureError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(TEXT + "\n" + _abcd(PETER_SIG), [peter])


def test_open_drops_duplicates_of_known_and_unknown_keys(peter):
    enoch_abcd = _abcd(ENOCH_SIG)
    opened = open_note(TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd, [peter])
    assert [s.signature for s in opened.signatures] == [PETER_B64]
    assert [s.signature for s in opened.unverified] == [
        ENOCH_B64,
        "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n" + "ABCD" + "2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="]


@pytest.mark.parametrize("note", [
    TEXT,
    TEXT + "\n",
    TEXT + "\n" + PETER_SIG[:-1],
    "\x01" + TEXT + "\n" + PETER_SIG,
    b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
    TEXT + "\n" + "— Bad Name " + PETER_B64,
    TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
    # beyond note_test.go: a CR, a double space, unpadded or empty base64, a short signature
    TEXT.replace("\n", "\r\n", 1) + "\n" + PETER_SIG,
    TEXT + "\n— PeterNeumann  " + PETER_B64 + "\n",
    TEXT + "\n— PeterNeumann " + PETER_B64[:-1] + "\n",
    TEXT + "\n— PeterNeumann \n",
    TEXT + "\n— PeterNeumann " + PETER_B64[:40] + "A" + PETER_B64[40:] + "\n",  # 93 characters
    TEXT + "\n— PeterNeumann AAAAAA==\n",
    TEXT + "\n-- PeterNeumann " + PETER_B64 + "\n",
])
def test_open_refuses_malformed_notes(peter, note):
    with pytest.raises(MalformedNoteError, match="malformed note"):
        open_note(note, [peter])


def test_sign_note_refuses_text_without_final_newline_or_with_bad_name():
    key = Ed25519PrivateKey.generate()
    with pytest.raises(MalformedNoteError):
        sign_note("abc", "x", key)
    with pytest.raises(ValueError, match="invalid signer"):
        sign_note(TEXT, "bad name", key)
    with pytest.raises(MalformedNoteError, match="control character"):
        sign_note("a\tb\n", "x", key)


# --- checkpoints ------------------------------------------------------------------------------

def test_checkpoint_parse_and_format_spec_example():
    cp = parse_checkpoint(SPEC_CHECKPOINT)
    assert cp == Checkpoint("example.com/behind-the-sofa", 20852163,
                            base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="), ())
    assert checkpoint_body(cp.origin, cp.size, cp.root) == SPEC_CHECKPOINT
    assert cp.body == SPEC_CHECKPOINT


def test_checkpoint_extension_lines():
    root = hashlib.sha256(b"").digest()
    body = checkpoint_body("o", 0, root, ["ext one", "ext two"])
    assert body == "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n"
    assert parse_checkpoint(body).extensions == ("ext one", "ext two")


@pytest.mark.parametrize("text", [
    "example.com/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  # no final newline
    "example.com/log\n20852163\n",  # two lines
    "\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # empty origin
    "example.com/log\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
    "example.com/log\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    "example.com/log\n１２\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # non-ASCII digits
    "example.com/log\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # 2^64
    "example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",  # unpadded
    "example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  # non-canonical base64
    "example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n",  # 31 bytes
    "example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",  # empty extension
])
def test_checkpoint_parse_refuses(text):
    with pytest.raises(ValueError, match="checkpoint"):
        parse_checkpoint(text)


def test_checkpoint_body_refuses_bad_parts():
    root = bytes(32)
    for args in (("", 1, root), ("a\nb", 1, root), ("o", -1, root), ("o", 1, root[:31]), ("o", True, root)):
        with pytest.raises(ValueError):
            checkpoint_body(*args)
    with pytest.raises(ValueError):
        checkpoint_body("o", 1, root, [""])


# --- cosignatures -----------------------------------------------------------------------------

def test_cosignature_message_is_the_spec_text():
    # c2sp.org/tlog-cosignature: "cosignature/v1", "time 1679315147", then the checkpoint body
    assert cosignature_message(SPEC_CHECKPOINT, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")


def test_cosign_layout_checked_independently():
    key = Ed25519PrivateKey.generate()
    line = cosign(SPEC_CHECKPOINT, "witness.example/w1", key, 1679315147)
    dash, name, b64 = line.split(" ")
    assert (dash, name) == ("—", "witness.example/w1")
    raw = base64.b64decode(b64, validate=True)
    assert len(raw) == 4 + 8 + 64
    assert raw[:4] == hashlib.sha256(b"witness.example/w1\n\x04" + _raw_public(key)).digest()[:4]
    assert raw[4:12] == (1679315147).to_bytes(8, "big")
    key.public_key().verify(raw[12:], b"cosignature/v1\ntime 1679315147\n" + SPEC_CHECKPOINT.encode())


def test_cosignature_verify_round_trip_and_tampering():
    key = Ed25519PrivateKey.generate()
    witness = parse_vkey(cosigner_vkey("witness.example/w1", key.public_key()))
    assert witness.key_type == COSIGNATURE_V1
    line = cosign(SPEC_CHECKPOINT, "witness.example/w1", key, 1700000000)
    assert verify_cosignature(SPEC_CHECKPOINT, line, witness) == 1700000000
    other_body = SPEC_CHECKPOINT.replace("20852163", "20852164")
    with pytest.raises(ValueError):
        verify_cosignature(other_body, line, witness)
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[11] ^= 1  # the timestamp is signed too
    with pytest.raises(ValueError):
        verify_cosignature(SPEC_CHECKPOINT, "— witness.example/w1 " + base64.b64encode(bytes(raw)).decode(),
                           witness)
    stranger = parse_vkey(cosigner_vkey("witness.example/w1", Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(ValueError, match="not signed by"):
        verify_cosignature(SPEC_CHECKPOINT, line, stranger)


def test_cosignature_in_a_note_opens_with_the_cosigner_key_and_not_as_ed25519():
    log_key, witness_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    note = sign_note(SPEC_CHECKPOINT, "example.com/behind-the-sofa", log_key)
    note = append_signatures(note, [cosign(SPEC_CHECKPOINT, "w.example", witness_key, 42)])
    log = parse_vkey(vkey("example.com/behind-the-sofa", log_key.public_key()))
    cosigner = parse_vkey(cosigner_vkey("w.example", witness_key.public_key()))
    opened = open_note(note, [log, cosigner])
    assert [(s.name, s.timestamp) for s in opened.signatures] == [
        ("example.com/behind-the-sofa", None), ("w.example", 42)]
    # the same key as a plain Ed25519 (type 0x01) verifier has another key id: the line is unknown
    as_ed25519 = parse_vkey(vkey("w.example", witness_key.public_key()))
    opened = open_note(note, [log, as_ed25519])
    assert [s.name for s in opened.unverified] == ["w.example"]


def test_cosignature_timestamp_known_answers():
    # transparency-dev/formats note_cosigv1_test.go TestCosignatureTimestamp
    sig = "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
    assert cosignature_timestamp(sig) == 1727964367
    with pytest.raises(ValueError):  # an Ed25519 (type 0x01) note signature, not a cosignature
        cosignature_timestamp("eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb"
                              "/W/4xkNQY=")
    # c2sp.org/tlog-cosignature's example line: the spec's "time 1679315147"
    assert cosignature_timestamp("— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEh"
                                 "ZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==") == 1679315147


def test_cosign_refuses_bad_timestamps():
    key = Ed25519PrivateKey.generate()
    for bad in (-1, 2**63, True):
        with pytest.raises(ValueError):
            cosign(SPEC_CHECKPOINT, "w", key, bad)
    assert cosign(SPEC_CHECKPOINT, "w", key, 2**63 - 1)
