"""Anchors: what `verify`, `restore` and `verify-bundle` trust, all of it handed in by the operator.

Nothing in the database can vouch for the database. An anchor is one of:
- a pinned public key (`--public-key FILE`, PEM or a note verifier key `name+hex+base64`): the
  only trusted keys; stored keys count only when one of them endorses them (checkpoints.Keyring);
- a kept checkpoint (`--checkpoint FILE`): the JSON of `GET /v1/ledger/checkpoint` or its C2SP
  note; the tree must extend it, so a cut tail or a rewritten history fails;
- witnesses (`--witness-key VKEY`, repeatable, with `--quorum N`): a checkpoint counts when N of
  them cosigned it (c2sp.org/tlog-cosignature), on a kept note or in the stored cosignatures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.integrity import note
from ledger.integrity.report import Problem, Result
from ledger.integrity.verifier import checkpoint_problem, key_id, load_public_key


class AnchorError(ValueError):
    """An anchor file or value that cannot be used; the message names the option."""


def pinned_key(path: str) -> Ed25519PublicKey:
    """A `--public-key` file: a PEM public key, or one line holding a note verifier key (vkey)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise AnchorError(f"--public-key {path}: cannot read it ({exc.strerror})") from None
    text = raw.decode("utf-8", "replace").strip()
    try:
        if text.startswith("-----BEGIN"):
            return load_public_key(raw)
        verifier = note.parse_vkey(text)
    except ValueError as exc:
        raise AnchorError(f"--public-key {path}: not a PEM Ed25519 public key or a note verifier key ({exc})") \
            from None
    if verifier.key_type != note.ED25519:
        raise AnchorError(f"--public-key {path}: a cosigner key; pass witnesses with --witness-key")
    return Ed25519PublicKey.from_public_bytes(verifier.public_key)


def witness_verifiers(vkeys: list[str]) -> list[note.NoteVerifier]:
    """`--witness-key` values: cosigner vkeys (type 0x04), or a witness's Ed25519 vkey (turned into its
    cosignature/v1 verifier, the same key under type 0x04)."""
    out = []
    for text in vkeys:
        try:
            v = note.parse_vkey(text.strip())
        except ValueError as exc:
            raise AnchorError(f"--witness-key {text!r}: {exc}") from None
        out.append(v if v.key_type == note.COSIGNATURE_V1 else
                   note.NoteVerifier.for_key(v.name, v.public_key, note.COSIGNATURE_V1))
    return out


def cosigners(body: str, lines: list[str], witnesses: list[note.NoteVerifier]) -> list[str]:
    """Names of the `witnesses` whose cosignature line over the checkpoint `body` verifies."""
    names = []
    for w in witnesses:
        for line in lines:
            try:
                note.verify_cosignature(body, line, w)
            except ValueError:
                continue
            names.append(w.name)
            break
    return names


