"""Tree heads and RFC 9162 proofs from stored complete subtrees, in O(log n) reads.

Every hash a proof needs is the Merkle tree hash of a range [lo, hi) of leaves
that the RFC's recursion produces; such a range is a run of complete power-of-two
subtrees, which the recorder stored when their last leaf was written (level 0 in
`jejak_leaves`, levels >= 1 in `jejak_nodes`). So a proof is: list the ranges,
list their subtrees, fetch all of them in one query, fold.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ledger.errors import NotFound, ValidationFailed
from ledger.integrity import node_hash
from ledger.integrity.verifier import EMPTY_ROOT

Node = tuple[int, int]  # (level, idx): leaves [idx * 2**level, (idx + 1) * 2**level)
Fetch = Callable[[Iterable[Node]], dict[Node, bytes]]


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtrees(lo: int, hi: int) -> list[Node]:
    """The complete subtrees covering [lo, hi), largest first (the RFC's left-heavy split)."""
    out = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        size = 1 << level
        assert lo % size == 0, f"range [{lo}, {hi}) is not a Merkle subtree range"
        out.append((level, lo >> level))
        lo += size
    return out


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 6962 PATH(m, D[n]) as leaf ranges, deepest first."""
    out: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo = lo + k
    return out[::-1]


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """RFC 6962 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, in proof order."""
    if first == 0 or first == second:
        return []
    out: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, second, first, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        out.append((lo, hi))
    return out[::-1]


def fold(hashes: list[bytes]) -> bytes:
    """Hash of a run of complete subtrees (largest first): H(h1, H(h2, ... hk))."""
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = node_hash(h, result)
    return result


def _hashes(ranges: list[tuple[int, int]], fetch: Fetch) -> list[bytes]:
    per_range = [subtrees(lo, hi) for lo, hi in ranges]
    found = fetch({n for nodes in per_range for n in nodes})
    return [fold([found[n] for n in nodes]) for nodes in per_range]


def tree_head(size: int, fetch: Fetch) -> bytes:
    return EMPTY_ROOT if size == 0 else _hashes([(0, size)], fetch)[0]


def inclusion_path(index: int, size: int, fetch: Fetch) -> list[bytes]:
    return _hashes(inclusion_ranges(index, size), fetch)


def consistency_path(first: int, second: int, fetch: Fetch) -> list[bytes]:
    return _hashes(consistency_ranges(first, second), fetch)


def list_fetch(leaves: list[bytes]) -> Fetch:
    """A fetch over an in-memory list of leaf hashes (tests, small trees)."""

    def subtree(level: int, idx: int) -> bytes:
        if level == 0:
            return leaves[idx]
        return node_hash(subtree(level - 1, 2 * idx), subtree(level - 1, 2 * idx + 1))

    def fetch(nodes: Iterable[Node]) -> dict[Node, bytes]:
        return {n: subtree(*n) for n in nodes}

    return fetch


class Frontier:
    """The compact range of a growing tree: one hash per set bit of the size (verify streams with it)."""

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[tuple[int, bytes]] = []  # (level, hash), largest first

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; return the complete subtrees (level >= 1, idx, hash) it closes."""
        closed = []
        level, current = 0, leaf
        stack = self.stack
        while stack and stack[-1][0] == level:
            current = node_hash(stack.pop()[1], current)
            level += 1
            closed.append((level, self.size >> level, current))
        stack.append((level, current))
        self.size += 1
        return closed

    def push(self, level: int, subtree: bytes) -> list[tuple[int, int, bytes]]:
        """Add a complete subtree of 2**level leaves (the size must be a multiple of that); return
        the larger subtrees it closes, as `append` does for a leaf."""
        closed = []
        start, width, stack = self.size, 1 << level, self.stack
        assert start % width == 0, f"a subtree of level {level} cannot start at leaf {start}"
        while stack and stack[-1][0] == level:
            subtree = node_hash(stack.pop()[1], subtree)
            level += 1
            closed.append((level, start >> level, subtree))
        stack.append((level, subtree))
        self.size += width
        return closed

    def root(self) -> bytes:
        return fold([h for _, h in self.stack]) if self.stack else EMPTY_ROOT


class StoredTree:
    """The ledger's Merkle tree as stored by the recorder; every proof is one query."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder

    def size(self) -> int:
        rows = self.recorder.query("SELECT MAX(position) FROM jejak_leaves")
        return int(rows[0][0] or 0)

    def fetch(self, nodes: Iterable[Node]) -> dict[Node, bytes]:
        nodes = list(nodes)
        leaves = [idx + 1 for level, idx in nodes if level == 0]
        inner = [(level, idx) for level, idx in nodes if level > 0]
        parts, params = [], []
        if inner:
            parts.append("SELECT level, idx, hash FROM jejak_nodes WHERE "
                         + " OR ".join("(level = ? AND idx = ?)" for _ in inner))
            params += [v for pair in inner for v in pair]
        if leaves:
            parts.append("SELECT 0 AS level, position - 1 AS idx, leaf_hash AS hash FROM jejak_leaves"
                         " WHERE position IN (" + ", ".join("?" for _ in leaves) + ")")
            params += leaves
        if not parts:
            return {}
        found = {(int(lv), int(i)): bytes(h) for lv, i, h in self.recorder.query(" UNION ALL ".join(parts), params)}
        missing = [n for n in nodes if n not in found]
        if missing:
            raise NotFound(f"tree: Merkle node {missing[0]} is missing from storage; run `jejak verify`",
                           field="tree")
        return found

    def _check_size(self, size: int, field: str, current: int | None = None) -> int:
        current = self.size() if current is None else current
        if size < 0 or size > current:
            raise ValidationFailed(f"{field}: must be between 0 and the tree size {current}", field=field)
        return current

    def head(self, size: int | None = None) -> tuple[int, bytes]:
        current = self.size()
        size = current if size is None else size
        self._check_size(size, "tree_size", current)
        return size, tree_head(size, self.fetch)

    def inclusion(self, position: int, tree_size: int | None = None) -> dict[str, Any]:
        """Contract shape: {leaf_index, tree_size, leaf_hash, audit_path: [hex]}."""
        current = self.size()
        size = current if tree_size is None else tree_size
        self._check_size(size, "tree_size", current)
        if position < 1 or position > size:
            raise NotFound(f"position: no position {position} in a tree of size {size}", field="position")
        ranges = inclusion_ranges(position - 1, size)
        per_range = [subtrees(lo, hi) for lo, hi in ranges]
        found = self.fetch({n for nodes in per_range for n in nodes} | {(0, position - 1)})
        return {"leaf_index": position - 1, "tree_size": size, "leaf_hash": found[(0, position - 1)].hex(),
                "audit_path": [fold([found[n] for n in nodes]).hex() for nodes in per_range]}

    def consistency(self, first: int, second: int | None = None) -> dict[str, Any]:
        """Contract shape: {first, second, proof: [hex]}."""
        current = self.size()
        second = current if second is None else second
        self._check_size(second, "second", current)
        if first < 0 or first > second:
            raise ValidationFailed(f"first: must be between 0 and second ({second})", field="first")
        return {"first": first, "second": second,
                "proof": [h.hex() for h in consistency_path(first, second, self.fetch)]}
