"""Inclusion proofs for a page of consecutive positions at once, for exports of many events.

`StoredTree.inclusion` reads the tree size and then the proof's nodes: two queries per event, which
made a whole-ledger export take 86 s at 107 k events. Consecutive leaves share almost all of their
proof: a page's proofs need the page's own leaves, a few nodes per level around them, and the
complete subtrees on the tree's right edge. So a page costs one query for its leaves and one per
level for the rest; nodes of the upper levels (few: one per 2**KEEP_FROM leaves) are kept for the
next pages, the lower ones are dropped after each page, so memory stays bounded by the page, not
the ledger.
"""

from __future__ import annotations

from typing import Any, Iterable

from ledger.errors import NotFound
from ledger.integrity.tree import Node, fold, subtrees

SHARED_FROM = 10  # a proof's hashes from this level up are the same for 1,024 neighbouring leaves
KEEP_FROM = 8  # levels kept between pages: at 1 M events, about 8 k nodes of 32 bytes


class ProofPages:
    """Inclusion proofs against one tree size, page by page (positions in increasing order).

    Each hash of a proof is the hash of a leaf range; neighbouring leaves share most of their ranges,
    so each range is hashed once (`memo`, hex) and the ranges of the upper levels are kept between pages.
    """

    def __init__(self, recorder: Any, size: int) -> None:
        self.recorder, self.size = recorder, size
        self.kept: dict[Node, bytes] = {}
        self.memo: dict[tuple[int, int], str] = {}

    def page(self, positions: list[int]) -> dict[int, dict[str, Any]]:
        """{position: {leaf_index, tree_size, leaf_hash, audit_path}} as `StoredTree.inclusion` gives them.

        Leaf i's path holds, at each level L, its ancestor's sibling range, clipped to the tree size and
        left out when it would be empty (RFC 9162's PATH for a left-complete tree, the same ranges as
        `inclusion_ranges`); that range depends only on (L, i >> L), the key of `memo`.
        """
        if not positions:
            return {}
        n, memo, plan = self.size, self.memo, []
        top = (n - 1).bit_length()
        low = range(min(SHARED_FROM, top))
        new: dict[tuple[int, int], list[Node]] = {}
        shared: dict[int, list[tuple[int, int]]] = {}  # the levels >= SHARED_FROM depend on i >> SHARED_FROM only

        def keys_of(i: int, levels: range) -> list[tuple[int, int]]:
            keys = []
            for level in levels:
                a = i >> level
                start = (a ^ 1) << level
                if start < n:
                    keys.append((level, a))
                    if (level, a) not in memo and (level, a) not in new:
                        new[(level, a)] = subtrees(start, min(start + (1 << level), n))
            return keys

        for p in positions:
            high = (p - 1) >> SHARED_FROM
            if high not in shared:
                shared[high] = keys_of(p - 1, range(SHARED_FROM, top))
            plan.append((p, keys_of(p - 1, low), high))
        wanted = {(0, p - 1) for p in positions}
        for nodes in new.values():
            wanted.update(nodes)
        found = self._fetch(wanted)
        for k, nodes in new.items():
            memo[k] = fold([found[x] for x in nodes]).hex()
        tails = {high: [memo[k] for k in keys] for high, keys in shared.items()}
        out = {p: {"leaf_index": p - 1, "tree_size": n, "leaf_hash": found[(0, p - 1)].hex(),
                   "audit_path": [memo[k] for k in keys] + tails[high]} for p, keys, high in plan}
        self.kept = {x: h for x, h in found.items() if x[0] >= KEEP_FROM}
        self.memo = {k: h for k, h in memo.items() if k[0] >= KEEP_FROM}
        return out

    def _fetch(self, nodes: set[Node]) -> dict[Node, bytes]:
        found = {n: self.kept[n] for n in nodes if n in self.kept}
        by_level: dict[int, list[int]] = {}
        for level, idx in nodes:
            if (level, idx) not in found:
                by_level.setdefault(level, []).append(idx)
        for level, idxs in by_level.items():
            found.update(self._level(level, idxs))
        missing = [n for n in nodes if n not in found]
        if missing:
            raise NotFound(f"tree: Merkle node {missing[0]} is missing from storage; run `jejak verify`",
                           field="tree")
        return found

    def _level(self, level: int, idxs: list[int]) -> Iterable[tuple[Node, bytes]]:
        """The level's nodes: one range read when they lie close together, else a list of ids."""
        lo, hi = min(idxs), max(idxs)
        if hi - lo + 1 <= 4 * len(idxs) + 16:
            if level == 0:
                rows = self.recorder.query("SELECT position - 1, leaf_hash FROM jejak_leaves"
                                           " WHERE position BETWEEN ? AND ?", (lo + 1, hi + 1))
            else:
                rows = self.recorder.query("SELECT idx, hash FROM jejak_nodes WHERE level = ? AND idx BETWEEN ? AND ?",
                                           (level, lo, hi))
            wanted = set(idxs)
            return [((level, int(i)), bytes(h)) for i, h in rows if int(i) in wanted]
        marks = ", ".join("?" for _ in idxs)
        if level == 0:
            rows = self.recorder.query(f"SELECT position - 1, leaf_hash FROM jejak_leaves WHERE position IN ({marks})",
                                       [i + 1 for i in idxs])
        else:
            rows = self.recorder.query(f"SELECT idx, hash FROM jejak_nodes WHERE level = ? AND idx IN ({marks})",
                                       [level, *idxs])
        return [((level, int(i)), bytes(h)) for i, h in rows]
