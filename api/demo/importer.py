"""Import events from JSON lines: good lines recorded in order, bad ones kept with their reason."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ledger.bulk import Posting, record_all
from ledger.errors import LedgerError


@dataclass
class ImportResult:
    recorded: int = 0
    replayed: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)


def rejects_path(file: str | Path) -> Path:
    """FILE.jsonl -> FILE.rejects.jsonl, beside it."""
    p = Path(file)
    stem = p.name[:-len(".jsonl")] if p.name.endswith(".jsonl") else p.name
    return p.with_name(f"{stem}.rejects.jsonl")


def line_key(text: str) -> str:
    """A line without its own idempotency key gets one from its content, so a rerun records nothing."""
    return "line-" + hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:40]


CHUNK = 1000  # lines per transaction of the bulk path


def import_lines(ledger: Any, lines: list[str], actor: str, tick: Callable[[], None] = lambda: None) -> ImportResult:
    """Record each non-blank line as one event under its idempotency key; never stop at a bad line.

    Lines go through the bulk path, CHUNK to a transaction: the same events, positions and claims as
    one `Ledger.record` per line (a refused, repeated or fixing line is answered by `record` itself)."""
    result = ImportResult()
    for start in range(0, len(lines), CHUNK):
        numbers, postings = [], []
        for number, text in enumerate(lines[start:start + CHUNK], start=start + 1):
            posting = _posting(number, text, actor, result)
            if posting is None:
                tick()
            else:
                numbers.append(number)
                postings.append(posting)

        def single(i: int, posting: Posting) -> None:
            _record_one(ledger, numbers[i], lines[numbers[i] - 1], posting, result)
            tick()

        def done(i: int, _: Any) -> None:
            result.recorded += 1
            tick()

        record_all(ledger, postings, single, done=done)
    result.rejects.sort(key=lambda r: r["line"])
    return result


def _posting(number: int, text: str, actor: str, result: ImportResult) -> Posting | None:
    """The line as a posting under its idempotency key, or None (blank, or rejected here)."""
    if not text.strip():
        return None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        result.rejects.append({"line": number, "code": "malformed", "reason": f"not JSON ({exc.msg} at column "
                               f"{exc.colno})", "text": text})
        return None
    key = line_key(text)
    if isinstance(body, dict) and "idempotency_key" in body:
        key = body.pop("idempotency_key")
        if not isinstance(key, str) or not 1 <= len(key) <= 200:
            result.rejects.append({"line": number, "code": "validation_failed",
                                   "reason": "idempotency_key: a string of 1 to 200 characters", "text": text})
            return None
    return Posting([body], actor, source="import", idempotency_key=key)


def _record_one(ledger: Any, number: int, text: str, posting: Posting, result: ImportResult) -> None:
    try:
        _, replayed = ledger.record(posting.bodies, posting.actor, source="import",
                                    idempotency_key=posting.idempotency_key)
    except LedgerError as exc:
        reject = {"line": number, "code": exc.code, "reason": exc.message, "text": text}
        if getattr(exc, "rule", None):
            reject["rule"] = exc.rule
        result.rejects.append(reject)
        return
    if replayed:
        result.replayed += 1
    else:
        result.recorded += 1
