"""One page of `jejak verify`: its leaves rebuilt from the stored rows' bytes, its subtrees level by level.

A page is PAGE positions aligned on PAGE, so every subtree of levels 1..PAGE_LEVELS that
its leaves close lies inside it. The events are read as plain rows (no event objects, no
decoding beyond the one JSON scan that finds the event id); the subtrees are hashed a level
at a time, one list per level, and compared with the stored ones.
"""

from __future__ import annotations

import re
from hashlib import sha256
from typing import Any
from uuid import UUID

from ledger import integrity
from ledger.integrity.report import Problem

PAGE_LEVELS = 12
PAGE = 1 << PAGE_LEVELS  # events per read; pages are aligned so their subtrees close inside them
MAX_PROBLEMS = 50

_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"[0-9a-f]{32}")
_LEAVES = ("SELECT position, event_id, stream_id, version, leaf_hash FROM jejak_leaves"
           " WHERE position >= ? AND position <= ?")


def stream_text(raw: Any) -> str:
    """str(UUID(raw)): the stored originator id as its leaf names it. PostgreSQL's uuid read as text
    is already that form and SQLite keeps 32 lowercase hex digits; anything else goes through UUID."""
    if type(raw) is str:
        if len(raw) == 32 and _HEX.fullmatch(raw):
            return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
        if len(raw) == 36 and _CANONICAL.fullmatch(raw):
            return raw
    return str(raw if isinstance(raw, UUID) else UUID(str(raw)))


def leaf_page(recorder: Any, start: int, end: int) -> tuple[list[bytes], list[Problem]]:
    """Rebuild and check the leaves of positions start..end from the stored events' bytes."""
    return check_page(start, end, *read_page(recorder, start, end))


def read_page(recorder: Any, start: int, end: int) -> tuple[dict[int, tuple[Any, ...]], dict[int, tuple[Any, ...]]]:
    """The page's events and recorded leaves by position: one query reads each event with its leaf;
    leaves whose event is gone are read by a second one only when the page has fewer events than positions."""
    column = "notification_id" if getattr(recorder, "postgres", False) else "rowid"
    rows = recorder.query(f"SELECT e.{column}, CAST(e.originator_id AS TEXT), e.originator_version, e.topic, e.state,"
                          " l.position, l.event_id, l.stream_id, l.version, l.leaf_hash"
                          f" FROM {recorder.events_table_name} e LEFT JOIN jejak_leaves l ON l.position = e.{column}"
                          f" WHERE e.{column} >= ? AND e.{column} <= ?", (start, end))
    events = {r[0]: r for r in rows}
    if len(events) == end - start + 1:
        return events, {p: r[5:] for p, r in events.items() if r[5] is not None}
    return events, {r[0]: r for r in recorder.query(_LEAVES, (start, end))}


def check_page(start: int, end: int, events: dict[int, tuple[Any, ...]],
               stored: dict[int, tuple[Any, ...]]) -> tuple[list[bytes], list[Problem]]:
    problems: list[Problem] = []
    leaves = [check_leaf(p, events.get(p), stored.get(p), problems) for p in range(start, end + 1)]
    return leaves, problems[:MAX_PROBLEMS]


def check_leaf(p: int, row: tuple[Any, ...] | None, stored: tuple[Any, ...] | None,
               problems: list[Problem]) -> bytes:
    """Check the event at p against its stored leaf; return the stored leaf (else the rebuilt one).

    The tree is then rebuilt from the stored leaves: events -> leaves, leaves -> subtrees and
    tree -> signed roots are each checked, so a bad event is named once, at its own position.
    """
    kept = stored[4] if stored is not None else None
    if kept is not None and type(kept) is not bytes:
        kept = bytes(kept)
    if row is None:
        problems.append(Problem(p, "the event is missing (deleted, or the positions were renumbered)"))
        return kept if kept is not None else b"\x00" * 32
    version, state = row[2], row[4]
    try:
        sid = stream_text(row[1])
        text = state.decode("utf-8") if type(state) is bytes else state if type(state) is str \
            else bytes(state).decode("utf-8")
        leaf = sha256(b"\x00" + integrity.leaf_input(p, sid, version, row[3], text)).digest()
    except (ValueError, TypeError) as exc:
        problems.append(Problem(p, f"the event's stored bytes are unreadable ({exc})"))
        return kept if kept is not None else b"\x00" * 32
    if kept is None:
        problems.append(Problem(p, "the event has no recorded leaf: it was inserted outside Jejak"))
        return leaf
    if leaf != kept:
        problems.append(Problem(p, "the event differs from what was recorded (its leaf hash changed)"))
    elif stored[3] != version or stored[2] != sid or stored[1] != _event_id(text):
        problems.append(Problem(p, "the event's id, stream or version differ from its recorded leaf"))
    return kept


def _event_id(state: str) -> str | None:
    """The stored state's event id; an unreadable state has none (its leaf already matched, so the
    recorder stored it as it is: the id check then names the row)."""
    try:
        return integrity.stored_event_id(state)
    except ValueError:
        return None


def page_nodes(recorder: Any, lo: int, hi: int) -> dict[tuple[int, int], bytes]:
    """Stored subtrees of levels 1..PAGE_LEVELS inside leaves [lo, hi), in one query."""
    clauses, params = [], []
    for level in range(1, PAGE_LEVELS + 1):
        clauses.append("(level = ? AND idx >= ? AND idx < ?)")
        params += [level, lo >> level, hi >> level]
    rows = recorder.query("SELECT level, idx, hash FROM jejak_nodes WHERE " + " OR ".join(clauses), params)
    return {(lv, i): bytes(h) for lv, i, h in rows}


def page_levels(leaves: list[bytes], lo: int, nodes: dict[tuple[int, int], bytes],
                problems: list[Problem]) -> list[list[bytes]]:
    """The page's complete subtrees, level by level (levels[0] = its leaves, which start at leaf
    index lo), each checked against the stored one; a differing or missing one is a problem."""
    levels, current = [leaves], leaves
    for level in range(1, PAGE_LEVELS + 1):
        if len(current) < 2:
            break
        parents = [sha256(b"\x01" + current[i] + current[i + 1]).digest() for i in range(0, len(current) - 1, 2)]
        first = lo >> level
        for i, h in enumerate(parents):
            if nodes.get((level, first + i)) != h:
                problems.append(subtree_problem(level, first + i))
        levels.append(parents)
        current = parents
    return levels


def subtree_problem(level: int, idx: int) -> Problem:
    return Problem(idx * (1 << level) + 1,
                   f"stored Merkle subtree ({level}, {idx}) covering positions {idx * (1 << level) + 1}.."
                   f"{(idx + 1) * (1 << level)} differs from the one rebuilt from the leaves; proofs served "
                   "from it are wrong")


def runs(count: int) -> list[tuple[int, int]]:
    """The first `count` leaves of a page as complete subtrees, largest first: [(level, index in level)]."""
    out, offset = [], 0
    for level in range(count.bit_length() - 1, -1, -1):
        if count >> level & 1:
            out.append((level, offset >> level))
            offset += 1 << level
    return out
