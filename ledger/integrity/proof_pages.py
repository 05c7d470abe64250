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
from ledger.integrity.tree import Node, fold, inclusion_ranges, subtrees

KEEP_FROM = 8  # levels kept between pages: at 1 M events, about 8 k nodes of 32 bytes


class ProofPages:
    """Inclusion proofs against one tree size, page by page (positions in increasing order)."""

    def __init__(self, recorder: Any, size: int) -> None:
        self.recorder, self.size = recorder, size
        self.kept: dict[Node, bytes] = {}

    def page(self, positions: list[int]) -> dict[int, dict[str, Any]]:
        """{position: {leaf_index, tree_size, leaf_hash, audit_path}} as `StoredTree.inclusion` gives them."""
        if not positions:
            return {}
        needed: list[tuple[int, list[list[Node]]]] = []
        wanted: set[Node] = set()
        for p in positions:
            per_range = [subtrees(lo, hi) for lo, hi in inclusion_ranges(p - 1, self.size)]
            needed.append((p, per_range))
            wanted.add((0, p - 1))
            wanted.update(n for nodes in per_range for n in nodes)
        found = self._fetch(wanted)
        out = {}
        for p, per_range in needed:
            out[p] = {"leaf_index": p - 1, "tree_size": self.size, "leaf_hash": found[(0, p - 1)].hex(),
                      "audit_path": [fold([found[n] for n in nodes]).hex() for nodes in per_range]}
        self.kept = {n: h for n, h in found.items() if n[0] >= KEEP_FROM}
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
