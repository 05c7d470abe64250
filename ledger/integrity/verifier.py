"""Offline verifier for Jejak bundles: an auditor can read all of it and trust nothing else.

It imports only the Python standard library and `cryptography`, nothing from Jejak,
so it can be copied out of the bundle and run on its own:

    python verifier.py bundle.zip [--public-key key.pem]

Hashing is RFC 6962 / RFC 9162: leaf = SHA-256(0x00 || bytes), node =
SHA-256(0x01 || left || right). Proof checks follow RFC 9162 sections
2.1.3.2 (inclusion) and 2.1.4.2 (consistency) step by step.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EMPTY_ROOT = hashlib.sha256(b"").digest()
CHECKPOINT_HEADER = "jejak-checkpoint/v1"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """RFC 9162 2.1.3.2: the root that `path` proves for leaf `index`, or None if malformed."""
    if index < 0 or index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2: does `proof` show the tree of size `first` is a prefix of `second`?"""
    if first < 0 or first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("public key: not an Ed25519 key")
    return key


def signed_text(tree_size: int, root_hex: str, issued_at: str) -> str:
    return f"{CHECKPOINT_HEADER}\n{tree_size}\n{root_hex}\n{issued_at}\n"


def checkpoint_problem(cp: dict[str, Any], keys: dict[str, Ed25519PublicKey]) -> str | None:
    """Why a checkpoint is not valid under `keys` (key id -> key), or None when it is."""
    expected = signed_text(cp["tree_size"], cp["root_hash"], cp["issued_at"])
    if cp["signed_text"] != expected:
        return "signed_text does not match tree_size, root_hash and issued_at"
    key = keys.get(cp["key_id"])
    if key is None:
        return f"signed by key {cp['key_id']}, which is not a trusted key"
    try:
        key.verify(base64.b64decode(cp["signature"]), expected.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return f"signature does not verify under key {cp['key_id']}"
    return None


LEAF_V2_KEYS = ["position", "state", "stream_id", "topic", "version"]


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def commitments_in(value: Any) -> set[str]:
    """Every commitment marker `{"commitment": hex}` inside a JSON value."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("commitment"), str):
            return {value["commitment"]}
        return set().union(*(commitments_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(commitments_in(v) for v in value)) if value else set()
    return set()


def disclosure_problems(disclosed: list[dict[str, Any]], lines: dict[int, bytes]) -> list[str]:
    """Each carried personal value must be the one its event committed to: SHA-256(salt || canonical
    JSON of the value) is a commitment inside that event's stored state."""
    problems = []
    for d in disclosed:
        where = f"disclosure {d.get('path')} of position {d.get('position')}"
        line = lines.get(d.get("position"))
        if line is None:
            problems.append(f"{where}: its event is not in the bundle")
            continue
        digest = hashlib.sha256(bytes.fromhex(d["salt"]) + canonical(d["value"])).hexdigest()
        if digest != d["commitment"]:
            problems.append(f"{where}: the value and salt do not give its commitment")
        elif d["commitment"] not in commitments_in(json.loads(json.loads(line)["state"])):
            problems.append(f"{where}: its event holds no such commitment")
    return problems


def verify_bundle(path: str, public_key_pem: bytes | None = None) -> tuple[list[str], dict[str, Any]]:
    """Check every event of a bundle against its checkpoint; returns (problems, summary)."""
    with zipfile.ZipFile(path) as z:
        checkpoint = json.loads(z.read("checkpoint.json"))
        bundled_pem = z.read("public-key.pem")
        lines = z.read("events.jsonl").splitlines()
        proofs = [json.loads(p) for p in z.read("proofs.jsonl").splitlines()]
        disclosed = [json.loads(d) for d in z.read("disclosures.jsonl").splitlines()] \
            if "disclosures.jsonl" in z.namelist() else []
    key = load_public_key(public_key_pem or bundled_pem)
    problems = []
    problem = checkpoint_problem(checkpoint, {key_id(key): key})
    if problem:
        problems.append(f"checkpoint (tree_size {checkpoint['tree_size']}): {problem}")
    root = bytes.fromhex(checkpoint["root_hash"])
    if len(lines) != len(proofs):
        problems.append(f"bundle: {len(lines)} events but {len(proofs)} proofs")
    for n, (line, proof) in enumerate(zip(lines, proofs), start=1):
        event = json.loads(line)
        where = f"position {event.get('position')} (line {n})"
        if canonical(event) != line or sorted(event) != LEAF_V2_KEYS:
            problems.append(f"{where}: the line is not a leaf v2 in canonical form")
        leaf = leaf_hash(line)
        if event.get("position") != proof["leaf_index"] + 1:
            problems.append(f"{where}: proof is for leaf_index {proof['leaf_index']}")
        elif leaf.hex() != proof["leaf_hash"]:
            problems.append(f"{where}: the event's leaf hash is not the one proven")
        elif proof["tree_size"] != checkpoint["tree_size"]:
            problems.append(f"{where}: proof is against tree_size {proof['tree_size']}")
        elif root_from_inclusion(proof["leaf_index"], proof["tree_size"], leaf,
                                 [bytes.fromhex(h) for h in proof["audit_path"]]) != root:
            problems.append(f"{where}: inclusion proof does not lead to the checkpoint's root")
    problems += disclosure_problems(disclosed, {json.loads(line)["position"]: line for line in lines})
    return problems, {"events": len(lines), "tree_size": checkpoint["tree_size"], "disclosures": len(disclosed),
                      "root_hash": checkpoint["root_hash"], "key_id": key_id(key),
                      "trusted_key_given": public_key_pem is not None}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python verifier.py BUNDLE.zip [--public-key FILE.pem]")
        return 2
    pem = None
    if "--public-key" in argv:
        with open(argv[argv.index("--public-key") + 1], "rb") as f:
            pem = f.read()
    problems, summary = verify_bundle(argv[0], pem)
    for p in problems:
        print(p)
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
