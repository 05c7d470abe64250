"""Our tree heads and proofs agree with an independent implementation, pymerkle (RFC 6962 mode)."""

from __future__ import annotations

import random

import pytest
from pymerkle import InmemoryTree, verify_consistency as pm_verify_consistency, verify_inclusion as pm_verify_inclusion

from ledger.integrity import tree as merkle
from ledger.integrity.leaves import leaf_hash
from ledger.integrity.verifier import root_from_inclusion, verify_consistency

MAX = 2000
RNG = random.Random(6962)
ENTRIES = [RNG.randbytes(RNG.randrange(0, 40)) for _ in range(MAX)]
EDGES = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257,
         511, 512, 513, 1023, 1024, 1025, 1999, 2000}
SIZES = sorted(EDGES | set(RNG.sample(range(1, MAX + 1), 40)))


@pytest.fixture(scope="module")
def reference():
    # disable_security=False keeps RFC 6962's 0x00 / 0x01 domain separation.
    tree = InmemoryTree(algorithm="sha256", disable_security=False)
    for entry in ENTRIES:
        tree.append_entry(entry)
    return tree


@pytest.fixture(scope="module")
def fetch():
    return merkle.list_fetch([leaf_hash(e) for e in ENTRIES])


def test_leaf_hashes_agree_with_pymerkle(reference):
    assert all(reference.get_leaf(i + 1) == leaf_hash(e) for i, e in enumerate(ENTRIES[:300]))


@pytest.mark.parametrize("size", SIZES)
def test_tree_heads_and_inclusion_proofs_agree_with_pymerkle(reference, fetch, size):
    root = merkle.tree_head(size, fetch)
    assert root == reference.get_root(size)
    for index in {0, size - 1, RNG.randrange(size), RNG.randrange(size)}:
        path = merkle.inclusion_path(index, size, fetch)
        theirs = reference.prove_inclusion(index + 1, size)
        assert [bytes.fromhex(h) for h in theirs.serialize()["path"]] == [leaf_hash(ENTRIES[index])] + path
        assert root_from_inclusion(index, size, leaf_hash(ENTRIES[index]), path) == root
        pm_verify_inclusion(leaf_hash(ENTRIES[index]), root, theirs)


@pytest.mark.parametrize("second", SIZES)
def test_consistency_proofs_agree_with_pymerkle(reference, fetch, second):
    root2 = merkle.tree_head(second, fetch)
    for first in {1, second, RNG.randrange(1, second + 1), RNG.randrange(1, second + 1)}:
        root1 = reference.get_root(first)
        assert root1 == merkle.tree_head(first, fetch)
        ours = merkle.consistency_path(first, second, fetch)
        assert verify_consistency(first, second, root1, root2, ours)
        if first < second:
            theirs = reference.prove_consistency(first, second)
            # pymerkle's proof has its own (non-RFC) layout: it must prove the same two roots we sign.
            pm_verify_consistency(root1, root2, theirs)
