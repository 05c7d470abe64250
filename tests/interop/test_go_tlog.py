"""Jejak's RFC 6962 proofs against Go's golang.org/x/mod/sumdb/tlog, an implementation we did not write.

For every tree size 1..300 and every leaf, and for a few random larger trees at sampled
leaves, Jejak's inclusion and consistency proofs (the pure functions over a tree stored
the way the recorder stores it, and StoredTree over a real SQLite ledger) must:
- be accepted by tlog.CheckRecord / tlog.CheckTree,
- equal tlog.ProveRecord / tlog.ProveTree's proofs byte for byte, and the tree heads
  equal tlog.TreeHash,
and any flipped byte in a proof, leaf hash or root must be refused by Go.

Pairs are (tree size t, leaf index n) for inclusion and (t, old size n + 1) for
consistency, so one case checks both. tlog has no proofs from or to the empty tree
(ProveTree needs n >= 1) and calls the empty tree's hash all zeros, not SHA-256(""):
size 0 is left out.
"""

from __future__ import annotations

import json
import random

import pytest

import gotools
from ledger.application import Ledger
from ledger.integrity import leaf_hash
from ledger.integrity import tree as merkle

pytestmark = [pytest.mark.slow, pytest.mark.interop]

SMALL = range(1, 301)
LARGE = sorted({1023, 1024, 1025, 4097, *random.Random(6962).sample(range(301, 70_000), 4)})
LEDGER_EVENTS = 1100


