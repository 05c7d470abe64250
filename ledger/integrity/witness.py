"""A transparency-log witness (c2sp.org/tlog-witness), standard library and `cryptography` only.

The witness is configured with logs (origin -> the log's Ed25519 note verifier keys) and keeps,
per origin, the latest tree (size, root hash) it cosigned, in a JSON file. `add_checkpoint`
takes the body of `POST <prefix>/add-checkpoint`:

    old <size>\\n
    <base64 hash>\\n            zero to 63 consistency proof lines (RFC 6962 2.1.2)
    \\n
    <checkpoint signed note>   (c2sp.org/tlog-checkpoint)

and answers as the spec says, checking in its order:

- 400 a request that does not parse (old size line, proof lines, note syntax, checkpoint text);
- 404 an origin it is not configured for;
- 403 no signature of a configured log key verifies (or one of them fails);
- 400 an old size above the checkpoint's size;
- 409 an old size that is not the size it last cosigned (0 if none), with the body
  "<known size>\\n" and Content-Type `text/x.tlog.size`;
- 422 a consistency proof from the old size that does not verify (or any proof lines when the
  old size is 0: the spec says that proof MUST be empty);
- 409 (text/plain) a checkpoint of the size it knows but another root hash: a fork;
- 200 otherwise: the new (size, root) is written to disk (temporary file, fsync, rename, fsync
  of the directory) BEFORE the answer, one cosignature/v1 line (c2sp.org/tlog-cosignature).

Checking the old size and recording the new tree happen under one lock (a thread lock and an
`flock` on "<state>.lock", so several processes sharing the state file also serialise), and the
state is re-read from disk under it: two requests can never roll the recorded tree back.
`wsgi_app(witness)` serves it over WSGI.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import http
import json
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.integrity.note import (ED25519, NoteError, NoteVerifier, MalformedNoteError, cosign,
                                   cosigner_vkey, is_valid_name, open_note, parse_checkpoint, parse_vkey)
from ledger.integrity.verifier import EMPTY_ROOT, verify_consistency

log = logging.getLogger("jejak.witness")

MAX_PROOF_LINES = 63
MAX_REQUEST_BYTES = 1 << 20
SIZE_CONTENT_TYPE = "text/x.tlog.size"
TEXT = "text/plain; charset=utf-8"
_OLD_LINE = re.compile(rb"old (0|[1-9][0-9]*)")

Response = tuple[int, str, bytes]


class _Refused(Exception):
    def __init__(self, status: int, message: str, content_type: str = TEXT) -> None:
        super().__init__(message)
        self.response: Response = (status, content_type, message.encode() + b"\n")


def parse_add_checkpoint_request(body: bytes) -> tuple[int, list[bytes], bytes]:
    """(old size, consistency proof, checkpoint note) of an add-checkpoint body; ValueError if malformed."""
    head, sep, note = body.partition(b"\n\n")
    if not sep:
        raise ValueError("the request needs an 'old <size>' line, proof lines, an empty line and a checkpoint")
    lines = head.split(b"\n")
    match = _OLD_LINE.fullmatch(lines[0])
    if not match or int(match.group(1)) >= 2**64:
        raise ValueError("the first line must be 'old <size>' (decimal, no leading zeros)")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for n, line in enumerate(lines[1:], start=2):
        try:
            digest = binascii.a2b_base64(line, strict_mode=True)
        except binascii.Error:
            digest = b""
        if len(digest) != 32:
            raise ValueError(f"line {n}: a proof line is the base64 of a 32-byte hash")
        proof.append(digest)
    return int(match.group(1)), proof, note


class Witness:
    """A witness for the configured logs; its state file is its memory across restarts."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey, logs: Mapping[str, Iterable[str | NoteVerifier]],
                 state_path: str | os.PathLike[str], clock: Callable[[], float] = time.time) -> None:
        if not is_valid_name(name):
            raise ValueError(f"witness name {name!r}: non-empty, without spaces or '+'")
        if not isinstance(private_key, Ed25519PrivateKey):
            raise ValueError("the witness key must be an Ed25519 private key")
        self.name = name
        self._key = private_key
        self.vkey = cosigner_vkey(name, private_key.public_key())
        self._logs: dict[str, tuple[NoteVerifier, ...]] = {}
        for origin, keys in logs.items():
            if not origin or "\n" in origin:
                raise ValueError(f"log origin {origin!r}: one non-empty line")
            verifiers: dict[tuple[str, bytes], NoteVerifier] = {}
            for key in keys:
                v = parse_vkey(key) if isinstance(key, str) else key
                if v.key_type != ED25519:
                    raise ValueError(f"log {origin}: key {v.vkey} is not an Ed25519 (type 0x01) note key")
                if verifiers.setdefault((v.name, v.key_id), v) != v:
                    raise ValueError(f"log {origin}: two keys named {v.name} share key id {v.key_id.hex()}")
            if not verifiers:
                raise ValueError(f"log {origin}: no verifier key")
            self._logs[origin] = tuple(verifiers.values())
        self.state_path = Path(state_path)
        self._clock = clock
        self._lock = threading.Lock()

    # --- state ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, open(f"{self.state_path}.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _read_state(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.state_path.read_bytes())
        except FileNotFoundError:
            return {}
        logs = data.get("logs") if isinstance(data, dict) else None
        if not isinstance(logs, dict):
            raise RuntimeError(f"{self.state_path}: not a witness state file")
        return logs

    def _write_state(self, logs: dict[str, dict[str, Any]]) -> None:
        """Atomically: write a temporary file, fsync it, rename it over the state, fsync the directory."""
        directory = self.state_path.parent
        data = json.dumps({"logs": logs}, sort_keys=True, indent=1).encode() + b"\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{self.state_path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.state_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def known(self, origin: str) -> tuple[int, bytes]:
        """The (size, root) last cosigned for `origin`: (0, SHA-256("")) if none."""
        with self._locked():
            entry = self._read_state().get(origin)
        return (int(entry["size"]), base64.b64decode(entry["root"])) if entry else (0, EMPTY_ROOT)

    # --- add-checkpoint -------------------------------------------------------------------------

    def add_checkpoint(self, body: bytes) -> Response:
        """Handle one add-checkpoint request body: (HTTP status, Content-Type, response body)."""
        try:
            return self._add_checkpoint(body)
        except _Refused as refused:
            return refused.response

    def _add_checkpoint(self, body: bytes) -> Response:
        if len(body) > MAX_REQUEST_BYTES:
            raise _Refused(413, f"request over {MAX_REQUEST_BYTES} bytes")
        try:
            old, proof, note = parse_add_checkpoint_request(body)
        except ValueError as exc:
            raise _Refused(400, str(exc)) from None
        try:
            origin = note.split(b"\n", 1)[0].decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(400, "the checkpoint is not UTF-8") from None
        if not origin:
            raise _Refused(400, "the checkpoint must start with its origin line")
        verifiers = self._logs.get(origin)
        if verifiers is None:
            raise _Refused(404, f"unknown log origin {origin!r}")
        try:
            opened = open_note(note, verifiers)
        except MalformedNoteError as exc:
            raise _Refused(400, str(exc)) from None
        except NoteError as exc:  # no configured key signed it, or its signature fails
            raise _Refused(403, f"checkpoint not signed by a key of {origin}: {exc}") from None
        try:
            checkpoint = parse_checkpoint(opened.text)
        except ValueError as exc:
            raise _Refused(400, str(exc)) from None
        if old > checkpoint.size:
            raise _Refused(400, f"old size {old} is above the checkpoint's size {checkpoint.size}")

        with self._locked():
            logs = self._read_state()
            entry = logs.get(origin)
            known_size, known_root = (int(entry["size"]), base64.b64decode(entry["root"])) if entry else (0, EMPTY_ROOT)
            if old != known_size:
                raise _Refused(409, str(known_size), SIZE_CONTENT_TYPE)
            if checkpoint.size == known_size:
                if checkpoint.root != known_root:
                    log.warning("log %s: fork at size %d: root %s, cosigned %s", origin, known_size,
                                checkpoint.root.hex(), known_root.hex())
                    raise _Refused(409, f"fork: size {known_size} was cosigned with another root hash")
                if proof:
                    raise _Refused(422, "the consistency proof from a size to itself is empty")
            elif old == 0:
                if proof:
                    raise _Refused(422, "the consistency proof from size 0 must be empty")
            elif not verify_consistency(old, checkpoint.size, known_root, checkpoint.root, proof):
                log.warning("log %s: consistency proof from %d to %d does not verify; request: %s",
                            origin, old, checkpoint.size, base64.b64encode(body).decode())
                raise _Refused(422, f"the consistency proof from {old} to {checkpoint.size} does not verify")
            if checkpoint.size != known_size or entry is None:
                logs[origin] = {"size": checkpoint.size, "root": base64.b64encode(checkpoint.root).decode()}
                self._write_state(logs)
        line = cosign(opened.text, self.name, self._key, int(self._clock()))
        return 200, TEXT, (line + "\n").encode()


def wsgi_app(witness: Witness) -> Callable[..., Iterable[bytes]]:
    """A WSGI application serving `POST /add-checkpoint` (mount it under the submission prefix)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def answer(status: int, content_type: str, body: bytes, *headers: tuple[str, str]) -> list[bytes]:
            start_response(f"{status} {http.HTTPStatus(status).phrase}",
                           [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers])
            return [body]

        if environ.get("PATH_INFO", "") != "/add-checkpoint":
            return answer(404, TEXT, b"not found\n")
        if environ.get("REQUEST_METHOD") != "POST":
            return answer(405, TEXT, b"use POST\n", ("Allow", "POST"))
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return answer(400, TEXT, b"bad Content-Length\n")
        if length < 0:
            return answer(400, TEXT, b"bad Content-Length\n")
        if length > MAX_REQUEST_BYTES:
            return answer(413, TEXT, f"request over {MAX_REQUEST_BYTES} bytes\n".encode())
        body = environ["wsgi.input"].read(length)
        try:
            return answer(*witness.add_checkpoint(body))
        except Exception:
            log.exception("add-checkpoint failed")
            return answer(500, TEXT, b"internal error\n")

    return app
