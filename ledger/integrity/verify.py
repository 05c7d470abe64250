"""`jejak verify`: recompute every leaf and subtree from the stored events and check every checkpoint.

Nothing stored is trusted: each event's canonical bytes are hashed again, the
tree is rebuilt level by level, compared with the stored leaves and complete
subtrees (which proofs are served from) and with every signed checkpoint's root.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.integrity.checkpoints import FIELDS
from ledger.integrity.keyring import Keyring
from ledger.integrity.tree import Frontier, StoredTree, fold
from ledger.integrity.verify_pages import (MAX_PROBLEMS, PAGE, PAGE_LEVELS, check_page, leaf_page, page_levels,
                                           page_nodes, read_page, runs, subtree_problem)
from ledger.integrity.access_chain import chain_problems
from ledger.integrity.anchors import check_kept, describe_anchors
from ledger.integrity.report import Problem, Result  # noqa: F401 - Problem is part of verify's API
from ledger.integrity.verifier import checkpoint_problem, verify_consistency

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
    _check_roots(due.get(0, []), frontier.root(), 0, problems)
    bounds = [(start, min(start + PAGE - 1, total)) for start in range(1, total + 1, PAGE)]
    with _pages(recorder, bounds, url, workers, open_reader) as pages:
        for (start, end), (leaves, page_problems) in zip(bounds, pages):
            problems += page_problems
            levels = page_levels(leaves, start - 1, page_nodes(recorder, start - 1, end), problems)
            before = [h for _, h in frontier.stack]
            for p in sorted(p for p in due if start <= p <= end):
                root = fold(before + [levels[lv][i] for lv, i in runs(p - start + 1)])
                if _check_roots(due[p], root, last_good, problems):
                    last_good = p
            for level, i in runs(len(leaves)):
                for lv, idx, h in frontier.push(level, levels[level][i]):
                    if high.get((lv, idx)) != h:
                        problems.append(subtree_problem(lv, idx))
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
        with ThreadPoolExecutor(1) as reader:
            yield _read_ahead(recorder, bounds, reader)
        return
    context = multiprocessing.get_context("spawn")  # never fork a process holding database connections
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(open_reader, url))
    try:
        yield pool.map(_worker_page, bounds)
    finally:
        pool.shutdown(cancel_futures=True)


def _read_ahead(recorder: Any, bounds: list[tuple[int, int]],
                reader: ThreadPoolExecutor) -> Iterator[tuple[list[bytes], list[Problem]]]:
    """Each page checked here while a thread reads the next one (the database's time and ours
    overlap: both drivers release the GIL while they wait); one page ahead bounds the memory."""
    ahead = reader.submit(read_page, recorder, *bounds[0]) if bounds else None
    for i, (start, end) in enumerate(bounds):
        rows = ahead.result()
        ahead = reader.submit(read_page, recorder, *bounds[i + 1]) if i + 1 < len(bounds) else None
        yield check_page(start, end, *rows)


_WORKER: dict[str, Any] = {}


def _start_worker(open_reader: Callable[[str], Any], url: str) -> None:
    _WORKER["ledger"] = open_reader(url)  # kept: a collected Ledger closes its connections
    _WORKER["recorder"] = _WORKER["ledger"].recorder


def _worker_page(bounds: tuple[int, int]) -> tuple[list[bytes], list[Problem]]:
    return leaf_page(_WORKER["recorder"], *bounds)


def _check_roots(cps: list[dict[str, Any]], root_hash: bytes, last_good: int, problems: list[Problem]) -> bool:
    root = root_hash.hex()
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