def sample_indices(size: int, rng: random.Random) -> list[int]:
    """Every leaf of a small tree; the edges, powers of two and 24 random leaves of a large one."""
    if size <= 300:
        return list(range(size))
    edges = {0, 1, size // 2, size - 2, size - 1} | {(1 << k) - d for k in range(size.bit_length()) for d in (0, 1)}
    return sorted({i for i in edges if 0 <= i < size} | set(rng.sample(range(size), 24)))


def pairs(sizes, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(t, n) for t in sizes for n in sample_indices(t, rng)]


class MemoryTree:
    """Leaf hashes and the complete subtrees the recorder would store for them (via merkle.Frontier)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves
        self.nodes = {(0, i): h for i, h in enumerate(leaves)}
        frontier = merkle.Frontier()
        for h in leaves:
            for level, idx, node in frontier.append(h):
                self.nodes[(level, idx)] = node

    def fetch(self, wanted):
        return {n: self.nodes[n] for n in wanted}

    def head(self, size: int) -> bytes:
        return merkle.tree_head(size, self.fetch)

    def inclusion(self, t: int, n: int) -> list[bytes]:
        return merkle.inclusion_path(n, t, self.fetch)

    def consistency(self, t: int, old: int) -> list[bytes]:
        return merkle.consistency_path(old, t, self.fetch)


def go_prove(leaves: list[bytes], cases: list[tuple[int, int]], sizes) -> dict:
    return gotools.run_json("tlog-prove", input={
        "leaves": [h.hex() for h in leaves],
        "records": [[t, n] for t, n in cases],
        "trees": [[t, n + 1] for t, n in cases],
        "roots": list(sizes),
    })


def check_case(t: int, n: int, root: bytes, leaf: bytes, inclusion: list[bytes], old_root: bytes,
               consistency: list[bytes]) -> dict:
    return {"tree_size": t, "root": root.hex(), "leaf_index": n, "leaf_hash": leaf.hex(),
            "inclusion": [h.hex() for h in inclusion], "old_size": n + 1, "old_root": old_root.hex(),
            "consistency": [h.hex() for h in consistency]}


def go_check(cases: list[dict]):
    done = gotools.run("tlog-check", input="".join(json.dumps(c) + "\n" for c in cases))
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(cases), done.stderr
    return done.returncode, results


def assert_same_as_go(jejak_heads: dict[int, bytes], jejak_records, jejak_trees, go: dict, cases) -> None:
    """Byte-for-byte equality, reporting the first few differing cases."""
    heads = [jejak_heads[t].hex() for t in sorted(jejak_heads)]
    assert heads == go["roots"], "tree heads differ from tlog.TreeHash"
    bad_records = [(t, n) for (t, n), mine, theirs in zip(cases, jejak_records, go["records"])
                   if [h.hex() for h in mine] != theirs]
    bad_trees = [(t, n + 1) for (t, n), mine, theirs in zip(cases, jejak_trees, go["trees"])
                 if [h.hex() for h in mine] != theirs]
    assert not bad_records, f"inclusion proofs differ from tlog.ProveRecord for (size, index) {bad_records[:5]}"
    assert not bad_trees, f"consistency proofs differ from tlog.ProveTree for (size, old size) {bad_trees[:5]}"


@pytest.fixture(scope="module")
def memory_tree():
    return MemoryTree([leaf_hash(f"jejak interop leaf {i}".encode()) for i in range(max(LARGE))])


@pytest.mark.parametrize("sizes, label", [(SMALL, "1..300"), (LARGE, "random larger")], ids=["small", "large"])
def test_jejak_proofs_equal_tlogs_and_go_accepts_them(go_program, memory_tree, sizes, label):
    cases = pairs(sizes, seed=len(sizes))
    leaves = memory_tree.leaves[:max(sizes)]
    heads = {t: memory_tree.head(t) for t in sizes}
    records = [memory_tree.inclusion(t, n) for t, n in cases]
    trees = [memory_tree.consistency(t, n + 1) for t, n in cases]

    assert_same_as_go(heads, records, trees, go_prove(leaves, cases, sorted(heads)), cases)

    rc, results = go_check([check_case(t, n, heads[t], leaves[n], rec, memory_tree.head(n + 1), tree)
                            for (t, n), rec, tree in zip(cases, records, trees)])
    refused = [(case, r) for case, r in zip(cases, results) if r != {"record": "ok", "tree": "ok"}]
    assert not refused, f"tlog refused Jejak proofs ({label}): {refused[:5]}"
    assert rc == 0


def flip(h: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(h))
    return h[:i] + bytes([h[i] ^ (1 << rng.randrange(8))]) + h[i + 1:]


def test_go_refuses_any_flipped_byte(go_program, memory_tree):
    """Per case, one bit flipped in the inclusion side (leaf hash or a path hash), then in the
    consistency side (old root or a proof hash), then in the new root (both must fail), then a
    proof with its last hash dropped."""
    rng = random.Random(1)
    cases = [(t, rng.randrange(t)) for t in SMALL] + [(t, rng.randrange(t)) for t in LARGE]
    sent, expected = [], []
    for t, n in cases:
        good = check_case(t, n, memory_tree.head(t), memory_tree.leaves[n], memory_tree.inclusion(t, n),
                          memory_tree.head(n + 1), memory_tree.consistency(t, n + 1))
        for side, fields in (("record", ("leaf_hash", "inclusion")), ("tree", ("old_root", "consistency"))):
            bad = json.loads(json.dumps(good))
            slots = [(fields[0], None)] + [(fields[1], i) for i in range(len(bad[fields[1]]))]
            field, i = rng.choice(slots)
            if i is None:
                bad[field] = flip(bytes.fromhex(bad[field]), rng).hex()
            else:
                bad[field][i] = flip(bytes.fromhex(bad[field][i]), rng).hex()
            sent.append(bad)
            expected.append({"record": side != "record", "tree": side != "tree"})
        bad = dict(good, root=flip(bytes.fromhex(good["root"]), rng).hex())
        sent.append(bad)
        expected.append({"record": False, "tree": False})
        for field in ("inclusion", "consistency"):
            if good[field]:
                sent.append(dict(good, **{field: good[field][:-1]}))
                expected.append({"record": field != "inclusion", "tree": field != "consistency"})

    rc, results = go_check(sent)
    got = [{side: r[side] == "ok" for side in ("record", "tree")} for r in results]
    wrong = [(case["tree_size"], case["leaf_index"], want, r)
             for case, want, r, g in zip(sent, expected, results, got) if g != want]
    assert not wrong, f"Go's verdicts on tampered proofs (size, index, expected ok, got): {wrong[:5]}"
    assert rc != 0
    assert len(sent) > 4 * len(cases)


@pytest.fixture(scope="module")
def stored_ledger(tmp_path_factory):
    """A real SQLite ledger of 1,100 events recorded in uneven batches."""
    app = Ledger(f"sqlite:///{tmp_path_factory.mktemp('interop') / 'jejak.db'}")
    rng, start = random.Random(3), 0
    while start < LEDGER_EVENTS:
        count = min(rng.choice((1, 2, 3, 7, 16, 31, 64, 129)), LEDGER_EVENTS - start)
        app.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
                    for i in range(start, start + count)], "interop", batch=True)
        start += count
    yield app
    app.close()


def test_a_stored_ledgers_proofs_equal_tlogs_and_go_accepts_them(go_program, stored_ledger):
    """StoredTree's proofs as the API serves them: every size 1..300 and random sizes up to 1,100."""
    tree = merkle.StoredTree(stored_ledger.recorder)
    leaves = [bytes(h) for (h,) in stored_ledger.recorder.query("SELECT leaf_hash FROM jejak_leaves ORDER BY position")]
    assert tree.size() == len(leaves) == LEDGER_EVENTS
    rng = random.Random(5)
    sizes = sorted({*range(1, 301), 512, 513, LEDGER_EVENTS, *rng.sample(range(301, LEDGER_EVENTS), 6)})
    cases = [(t, n) for t in sizes
             for n in sorted({0, t - 1, t // 2, *rng.sample(range(t), min(t, 6))})]
    heads = {t: tree.head(t)[1] for t in sizes}
    proofs = {(t, n): tree.inclusion(n + 1, t) for t, n in cases}
    assert all(p["leaf_hash"] == leaves[n].hex() for (t, n), p in proofs.items())
    records = [[bytes.fromhex(h) for h in proofs[c]["audit_path"]] for c in cases]
    trees = [[bytes.fromhex(h) for h in tree.consistency(n + 1, t)["proof"]] for t, n in cases]

    assert_same_as_go(heads, records, trees, go_prove(leaves, cases, sorted(heads)), cases)

    rc, results = go_check([check_case(t, n, heads[t], leaves[n], rec, tree.head(n + 1)[1], cons)
                            for (t, n), rec, cons in zip(cases, records, trees)])
    refused = [(case, r) for case, r in zip(cases, results) if r != {"record": "ok", "tree": "ok"}]
    assert not refused, f"tlog refused the stored ledger's proofs: {refused[:5]}"
    assert rc == 0
