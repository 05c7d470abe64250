"""`jejak verify`: recompute every leaf and subtree from the stored events and check every checkpoint.

Nothing stored is trusted: each event's canonical bytes are hashed again, the
tree is rebuilt leaf by leaf, compared with the stored leaves and complete
subtrees (which proofs are served from) and with every signed checkpoint's root.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger import integrity
from ledger.integrity.checkpoints import FIELDS
from ledger.integrity.keyring import Keyring
from ledger.integrity.tree import Frontier, StoredTree
from ledger.integrity.access_chain import chain_problems
from ledger.integrity.anchors import check_kept, describe_anchors
from ledger.integrity.report import Problem, Result  # noqa: F401 - Problem is part of verify's API
from ledger.integrity.verifier import checkpoint_problem, verify_consistency

PAGE_LEVELS = 12
PAGE = 1 << PAGE_LEVELS  # events per read; pages are aligned so their subtrees close inside them
MAX_PROBLEMS = 50
PARALLEL_PAGES = 8  # below this many pages, starting worker processes costs more than it saves


def _checkpoints(recorder: Any) -> list[dict[str, Any]]:
    rows = recorder.query(f"SELECT {', '.join(FIELDS)} FROM jejak_checkpoints ORDER BY tree_size, issued_at")
    return [dict(zip(FIELDS, r)) for r in rows]


def _signatures(checkpoints: list[dict[str, Any]], keys: dict[str, Any], total: int,
                problems: list[Problem]) -> dict[int, list[dict[str, Any]]]:
    """Check each checkpoint's signature and reach; return them by the tree size they sign."""
    due: dict[int, list[dict[str, Any]]] = {}
    for cp in checkpoints:
        problem = checkpoint_problem(cp, keys)
        if problem:
            problems.append(Problem(max(cp["tree_size"], 1), f"checkpoint of tree_size {cp['tree_size']} "
                                                             f"issued {cp['issued_at']}: {problem}"))
        if cp["tree_size"] > total:
            problems.append(Problem(total + 1, f"checkpoint of tree_size {cp['tree_size']} signed events up to "
                                               f"position {cp['tree_size']}, but the ledger ends at {total}: "
                                               "events were removed"))
        due.setdefault(cp["tree_size"], []).append(cp)
    return due


