"""Page-at-a-time inclusion proofs (whole-ledger exports) equal the one-at-a-time proofs, on both backends."""

from __future__ import annotations

import pytest

from ledger.integrity import proof_pages
from ledger.integrity.proof_pages import ProofPages
from ledger.integrity.tree import StoredTree


@pytest.fixture
def filled(ledger):
    """70 events in uneven batches, so subtrees close inside and across transactions."""
    for start, count in ((0, 5), (5, 1), (6, 13), (19, 18), (37, 33)):
        ledger.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
                       for i in range(start, start + count)], "tester", batch=True)
    return ledger


@pytest.mark.parametrize("keep_from, shared_from", [(1, 1), (3, 2), (proof_pages.KEEP_FROM, proof_pages.SHARED_FROM)])
def test_proofs_by_page_are_the_proofs_one_by_one_for_every_size_and_page_length(filled, monkeypatch, keep_from,
                                                                                  shared_from):
    monkeypatch.setattr(proof_pages, "KEEP_FROM", keep_from)  # upper-level hashes carried from page to page
    monkeypatch.setattr(proof_pages, "SHARED_FROM", shared_from)  # and shared by neighbouring leaves
    tree = StoredTree(filled.recorder)
    for size in (1, 2, 7, 16, 37, 64, 70):
        expected = {p: tree.inclusion(p, size) for p in range(1, size + 1)}
        for length in (1, 5, 16, 70):
            pages, got = ProofPages(filled.recorder, size), {}
            for start in range(1, size + 1, length):
                got.update(pages.page(list(range(start, min(start + length, size + 1)))))
            assert got == expected, (size, length)
        scattered = [1, 3, 30, size] if size >= 30 else [1, size]  # a subject's events: far apart
        assert ProofPages(filled.recorder, size).page(scattered) == {p: expected[p] for p in scattered}
