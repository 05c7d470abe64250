"""Export bundles: events an auditor can check offline against one signed checkpoint.

A bundle is a zip of `events.jsonl` (each event's leaf v2 canonical bytes, one per line:
its leaf hash is SHA-256(0x00 || line)), `proofs.jsonl` (the inclusion proof of
each line against the checkpoint), `checkpoint.json`, `public-key.pem` (the key
that signed it), `verifier.py` (the standalone checker) and `README.txt`.
"""

from __future__ import annotations

import io
import itertools
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
from ledger.integrity.proof_pages import ProofPages
from ledger.integrity.tree import StoredTree
from ledger.config import create_private_file
from ledger.stream import stream_id

KINDS = ("employee", "unit", "internship", "feedback")
PAGE = 1000
ZIP_LEVEL = 1  # zlib's fastest: hex proofs still shrink by half, at several times level 6's speed
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


def _pages(selected: Iterator[tuple[int, bytes]]) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in selected:
        chunk.append(item)
        if len(chunk) == PAGE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepare(recorder: Any, checkpointer: Checkpointer) -> tuple[dict[str, Any], str]:
    """The checkpoint the bundle is proven against, and the PEM of the key that signed it."""
    checkpoint = checkpointer.covering(StoredTree(recorder).size())
    keys = {r["key_id"]: r["public_key"] for r in checkpointer.keys.rows()}
    if checkpoint["key_id"] not in keys:
        raise NotFound(f"checkpoint: key {checkpoint['key_id']} is not in jejak_signing_keys; run `jejak verify`",
                       field="checkpoint")
    return checkpoint, keys[checkpoint["key_id"]]


def _proof_line(proof: dict[str, Any]) -> bytes:
    """json.dumps(proof, separators=(",", ":")) + newline, byte for byte, without its per-call cost."""
    path = ",".join(f'"{h}"' for h in proof["audit_path"])
    return (f'{{"leaf_index":{proof["leaf_index"]},"tree_size":{proof["tree_size"]},'
            f'"leaf_hash":"{proof["leaf_hash"]}","audit_path":[{path}]}}\n').encode()


def _proven(recorder: Any, size: int, subject: str | None, since: str | None,
            until: str | None) -> Iterator[tuple[int, int, bytes, bytes, list[int]]]:
    """Per page of chosen events: (last position, count, events.jsonl lines, proofs.jsonl lines, positions)."""
    pages = ProofPages(recorder, size)  # a page's proofs in a few queries, not two per event
    for chunk in _pages(_selected(recorder, size, subject, since, until)):
        found = pages.page([p for p, _ in chunk])
        events, proofs = [], []
        for position, line in chunk:
            proof = found[position]
            if integrity.leaf_hash(line).hex() != proof["leaf_hash"]:
                raise ValidationFailed(f"position {position}: the event differs from its recorded leaf; "
                                       "run `jejak verify` before exporting", field="position")
            events.append(line + b"\n")
            proofs.append(_proof_line(proof))
        yield chunk[-1][0], len(chunk), b"".join(events), b"".join(proofs), [p for p, _ in chunk]


def _finish(z: zipfile.ZipFile, checkpoint: dict[str, Any], pem: str,
            disclosures: list[dict[str, Any]] | None = None) -> None:
    """The bundle's last files; `disclosures` (for a reader who may see them) in `disclosures.jsonl`."""
    if disclosures is not None:
        z.writestr("disclosures.jsonl", "".join(
            json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n" for d in disclosures))
    z.writestr("checkpoint.json", json.dumps(checkpoint, indent=2) + "\n")
    z.writestr("public-key.pem", pem)
    z.writestr("verifier.py", Path(__file__).with_name("verifier.py").read_text())
    z.writestr("README.txt", README)


def export(recorder: Any, checkpointer: Checkpointer, out: Path, *, subject: str | None = None,
           since: str | None = None, until: str | None = None,
           progress: Callable[[int, int], None] | None = None,
           disclosed: Callable[[int, set[int]], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Write a bundle of the chosen events (all when none chosen) proven against one checkpoint.

    `disclosed(tree_size, positions)` gives the disclosures (position, commitment, path, salt, value)
    of those events that the bundle's reader may see: they travel in `disclosures.jsonl`, checked
    offline against the commitments inside the events. Without it the bundle carries none."""
    since, until = _moment(since, "since"), _moment(until, "until")
    checkpoint, pem = _prepare(recorder, checkpointer)
    size = checkpoint["tree_size"]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    count, exported = 0, set()
    with tempfile.TemporaryDirectory() as work:
        events_file, proofs_file = Path(work) / "events.jsonl", Path(work) / "proofs.jsonl"
        with events_file.open("wb") as events, proofs_file.open("wb") as proofs:
            for last, n, event_lines, proof_lines, positions in _proven(recorder, size, subject, since, until):
                events.write(event_lines)
                proofs.write(proof_lines)
                count += n
                exported.update(positions)
                if progress:
                    progress(last, size)
        tmp.unlink(missing_ok=True)
        create_private_file(tmp)  # the bundle holds personal data: readable by its owner only
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
            z.write(events_file, "events.jsonl")
            z.write(proofs_file, "proofs.jsonl")
            _finish(z, checkpoint, pem, disclosed(size, exported) if disclosed is not None else None)
    tmp.replace(out)
    if progress:
        progress(size, size)
    return {"events": count, "tree_size": size, "root_hash": checkpoint["root_hash"],
            "key_id": checkpoint["key_id"], "path": str(out)}


class _Sink(io.RawIOBase):
    """An unseekable file that zipfile writes into and the response reads out of, chunk by chunk."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def stream(recorder: Any, checkpointer: Checkpointer, *, subject: str | None = None, since: str | None = None,
           until: str | None = None,
           disclosed: Callable[[int, set[int]], list[dict[str, Any]]] | None = None) -> Iterator[bytes]:
    """The same bundle, as bytes to send while it is made (`GET /v1/ledger/export`).

    events.jsonl is zipped page by page as it is read; the proofs wait in an anonymous temporary file
    (disk, not memory) and follow. Memory holds a page, never the ledger. Refusals (a bad moment, an
    unknown subject, a missing key) are raised here, before the first byte, so they stay 4xx answers.
    """
    since, until = _moment(since, "since"), _moment(until, "until")
    checkpoint, pem = _prepare(recorder, checkpointer)
    proven = _proven(recorder, checkpoint["tree_size"], subject, since, until)
    first = next(proven, None)

    def chunks() -> Iterator[bytes]:
        sink, exported = _Sink(), set()
        with tempfile.TemporaryFile() as proofs, \
                zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
            with z.open("events.jsonl", "w", force_zip64=True) as events:
                for _, _, event_lines, proof_lines, positions in itertools.chain([first] if first else [], proven):
                    events.write(event_lines)
                    proofs.write(proof_lines)
                    exported.update(positions)
                    yield sink.take()
            proofs.seek(0)
            with z.open("proofs.jsonl", "w", force_zip64=True) as out:
                while block := proofs.read(1 << 20):
                    out.write(block)
                    yield sink.take()
            _finish(z, checkpoint, pem,
                    disclosed(checkpoint["tree_size"], exported) if disclosed is not None else None)
        yield sink.take()

    return chunks()