def verify(recorder: Any, anchors: list[Ed25519PublicKey] | None = None,
           progress: Callable[[int, int], None] | None = None, *, url: str | None = None,
           workers: int = 1, open_reader: Callable[[str], Any] | None = None,
           kept: list[dict[str, Any]] | None = None, witnessed: Callable[[dict[str, Any]], str | None] | None = None
           ) -> Result:
    """Check the whole ledger against anchors the operator hands in, and nothing else.

    `anchors` are the pinned public keys (`--public-key`): the only trusted keys, with the stored
    keys they endorse. `kept` are checkpoints the operator saved earlier (`--checkpoint`: dicts
    with `tree_size`, `root_hash` and a `source` label): the tree must extend each. `witnessed(cp)`
    (from `--witness-key` and `--quorum`) names the witnesses that cosigned a stored checkpoint,
    or returns None. Keys found in the database alone never anchor anything: the result is then
    intact or not, but not anchored (`jejak verify` exits 3).

    Long because it is one ordered pass over every page: leaves, subtrees and signed roots are
    checked together as the frontier grows, which helpers would only pass back and forth.

    With `url`, `workers` > 1 and `open_reader` (a module-level function, so that it pickles, that
    opens the ledger at a URL and returns an object with a `.recorder`: the caller composes it, as
    integrity never imports the application), large ledgers have their leaves rebuilt by that many
    processes (each reading its own pages); the tree, subtrees and checkpoints are checked here.
    """
    result = Result()
    head = recorder.max_notification_id() or 0
    leaves_max = int(recorder.query("SELECT MAX(position) FROM jejak_leaves")[0][0] or 0)
    total = max(head, leaves_max)
    result.events, result.tree_size = head, leaves_max
    keys = Keyring(recorder).trusted(anchors or [])
    result.trusted_keys = sorted(keys)
    checkpoints = _checkpoints(recorder)
    result.checkpoints = len(checkpoints)
    problems = result.problems
    due = _signatures(checkpoints, keys, total, problems)
    for cp in kept or []:
        check_kept(cp, keys if anchors else {}, total, problems, due)
    high = {(lv, i): bytes(h) for lv, i, h in
            recorder.query("SELECT level, idx, hash FROM jejak_nodes WHERE level > ?", (PAGE_LEVELS,))}
    frontier = Frontier()
    last_good = 0
    _check_roots(due.get(0, []), frontier, 0, problems)
    bounds = [(start, min(start + PAGE - 1, total)) for start in range(1, total + 1, PAGE)]
    with _pages(recorder, bounds, url, workers, open_reader) as pages:
        for (start, end), (leaves, page_problems) in zip(bounds, pages):
            problems += page_problems
            nodes = _page_nodes(recorder, start - 1, end)
            nodes.update(high)
            for p, leaf in zip(range(start, end + 1), leaves):
                for level, idx, h in frontier.append(leaf):
                    if nodes.get((level, idx)) != h:
                        problems.append(Problem(idx * (1 << level) + 1,
                                                f"stored Merkle subtree ({level}, {idx}) covering positions "
                                                f"{idx * (1 << level) + 1}..{(idx + 1) * (1 << level)} differs "
                                                "from the one rebuilt from the leaves; proofs served from it are "
                                                "wrong"))
                if p in due and _check_roots(due[p], frontier, last_good, problems):
                    last_good = p
            if progress:
                progress(end, total)
            if len(problems) >= MAX_PROBLEMS:
                break
    _check_consistency(recorder, checkpoints, keys, total, problems)
    result.access_log_problems = chain_problems(recorder)
    describe_anchors(result, anchors or [], checkpoints, keys, total, kept or [], witnessed)
    problems.sort()
    return result


@contextmanager
def _pages(recorder: Any, bounds: list[tuple[int, int]], url: str | None, workers: int,
           open_reader: Callable[[str], Any] | None) -> Iterator[Iterator[tuple[list[bytes], list[Problem]]]]:
    """Each page's (leaves, problems), in order: here, or from worker processes for large ledgers."""
    if url is None or open_reader is None or workers < 2 or len(bounds) < PARALLEL_PAGES:
        yield (_leaf_page(recorder, start, end) for start, end in bounds)
        return
    context = multiprocessing.get_context("spawn")  # never fork a process holding database connections
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(open_reader, url))
    try:
        yield pool.map(_worker_page, bounds)
    finally:
        pool.shutdown(cancel_futures=True)


_WORKER: dict[str, Any] = {}


def _start_worker(open_reader: Callable[[str], Any], url: str) -> None:
    _WORKER["ledger"] = open_reader(url)  # kept: a collected Ledger closes its connections
    _WORKER["recorder"] = _WORKER["ledger"].recorder


def _worker_page(bounds: tuple[int, int]) -> tuple[list[bytes], list[Problem]]:
    return _leaf_page(_WORKER["recorder"], *bounds)


def _leaf_page(recorder: Any, start: int, end: int) -> tuple[list[bytes], list[Problem]]:
    """Rebuild and check the leaves of positions start..end from the events."""
    notes = {n.id: n for n in recorder.select_notifications(start, end - start + 1, stop=end)}
    stored = {p: (e, s, v, bytes(h)) for p, e, s, v, h in recorder.query(
        "SELECT position, event_id, stream_id, version, leaf_hash FROM jejak_leaves"
        " WHERE position >= ? AND position <= ?", (start, end))}
    problems: list[Problem] = []
    leaves = [_check_leaf(p, notes.get(p), stored.get(p), problems) for p in range(start, end + 1)]
    return leaves, problems[:MAX_PROBLEMS]


