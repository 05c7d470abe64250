"""Merkle hashing and RFC 9162 proofs agree with the published reference vectors.

Vectors: transparency-dev/merkle (the RFC 6962 reference used by Trillian and Go's
sumdb), files `testonly/constants.go` (leaf inputs, complete-subtree hashes, roots
for sizes 0..8) and `proof/verify_test.go` (inclusion and consistency proofs),
https://github.com/transparency-dev/merkle. Their inclusion vectors count leaves
from 1; ours from 0.
"""

from __future__ import annotations

import pytest

from ledger.integrity import tree as merkle
from ledger.integrity.leaves import leaf_hash, node_hash
from ledger.integrity.verifier import EMPTY_ROOT, root_from_inclusion, verify_consistency

LEAF_INPUTS = [bytes.fromhex(h) for h in
               ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
LEVEL0 = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
          "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"]
LEVEL1 = ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"]
LEVEL2 = ["d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]
ROOTS = ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
# (leaf, 1-based as in the source; size; audit path)
INCLUSION = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
LEAVES = [leaf_hash(x) for x in LEAF_INPUTS]
FETCH = merkle.list_fetch(LEAVES)


def test_leaf_and_complete_subtree_hashes_match_the_reference_vectors():
    assert [h.hex() for h in LEAVES] == LEVEL0
    assert [node_hash(LEAVES[2 * i], LEAVES[2 * i + 1]).hex() for i in range(4)] == LEVEL1
    assert [h.hex() for h in FETCH([(2, 0), (2, 1)]).values()] == LEVEL2


@pytest.mark.parametrize("size", range(9))
def test_tree_head_of_every_size_matches_the_reference_root(size):
    assert merkle.tree_head(size, merkle.list_fetch(LEAVES[:size])).hex() == ROOTS[size]


def test_the_empty_tree_root_is_the_hash_of_the_empty_string():
    assert EMPTY_ROOT.hex() == ROOTS[0]


@pytest.mark.parametrize("leaf, size, path", INCLUSION)
def test_inclusion_proofs_match_the_reference_and_verify(leaf, size, path):
    got = merkle.inclusion_path(leaf - 1, size, FETCH)
    assert [h.hex() for h in got] == path
    assert root_from_inclusion(leaf - 1, size, LEAVES[leaf - 1], got).hex() == ROOTS[size]


@pytest.mark.parametrize("first, second, proof", CONSISTENCY)
def test_consistency_proofs_match_the_reference_and_verify(first, second, proof):
    got = merkle.consistency_path(first, second, FETCH)
    assert [h.hex() for h in got] == proof
    roots = [bytes.fromhex(r) for r in ROOTS]
    assert verify_consistency(first, second, roots[first], roots[second], got)


@pytest.mark.parametrize("leaf, size, path", [v for v in INCLUSION if v[2]])
def test_a_corrupted_inclusion_proof_does_not_verify(leaf, size, path):
    proof = [bytes.fromhex(h) for h in path]
    root = bytes.fromhex(ROOTS[size])
    index = leaf - 1
    assert root_from_inclusion(index, size, LEAVES[index], proof) == root
    probes = [(index ^ 1, size, LEAVES[index], proof), (index, size * 2, LEAVES[index], proof),
              (index, size, leaf_hash(b"wrong"), proof), (index, size, LEAVES[index], proof[:-1]),
              (index, size, LEAVES[index], proof + [root]), (index, size, LEAVES[index], [root] + proof)]
    for i in range(len(proof)):
        flipped = bytearray(proof[i])
        flipped[0] ^= 8
        probes.append((index, size, LEAVES[index], proof[:i] + [bytes(flipped)] + proof[i + 1:]))
    for probe in probes:
        assert root_from_inclusion(*probe) != root


@pytest.mark.parametrize("first, second, proof", [v for v in CONSISTENCY if v[2]])
def test_a_corrupted_consistency_proof_does_not_verify(first, second, proof):
    roots = [bytes.fromhex(r) for r in ROOTS]
    p = [bytes.fromhex(h) for h in proof]
    r1, r2 = roots[first], roots[second]
    probes = [(first - 1, second, r1, r2, p), (first + 1, second, r1, r2, p), (first, second * 2, r1, r2, p),
              (first, second, r2, r1, p), (first, second, r1, r2, []), (first, second, r1, r2, p[:-1]),
              (first, second, r1, r2, p + [r1]), (first, second, r1, r2, [p[0]] + p)]
    for i in range(len(p)):
        flipped = bytearray(p[i])
        flipped[0] ^= 16
        probes.append((first, second, r1, r2, p[:i] + [bytes(flipped)] + p[i + 1:]))
    for probe in probes:
        assert not verify_consistency(*probe)


def test_trivial_consistency_cases_follow_the_reference():
    some, other = leaf_hash(b"a"), leaf_hash(b"b")
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(1, 1, some, some, [])
    assert not verify_consistency(1, 1, some, other, [])
    assert not verify_consistency(2, 1, some, other, [])
    assert not verify_consistency(1, 2, some, other, [])
    assert not verify_consistency(1, 1, some, some, [EMPTY_ROOT])


def test_the_frontier_gives_every_root_and_closes_each_complete_subtree_once():
    frontier, closed = merkle.Frontier(), []
    for size, leaf in enumerate(LEAVES, start=1):
        closed += frontier.append(leaf)
        assert frontier.root().hex() == ROOTS[size]
    assert [(lv, i, h.hex()) for lv, i, h in closed if lv == 1] == [(1, i, h) for i, h in enumerate(LEVEL1)]
    assert [(lv, i) for lv, i, _ in closed] == [(1, 0), (1, 1), (2, 0), (1, 2), (1, 3), (2, 1), (3, 0)]


def test_a_frontier_fed_whole_subtrees_equals_one_fed_their_leaves():
    """verify rebuilds a page level by level and pushes the page's subtrees: the same frontier."""
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(4096 + 4096 + 37)]
    one_by_one, whole = merkle.Frontier(), merkle.Frontier()
    closed_one = [c for leaf in leaves for c in one_by_one.append(leaf) if c[0] > 12]
    fetch = merkle.list_fetch(leaves)
    closed_whole = []
    for lo, hi in [(0, 4096), (4096, 8192), (8192, len(leaves))]:
        for level, idx in merkle.subtrees(lo, hi):
            closed_whole += whole.push(level, fetch([(level, idx)])[(level, idx)])
    assert closed_whole == closed_one and whole.stack == one_by_one.stack and whole.size == one_by_one.size
    assert whole.root() == merkle.tree_head(len(leaves), fetch)
    with pytest.raises(AssertionError):
        whole.push(3, leaves[0])  # 8229 leaves: a subtree of 8 cannot start there


@pytest.mark.parametrize("text", ['{"meta":{"event_id":"e"}}', ' {"meta":{"event_id":"e"}}\n', '{"meta":{"event_id":"a",'
                                  '"event_id":"b"}}', '{"meta":{"event_id":1}}', '{"meta":5}', '[1]', '"s"', 'NaN',
                                  '{"a":1}{"b":2}', '\ufeff{}', '{"meta":', '', 'nul'])
def test_the_stored_event_id_is_what_json_loads_reads(text):
    """stored_event_id scans with json's C scanner: its answer, and its error, are json.loads's own."""
    import json

    from ledger.integrity.leaves import stored_event_id

    try:
        body = json.loads(text)
        meta = body.get("meta") if isinstance(body, dict) else None
        expected = meta.get("event_id") if isinstance(meta, dict) else None
    except ValueError as exc:
        with pytest.raises(type(exc), match=__import__("re").escape(str(exc))):
            stored_event_id(text)
        return
    assert stored_event_id(text) == expected
