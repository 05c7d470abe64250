"""Export bundles: events an auditor can check offline against one signed checkpoint.

A bundle is a zip of `events.jsonl` (each event's leaf v2 canonical bytes, one per line:
its leaf hash is SHA-256(0x00 || line)), `proofs.jsonl` (the inclusion proof of
each line against the checkpoint), `checkpoint.json`, `public-key.pem` (the key
that signed it), `verifier.py` (the standalone checker) and `README.txt`.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator
from uuid import UUID

from ledger import integrity
from ledger.integrity.checkpoints import Checkpointer
from ledger.errors import NotFound, ValidationFailed
from ledger.integrity.tree import StoredTree
from ledger.config import create_private_file
from ledger.stream import stream_id

KINDS = ("employee", "unit", "internship", "feedback")
PAGE = 1000
README = """Jejak audit bundle
==================
events.jsonl    one event per line: its leaf v2 canonical bytes (docs/INTEGRITY.md), the stored state included
                exactly; leaf hash = SHA-256(0x00 || line)
proofs.jsonl    line N's RFC 9162 inclusion proof against the checkpoint
checkpoint.json the signed tree head: signed_text is exactly what the Ed25519 signature covers
public-key.pem  the key that signed it (compare its id with the one Jejak publishes, or pass your own)
verifier.py     the checker: Python 3.11+ standard library and `cryptography`, nothing else

    python verifier.py this-bundle.zip --public-key jejak-public.pem
"""


def _moment(text: str | None, name: str) -> str | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(f"{name}: expected a date or UTC timestamp such as 2025-04-01T00:00:00Z",
                               field=name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return integrity.utc_text(moment)


def _canonical(note: Any) -> bytes:
    sid = str(note.originator_id if isinstance(note.originator_id, UUID) else UUID(str(note.originator_id)))
    return integrity.leaf_input(note.id, sid, note.originator_version, note.topic, note.state)


def _recorded_at(state: bytes) -> str:
    """The recording time a stored state carries (the event store's typed timestamp), as UTC text."""
    stamp = json.loads(bytes(state))["timestamp"]
    text = stamp["_data_"] if isinstance(stamp, dict) else stamp
    return integrity.utc_text(datetime.fromisoformat(text.replace("Z", "+00:00")))


def _selected(recorder: Any, size: int, subject: str | None, since: str | None,
              until: str | None) -> Iterator[tuple[int, bytes]]:
    """(position, canonical bytes) of the chosen events within the first `size`, in order."""
    if subject is not None:
        ids = [str(stream_id(kind, subject)) for kind in KINDS]
        rows = recorder.query("SELECT position FROM jejak_leaves WHERE stream_id IN (?, ?, ?, ?)"
                              " AND position <= ? ORDER BY position", (*ids, size))
        if not rows:
            raise NotFound(f"subject: no events for {subject}", field="subject")
        for (p,) in rows:
            for note in recorder.select_notifications(p, 1, stop=p):
                yield p, _canonical(note)
        return
    for start in range(1, size + 1, PAGE):
        for note in recorder.select_notifications(start, PAGE, stop=min(start + PAGE - 1, size)):
            line = _canonical(note)
            if since or until:
                recorded = _recorded_at(note.state)
                if (since and recorded < since) or (until and recorded > until):
                    continue
            yield note.id, line


def export(recorder: Any, checkpointer: Checkpointer, out: Path, *, subject: str | None = None,
           since: str | None = None, until: str | None = None,
           progress: Callable[[int, int], None] | None = None,
           disclosed: Callable[[int, set[int]], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Write a bundle of the chosen events (all when none chosen) proven against one checkpoint.

    `disclosed(tree_size, positions)` gives the disclosures (position, commitment, path, salt, value)
    of those events that the bundle's reader may see: they travel in `disclosures.jsonl`, checked
    offline against the commitments inside the events. Without it the bundle carries none."""
    since, until = _moment(since, "since"), _moment(until, "until")
    tree = StoredTree(recorder)
    checkpoint = checkpointer.covering(tree.size())
    size = checkpoint["tree_size"]
    keys = {r["key_id"]: r["public_key"] for r in checkpointer.keys.rows()}
    if checkpoint["key_id"] not in keys:
        raise NotFound(f"checkpoint: key {checkpoint['key_id']} is not in jejak_signing_keys; run `jejak verify`",
                       field="checkpoint")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    count, exported = 0, set()
    with tempfile.TemporaryDirectory() as work:
        events_file, proofs_file = Path(work) / "events.jsonl", Path(work) / "proofs.jsonl"
        with events_file.open("wb") as events, proofs_file.open("wb") as proofs:
            for position, line in _selected(recorder, size, subject, since, until):
                proof = tree.inclusion(position, size)
                if integrity.leaf_hash(line).hex() != proof["leaf_hash"]:
                    raise ValidationFailed(f"position {position}: the event differs from its recorded leaf; "
                                           "run `jejak verify` before exporting", field="position")
                events.write(line + b"\n")
                proofs.write(json.dumps(proof, separators=(",", ":")).encode() + b"\n")
                count += 1
                exported.add(position)
                if progress and count % 100 == 0:
                    progress(position, size)
        tmp.unlink(missing_ok=True)
        create_private_file(tmp)  # the bundle holds personal data: readable by its owner only
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(events_file, "events.jsonl")
            z.write(proofs_file, "proofs.jsonl")
            if disclosed is not None:
                z.writestr("disclosures.jsonl", "".join(
                    json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
                    for d in disclosed(size, exported)))
            z.writestr("checkpoint.json", json.dumps(checkpoint, indent=2) + "\n")
            z.writestr("public-key.pem", keys[checkpoint["key_id"]])
            z.writestr("verifier.py", Path(__file__).with_name("verifier.py").read_text())
            z.writestr("README.txt", README)
    tmp.replace(out)
    if progress:
        progress(size, size)
    return {"events": count, "tree_size": size, "root_hash": checkpoint["root_hash"],
            "key_id": checkpoint["key_id"], "path": str(out)}
