"""Reveal: commitment markers in what a response shows replaced by values, nulls or erasures.

`reveal` takes JSON-able documents (event views, stream states, audit rows) and a predicate
`may_see(field)`; every marker becomes its value when the principal may see the field and the
disclosure opens and matches its commitment, `null` with its path in `masked` when not, and `null`
with its path in `erased` (and the erasing event in `erased_by`, the time in `erased_at`) when it
was erased. A disclosure that does not open or does not match is an integrity failure: the value
is never served. It also says which personal fields of which subjects were revealed (the access log).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ledger.errors import IntegrityFailed
from ledger.personal import commitment_of, is_marker, markers
from ledger.sealing import DisclosureBox

CHUNK = 500  # commitments per query (well under either backend's parameter limit)


def lookup(recorder: Any, commitments: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """{commitment: (field, subject, sealed, erased_by, erased_at)}: the disclosures in one query per
    chunk (one per response in practice), then the tombstones of those not found, if any."""
    found: dict[str, tuple[Any, ...]] = {}
    unique = sorted(set(commitments))
    for table, columns in (("jejak_disclosures", "field, subject, sealed, NULL AS erased_by, NULL AS erased_at"),
                           ("jejak_erasures", "field, subject, NULL AS sealed, erased_by, erased_at")):
        for i in range(0, len(unique), CHUNK):
            part = unique[i:i + CHUNK]
            rows = recorder.query(f"SELECT commitment, {columns} FROM {table}"
                                  f" WHERE commitment IN ({', '.join('?' for _ in part)})", part)
            found.update((row[0], tuple(row[1:])) for row in rows)
        unique = [c for c in unique if c not in found]
        if not unique:
            break
    return found


def opened(box: DisclosureBox, commitment: str, sealed: Any, path: str) -> Any:
    """The value behind a commitment, checked: an IntegrityFailed names the path otherwise."""
    try:
        salt, value = box.open(commitment, bytes(sealed))
    except ValueError as exc:
        raise IntegrityFailed(f"{path}: the stored disclosure does not open ({exc}); the value is not served;"
                              " run `jejak verify`", field=path) from None
    if commitment_of(salt, value) != commitment:
        raise IntegrityFailed(f"{path}: the stored disclosure does not match its commitment; the value is not"
                              " served; run `jejak verify`", field=path)
    return value


def _put(doc: Any, path: str, value: Any) -> None:
    """Set the value at a dotted path (`changes[2].after`) of a document."""
    target, steps = doc, _steps(path)
    for step in steps[:-1]:
        target = target[step]
    target[steps[-1]] = value


def _steps(path: str) -> list[Any]:
    out: list[Any] = []
    for part in path.split("."):
        while "[" in part:
            head, _, rest = part.partition("[")
            if head:
                out.append(head)
            index, _, part = rest.partition("]")
            out.append(int(index))
        if part:
            out.append(part)
    return out


def reveal(recorder: Any, box: Callable[[], DisclosureBox], docs: list[dict[str, Any]],
           may_see: Callable[[str], bool]) -> dict[str, set[str]]:
    """Replace the markers of each document in place (see the module); adds `masked`, `erased`,
    `erased_by` and `erased_at` to a document that had any. Returns {subject: fields revealed}."""
    found_markers = [list(markers(doc)) for doc in docs]
    table = lookup(recorder, [c for ms in found_markers for _, c in ms])
    revealed: dict[str, set[str]] = {}
    for doc, ms in zip(docs, found_markers):
        masked, erased, erased_by, erased_at = [], [], {}, {}
        for path, c in ms:
            row = table.get(c)
            if row is None:
                raise IntegrityFailed(f"{path}: the commitment has neither a disclosure nor an erasure; the"
                                      " disclosure was removed outside the ledger; run `jejak verify`", field=path)
            field, subject, sealed, by, at = row
            if by is not None:
                value = None
                erased.append(path)
                erased_by[path], erased_at[path] = by, at
            elif may_see(field):
                value = opened(box(), c, sealed, path)
                revealed.setdefault(subject, set()).add(path)
            else:
                value = None
                masked.append(path)
            _put(doc, path, value)
        if masked:
            doc["masked"] = sorted(set(doc.get("masked") or []) | set(masked))
        if erased:
            # CONTRACT.md: `erased_by` is the erasing event's id (the latest, when several erased parts
            # of one document); `erasures` names the event and time for each erased path.
            latest = max(erased, key=lambda p: erased_at[p])
            doc.update(erased=erased, erased_by=erased_by[latest], erased_at=erased_at[latest],
                       erasures={p: {"by": erased_by[p], "at": erased_at[p]} for p in erased})
    return revealed


def still_committed(value: Any) -> bool:
    """Whether anything in a value is still a marker (a read that forgot to reveal)."""
    return is_marker(value) or any(True for _ in markers(value))


MARKER_TEXT = re.compile(rb'\{"commitment":"([0-9a-f]{64})"\}')
PAGE = 4096


def problems(recorder: Any, box: DisclosureBox | None) -> list[tuple[int, str]]:
    """(position, message) of each disclosure that does not open or match its commitment (with the key),
    and of each commitment in the events that has neither a disclosure nor a tombstone, or a disclosure
    kept for another event. One pass over the disclosures and one over the events' stored bytes."""
    found: list[tuple[int, str]] = []
    kept = {}
    for c, position, path, sealed in recorder.query(
            "SELECT commitment, position, path, sealed FROM jejak_disclosures"):
        kept[c] = int(position)
        if box is not None:
            try:
                opened(box, c, sealed, path)
            except IntegrityFailed as exc:
                found.append((int(position), exc.message))
    erased = {c for (c,) in recorder.query("SELECT commitment FROM jejak_erasures")}
    head, after = recorder.max_notification_id() or 0, 0
    while after < head:
        notes = recorder.select_notifications(after + 1, PAGE)
        if not notes:
            break
        for note in notes:
            for match in MARKER_TEXT.finditer(bytes(note.state)):
                c = match.group(1).decode()
                if c in kept and kept[c] != note.id:
                    found.append((note.id, f"commitment {c[:16]}…: its disclosure is kept for position {kept[c]}"))
                elif c in kept and c in erased:
                    found.append((note.id, f"commitment {c[:16]}…: erased, yet its disclosure is back"))
                elif c not in kept and c not in erased:
                    found.append((note.id, f"commitment {c[:16]}…: neither a disclosure nor an erasure is kept;"
                                           " the personal value was removed outside the ledger"))
        after = notes[-1].id
    return sorted(found)


def for_export(recorder: Any, box: DisclosureBox, size: int, positions: set[int],
               may_see: Callable[[str], bool]) -> list[dict[str, Any]]:
    """The disclosures of the exported events that the bundle's reader may see, opened and checked:
    plain (salt, value) in the bundle, so anyone can check them offline. Erased ones are gone."""
    out = []
    for c, position, field, path, sealed in recorder.query(
            "SELECT commitment, position, field, path, sealed FROM jejak_disclosures WHERE position <= ?"
            " ORDER BY position, path", (size,)):
        if int(position) in positions and may_see(field):
            salt, value = box.open(c, bytes(sealed))
            opened(box, c, sealed, path)
            out.append({"position": int(position), "commitment": c, "field": field, "path": path,
                        "salt": salt.hex(), "value": value})
    return out
