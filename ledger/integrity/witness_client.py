"""Asking a c2sp.org/tlog-witness for cosignatures (urllib from the standard library only).

`request_cosignature` POSTs `<url>/add-checkpoint` with "old <size>", the consistency proof
lines in base64, an empty line and the checkpoint note. On "409 Conflict" with Content-Type
`text/x.tlog.size` the witness has cosigned another size: the request is sent once more with a
proof from that size (unless it is beyond the checkpoint, which only a rolled-back log would
see). Any other refusal raises `WitnessRefused`; a witness that cannot be reached raises the
`OSError` urllib gives (`urllib.error.URLError`).
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from typing import Callable, Iterable

from ledger.integrity.note import NoteError, NoteVerifier, SIG_PREFIX, open_note, parse_checkpoint

SIZE_CONTENT_TYPE = "text/x.tlog.size"
MAX_RESPONSE_BYTES = 1 << 16


class WitnessRefused(Exception):
    """The witness answered, but not with cosignatures."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"witness refused ({status}): {message}")
        self.status, self.message = status, message


def add_checkpoint_body(checkpoint_note: str, old_size: int, proof: Iterable[bytes]) -> bytes:
    """The add-checkpoint request body (c2sp.org/tlog-witness)."""
    lines = [f"old {old_size}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + checkpoint_note).encode()


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "text/plain; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Content-Type", ""), error.read(MAX_RESPONSE_BYTES)


def _known_size(content_type: str, body: bytes) -> int | None:
    if content_type.split(";")[0].strip().lower() != SIZE_CONTENT_TYPE:
        return None
    text = body.decode("ascii", "replace")
    digits = text[:-1] if text.endswith("\n") else None
    if not digits or not digits.isascii() or not digits.isdigit() or (len(digits) > 1 and digits[0] == "0"):
        return None
    return int(digits)


def request_cosignature(url: str, checkpoint_note: str, old_size: int,
                        proof_for: Callable[[int], list[bytes]], timeout: float = 10.0,
                        verifiers: Iterable[NoteVerifier] | None = None) -> list[str]:
    """The witness's cosignature lines ("— name base64", no newline) on `checkpoint_note`.

    `old_size` is the size this witness last cosigned as far as the caller knows (0 if never);
    `proof_for(n)` gives the RFC 6962 consistency proof from size n to the checkpoint's size
    (not called for n = 0, whose proof is empty). With `verifiers` (the witness's cosigner keys),
    only lines that verify against them are returned, and none verifying is a refusal."""
    size = parse_checkpoint(_note_text(checkpoint_note)).size
    endpoint = url.rstrip("/") + "/add-checkpoint"
    resent = False
    while True:
        proof = proof_for(old_size) if old_size else []
        status, content_type, body = _post(endpoint, add_checkpoint_body(checkpoint_note, old_size, proof), timeout)
        if status == 409 and not resent:
            known = _known_size(content_type, body)
            if known is not None and known != old_size:
                if known > size:
                    raise WitnessRefused(409, f"the witness has cosigned size {known}, beyond this checkpoint's {size}")
                old_size, resent = known, True
                continue
        if status != 200:
            raise WitnessRefused(status, body.decode("utf-8", "replace").strip())
        return _cosignature_lines(checkpoint_note, body, verifiers)


def _note_text(note: str) -> str:
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError("not a signed note")
    return note[:split + 1]


def _cosignature_lines(checkpoint_note: str, body: bytes, verifiers: Iterable[NoteVerifier] | None) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessRefused(200, "the response is not UTF-8") from None
    if not text.endswith("\n"):
        raise WitnessRefused(200, "the response does not end in a newline")
    lines = text[:-1].split("\n")
    if not all(line.startswith(SIG_PREFIX) for line in lines):
        raise WitnessRefused(200, "the response is not note signature lines")
    if verifiers is None:
        return lines
    try:  # the spec's way: the lines appended to the checkpoint, opened with the witness keys
        opened = open_note(_note_text(checkpoint_note) + "\n" + text, list(verifiers))
    except NoteError as exc:
        raise WitnessRefused(200, f"no valid cosignature from the expected witness: {exc}") from None
    return [s.line for s in opened.signatures]