def _page_nodes(recorder: Any, lo: int, hi: int) -> dict[tuple[int, int], bytes]:
    """Stored subtrees of levels 1..PAGE_LEVELS inside leaves [lo, hi), in one query."""
    clauses, params = [], []
    for level in range(1, PAGE_LEVELS + 1):
        clauses.append("(level = ? AND idx >= ? AND idx < ?)")
        params += [level, lo >> level, hi >> level]
    rows = recorder.query("SELECT level, idx, hash FROM jejak_nodes WHERE " + " OR ".join(clauses), params)
    return {(lv, i): bytes(h) for lv, i, h in rows}


def _check_leaf(p: int, note: Any, stored: tuple[str, str, int, bytes] | None, problems: list[Problem]) -> bytes:
    """Check the event at p against its stored leaf; return the stored leaf (else the rebuilt one).

    The tree is then rebuilt from the stored leaves: events -> leaves, leaves -> subtrees and
    tree -> signed roots are each checked, so a bad event is named once, at its own position.
    """
    if note is None:
        problems.append(Problem(p, "the event is missing (deleted, or the positions were renumbered)"))
        return stored[3] if stored else b"\x00" * 32
    sid = str(note.originator_id if isinstance(note.originator_id, UUID) else UUID(str(note.originator_id)))
    try:
        leaf = integrity.leaf_hash(integrity.leaf_input(p, sid, note.originator_version, note.topic, note.state))
    except (ValueError, TypeError) as exc:
        problems.append(Problem(p, f"the event's stored bytes are unreadable ({exc})"))
        return stored[3] if stored else b"\x00" * 32
    if stored is None:
        problems.append(Problem(p, "the event has no recorded leaf: it was inserted outside Jejak"))
    elif leaf != stored[3]:
        problems.append(Problem(p, "the event differs from what was recorded (its leaf hash changed)"))
    elif (_event_id(note.state), sid, note.originator_version) != stored[:3]:
        problems.append(Problem(p, "the event's id, stream or version differ from its recorded leaf"))
    return stored[3] if stored else leaf


def _event_id(state: bytes) -> str | None:
    """The stored state's event id; an unreadable state has none (its leaf already matched, so the
    recorder stored it as it is: the id check then names the row)."""
    try:
        return integrity.stored_event_id(state)
    except ValueError:
        return None


def _check_roots(cps: list[dict[str, Any]], frontier: Frontier, last_good: int, problems: list[Problem]) -> bool:
    root = frontier.root().hex()
    good = True
    for cp in cps:
        if cp["root_hash"] != root:
            good = False
            problems.append(Problem(last_good + 1, f"checkpoint of tree_size {cp['tree_size']} signed root "
                                                   f"{cp['root_hash'][:16]}…, the events give {root[:16]}…: an "
                                                   f"event between positions {last_good + 1} and {cp['tree_size']} "
                                                   "was changed, removed or inserted"))
    return good


def _check_consistency(recorder: Any, checkpoints: list[dict[str, Any]], keys: dict[str, Any], total: int,
                       problems: list[Problem]) -> None:
    """Each signed checkpoint must be a prefix of the next, by the proof the ledger serves today."""
    valid = [cp for cp in checkpoints if cp["tree_size"] <= total and checkpoint_problem(cp, keys) is None]
    tree = StoredTree(recorder)
    for a, b in zip(valid, valid[1:]):
        try:
            proof = [bytes.fromhex(h) for h in tree.consistency(a["tree_size"], b["tree_size"])["proof"]]
        except Exception as exc:  # a missing stored node is itself the finding
            problems.append(Problem(a["tree_size"] + 1, f"no consistency proof from {a['tree_size']} to "
                                                        f"{b['tree_size']}: {exc}"))
            continue
        if not verify_consistency(a["tree_size"], b["tree_size"], bytes.fromhex(a["root_hash"]),
                                  bytes.fromhex(b["root_hash"]), proof):
            problems.append(Problem(a["tree_size"] + 1 if a["tree_size"] < b["tree_size"] else max(a["tree_size"], 1),
                                    f"checkpoints of tree_size {a['tree_size']} and {b['tree_size']} are not "
                                    "consistent: the ledger was rewritten between them"))