def kept_checkpoint(path: str, log_keys: list[Ed25519PublicKey], witnesses: list[note.NoteVerifier],
                    quorum: int) -> dict[str, Any]:
    """A `--checkpoint FILE` as verify uses it: {tree_size, root_hash, source, [key_id, signed_text,
    signature]}. A note's log signature is checked against the pinned keys (when given) and its
    cosignatures against the witnesses; a note that falls short of the quorum is refused."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError(f"--checkpoint {path}: cannot read it ({exc})") from None
    source = f"the checkpoint kept in {path}"
    if text.lstrip().startswith("{"):
        try:
            cp = json.loads(text)
            return {"tree_size": int(cp["tree_size"]), "root_hash": str(cp["root_hash"]), "source": source,
                    **{k: cp[k] for k in ("issued_at", "key_id", "signed_text", "signature") if k in cp}}
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"--checkpoint {path}: not a checkpoint JSON ({exc})") from None
    return _kept_note(path, text, source, log_keys, witnesses, quorum)


def _kept_note(path: str, text: str, source: str, log_keys: list[Ed25519PublicKey],
               witnesses: list[note.NoteVerifier], quorum: int) -> dict[str, Any]:
    split = text.rfind("\n\n")
    if split < 0:
        raise AnchorError(f"--checkpoint {path}: not a signed note (no blank line before the signatures)")
    body, lines = text[:split + 1], [line for line in text[split + 2:].splitlines() if line]
    try:
        cp = note.parse_checkpoint(body)
    except ValueError as exc:
        raise AnchorError(f"--checkpoint {path}: not a C2SP checkpoint ({exc})") from None
    if log_keys:
        verifiers = [note.NoteVerifier.for_key(cp.origin, k) for k in log_keys]
        try:
            note.open_note(text, verifiers)
        except ValueError as exc:
            raise AnchorError(f"--checkpoint {path}: the log signature does not verify with the pinned key "
                              f"({exc})") from None
    if witnesses:
        names = cosigners(body, lines, witnesses)
        if len(names) < quorum:
            raise AnchorError(f"--checkpoint {path}: cosigned by {len(names)} of the given witnesses "
                              f"({', '.join(names) or 'none'}), fewer than --quorum {quorum}")
        source += f", cosigned by {', '.join(names)}"
    return {"tree_size": cp.size, "root_hash": cp.root.hex(), "source": source}


def stored_quorum(cosignatures: Callable[[dict[str, Any]], tuple[str, list[str]]],
                  witnesses: list[note.NoteVerifier], quorum: int) -> Callable[[dict[str, Any]], str | None]:
    """`witnessed(cp)` for verify: the names of the witnesses whose stored cosignatures over the
    checkpoint's note body verify, when at least `quorum` of them do."""
    def witnessed(cp: dict[str, Any]) -> str | None:
        body, lines = cosignatures(cp)
        if not body:
            return None
        names = cosigners(body, lines, witnesses)
        return ", ".join(names) if len(names) >= quorum else None
    return witnessed



def check_kept(cp: dict[str, Any], keys: dict[str, Any], total: int, problems: list[Problem],
                due: dict[int, list[dict[str, Any]]]) -> None:
    """A checkpoint the operator kept: its root must be the tree's at its size, and the tree must reach it."""
    label = cp.get("source", "the checkpoint you kept")
    if keys and cp.get("signature") is not None:
        problem = checkpoint_problem(cp, keys)
        if problem:
            problems.append(Problem(max(cp["tree_size"], 1), f"{label}: {problem}"))
    if cp["tree_size"] > total:
        problems.append(Problem(total + 1, f"{label} covers {cp['tree_size']} events, but the ledger ends at "
                                           f"{total}: events were removed (a cut tail)"))
        return
    due.setdefault(cp["tree_size"], []).append(cp)


def describe_anchors(result: Result, anchors: list[Ed25519PublicKey], checkpoints: list[dict[str, Any]],
             keys: dict[str, Any], total: int, kept: list[dict[str, Any]],
             witnessed: Callable[[dict[str, Any]], str | None] | None) -> None:
    """Say what outside the database vouched for the tree, and up to which size."""
    signed = [cp for cp in checkpoints if cp["tree_size"] <= total and checkpoint_problem(cp, keys) is None]
    if anchors and signed:
        pinned = ", ".join(sorted(key_id(a) for a in anchors))
        result.anchored_by.append(f"pinned key {pinned}: checkpoints up to tree_size "
                                  f"{max(cp['tree_size'] for cp in signed)}")
    for cp in kept:
        if cp["tree_size"] <= total:
            result.anchored_by.append(f"{cp.get('source', 'kept checkpoint')}: tree_size {cp['tree_size']}")
    if witnessed is not None:
        for cp in reversed(signed if anchors else [c for c in checkpoints if c["tree_size"] <= total]):
            names = witnessed(cp)
            if names:
                result.anchored_by.append(f"witnesses {names}: tree_size {cp['tree_size']}")
                break
