"""The access log's hash chain: each row's hash covers the previous row's hash and the row itself.

`row_hash = SHA-256(prev_hash || canonical JSON of the row without its hashes)`, the first row
chained to 32 zero bytes. Rows are numbered 1, 2, 3, … without gaps, so `jejak verify` names the
first row that was edited (its hash no longer matches its content), removed (a gap, or the next
row's `prev_hash` points at something else) or inserted out of turn. Removing rows from the end
of the log leaves a shorter valid chain: see docs/PERSONAL_DATA.md, "Access log", for why and
what catches it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterator

GENESIS = "00" * 32
COLUMNS = ("id", "at", "principal", "role", "subject", "fields", "route", "request_id")
PAGE = 5000


def canonical(row: dict[str, Any]) -> bytes:
    """The row's hashed bytes: its columns (not the hashes) as sorted, compact UTF-8 JSON."""
    return json.dumps({k: row[k] for k in COLUMNS}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(row)).hexdigest()


def _rows(recorder: Any) -> Iterator[tuple[Any, ...]]:
    after = 0
    while True:
        page = recorder.query(f"SELECT {', '.join(COLUMNS)}, prev_hash, row_hash FROM jejak_access_log"
                              " WHERE id > ? ORDER BY id LIMIT ?", (after, PAGE))
        yield from page
        if len(page) < PAGE:
            return
        after = int(page[-1][0])


def chain_problems(recorder: Any, limit: int = 50) -> list[tuple[int, str]]:
    """(row id, message) for each break in the access log's chain, first break first."""
    problems: list[tuple[int, str]] = []
    expected, prev = 1, GENESIS
    for values in _rows(recorder):
        row = dict(zip(COLUMNS, values))
        rid, stored_prev, stored_hash = int(row["id"]), values[-2], values[-1]
        if rid != expected:
            problems.append((expected, f"access log row {expected}: missing (rows {expected}..{rid - 1} were "
                                       "deleted or renumbered)"))
        elif stored_prev != prev:
            problems.append((rid, f"access log row {rid}: its prev_hash is not the hash of row {rid - 1}: "
                                  "a row before it was changed or removed"))
        try:
            row["fields"] = json.loads(row["fields"])
            recomputed = row_hash(stored_prev, row)
        except (ValueError, TypeError):
            recomputed = None
        if recomputed != stored_hash:
            problems.append((rid, f"access log row {rid}: edited (its row_hash no longer matches its content)"))
        expected, prev = rid + 1, stored_hash
        if len(problems) >= limit:
            break
    return problems
