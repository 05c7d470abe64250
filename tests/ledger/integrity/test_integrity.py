"""Stored tree, checkpoints, key rotation, verify and bundles on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import base64
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ledger.integrity import note
from ledger.integrity import tree as merkle
from ledger.integrity.bundle import export
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file
from ledger.errors import NotFound, ValidationFailed
from ledger.integrity.leaves import leaf_hash, leaf_input
from ledger.integrity.verifier import checkpoint_problem, load_public_key, root_from_inclusion, verify_bundle, verify_consistency
from ledger.integrity.verify import verify

ROOT = Path(__file__).resolve().parents[3]


def units(start: int, count: int) -> list[dict]:
    return [{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
            for i in range(start, start + count)]


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "jejak-signing.key"
    create_key_file(path)
    return path


@pytest.fixture
def checkpointer(ledger, key):
    return Checkpointer(ledger.recorder, key, every_events=10, every_seconds=3600)


@pytest.fixture
def filled(ledger):
    """37 events in uneven batches, so subtrees close inside and across transactions."""
    for start, count in ((0, 5), (5, 1), (6, 13), (19, 18)):
        ledger.record(units(start, count), "tester", batch=True)
    return ledger


def test_stored_tree_heads_and_proofs_equal_those_computed_from_the_leaves(filled):
    tree = merkle.StoredTree(filled.recorder)
    leaves = [bytes(h) for (h,) in filled.recorder.query("SELECT leaf_hash FROM jejak_leaves ORDER BY position")]
    reference = merkle.list_fetch(leaves)
    assert tree.size() == len(leaves) == 37
    for size in range(0, 38):
        assert tree.head(size)[1] == merkle.tree_head(size, reference)
    for size in (1, 2, 7, 8, 16, 23, 37):
        root = merkle.tree_head(size, reference)
        for position in range(1, size + 1):
            proof = tree.inclusion(position, size)
            assert proof["audit_path"] == [h.hex() for h in merkle.inclusion_path(position - 1, size, reference)]
            assert root_from_inclusion(position - 1, size, bytes.fromhex(proof["leaf_hash"]),
                                       [bytes.fromhex(h) for h in proof["audit_path"]]) == root
        for first in range(0, size + 1):
            proof = [bytes.fromhex(h) for h in tree.consistency(first, size)["proof"]]
            assert verify_consistency(first, size, merkle.tree_head(first, reference), root, proof)


def test_a_receipts_leaf_hash_is_the_hash_of_the_events_canonical_bytes(ledger):
    receipts, _ = ledger.record(units(0, 3), "tester", batch=True)
    for receipt, stored in zip(receipts, ledger.recorder.select_notifications(1, 3)):
        canonical = leaf_input(stored.id, str(stored.originator_id), stored.originator_version, stored.topic,
                               stored.state)
        assert json.loads(canonical)["position"] == receipt["position"] and b'\\"actor\\":\\"tester\\"' in canonical
        assert leaf_hash(canonical).hex() == receipt["leaf_hash"]


def test_proofs_refuse_positions_and_sizes_outside_the_tree(filled):
    tree = merkle.StoredTree(filled.recorder)
    with pytest.raises(NotFound, match="^position"):
        tree.inclusion(38)
    with pytest.raises(NotFound, match="^position"):
        tree.inclusion(9, 8)
    with pytest.raises(ValidationFailed, match="^tree_size"):
        tree.inclusion(1, 40)
    with pytest.raises(ValidationFailed, match="^first"):
        tree.consistency(9, 8)
    with pytest.raises(ValidationFailed, match="^second"):
        tree.consistency(1, 38)


def test_a_checkpoint_signs_the_contract_text_of_the_current_tree(filled, checkpointer, key):
    cp = checkpointer.issue()
    assert cp["tree_size"] == 37
    assert cp["signed_text"] == f"jejak-checkpoint/v1\n37\n{cp['root_hash']}\n{cp['issued_at']}\n"
    assert cp["root_hash"] == merkle.StoredTree(filled.recorder).head()[1].hex()
    public = load_key_file(key).public_key()
    assert checkpoint_problem(cp, {cp["key_id"]: public}) is None
    assert checkpointer.latest() == {k: v for k, v in cp.items() if k != "note"}


def test_a_checkpoint_is_also_a_c2sp_signed_note_under_the_deployments_origin(filled, key, monkeypatch):
    monkeypatch.setenv("JEJAK_LOG_ORIGIN", "example.go.id/jejak-test")
    cp = Checkpointer(filled.recorder, key).issue()
    root = base64.b64encode(bytes.fromhex(cp["root_hash"])).decode()
    assert cp["note"].startswith(f"example.go.id/jejak-test\n37\n{root}\n\n\u2014 example.go.id/jejak-test ")
    verifier = note.NoteVerifier.for_key("example.go.id/jejak-test", load_key_file(key).public_key())
    opened = note.open_note(cp["note"], [verifier])
    assert [s.name for s in opened.signatures] == ["example.go.id/jejak-test"]
    assert Checkpointer(filled.recorder, key).note_of(cp) == cp["note"]
    monkeypatch.setenv("JEJAK_LOG_ORIGIN", "has space")
    with pytest.raises(ValidationFailed, match="^JEJAK_LOG_ORIGIN"):
        Checkpointer(filled.recorder, key)


def test_checkpoints_are_signed_every_n_events_after_writes(ledger, checkpointer):
    issued = []
    for start in range(0, 28, 4):
        ledger.record(units(start, 4), "tester", batch=True)
        cp = checkpointer.maybe_issue()
        issued.append(cp["tree_size"] if cp else None)
    assert issued == [None, None, 12, None, None, 24, None]
    assert [c["tree_size"] for c in checkpointer.all()] == [12, 24]


def test_checkpoints_are_signed_after_m_seconds_even_with_few_events(ledger, key):
    checkpointer = Checkpointer(ledger.recorder, key, every_events=1000, every_seconds=1e-9)
    ledger.record(units(0, 1), "tester")
    assert checkpointer.maybe_issue()["tree_size"] == 1
    assert checkpointer.maybe_issue() is None  # nothing new to sign


def test_old_checkpoints_stay_verifiable_after_a_key_rotation(filled, checkpointer, key):
    first = checkpointer.issue()
    old_id, new_id = checkpointer.rotate()
    assert old_id == first["key_id"] and new_id != old_id
    filled.record(units(100, 3), "tester", batch=True)
    second = checkpointer.issue()
    assert second["key_id"] == new_id
    result = verify(filled.recorder, [load_key_file(key).public_key()])
    assert result.ok, result.problems
    assert set(result.trusted_keys) == {old_id, new_id} and result.checkpoints == 2


def test_verify_reports_progress_and_counts(filled, checkpointer):
    checkpointer.issue()
    seen = []
    result = verify(filled.recorder, [], lambda done, total: seen.append((done, total)))
    assert result.ok and result.events == 37 and result.first_bad_position is None
    assert seen[-1] == (37, 37)


def test_a_subject_bundle_holds_only_that_subjects_events_and_verifies_offline(filled, checkpointer, tmp_path):
    filled.record([{"type": "TrainingBudgetAllocated", "subject": "OPD-3", "data": {"year": 2025, "amount": 5}}],
                  "tester")
    path = tmp_path / "opd-3.zip"
    summary = export(filled.recorder, checkpointer, path, subject="OPD-3")
    assert summary["events"] == 2 and summary["tree_size"] == 38
    with zipfile.ZipFile(path) as z:
        lines = [json.loads(x) for x in z.read("events.jsonl").splitlines()]
        z.extractall(tmp_path / "unzipped")
    assert [e["position"] for e in lines] == [4, 38]
    assert [e["topic"] for e in lines] == ["ledger.events:UnitRegistered", "ledger.events:TrainingBudgetAllocated"]
    problems, info = verify_bundle(str(path))
    assert problems == [] and info["events"] == 2
    # The bundled verifier runs on its own, from the bundle, as an auditor would run it.
    run = subprocess.run([sys.executable, "verifier.py", str(path)], cwd=tmp_path / "unzipped",
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_time_window_bundle_and_a_bad_window_is_refused_by_name(filled, checkpointer, tmp_path):
    last = filled.feed(36, 1)[0]
    summary = export(filled.recorder, checkpointer, tmp_path / "tail.zip", since=last["recorded_at"])
    assert summary["events"] == 1
    with pytest.raises(ValidationFailed, match="^since"):
        export(filled.recorder, checkpointer, tmp_path / "bad.zip", since="yesterday")
    with pytest.raises(NotFound, match="^subject"):
        export(filled.recorder, checkpointer, tmp_path / "none.zip", subject="NOBODY")


def test_a_bundle_with_an_edited_line_fails_offline(filled, checkpointer, tmp_path):
    path, edited = tmp_path / "all.zip", tmp_path / "edited.zip"
    export(filled.recorder, checkpointer, path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(edited, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "events.jsonl":
                data = data.replace(b"Dinas 30", b"Dinas 31", 1)
            dst.writestr(item, data)
    problems, _ = verify_bundle(str(edited))
    assert len(problems) == 1 and problems[0].startswith("position 31 ")


def test_the_offline_verifier_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse((ROOT / "ledger" / "integrity" / "verifier.py").read_text())
    modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert modules - set(sys.stdlib_module_names) == {"cryptography"}


def test_a_key_file_that_is_not_ed25519_is_refused_by_name(tmp_path):
    path = tmp_path / "bad.key"
    path.write_text("not a key")
    with pytest.raises(ValueError):
        load_key_file(path)
    with pytest.raises(NotFound, match="^JEJAK_SIGNING_KEY"):
        load_key_file(tmp_path / "missing.key")
    with pytest.raises(ValueError):
        load_public_key(b"nope")


def test_a_periodic_checkpoint_that_cannot_be_signed_never_fails_the_write(ledger, tmp_path, caplog):
    broken = tmp_path / "broken.key"
    broken.write_text("not a key")
    checkpointer = Checkpointer(ledger.recorder, broken, every_events=1)
    ledger.record(units(0, 2), "tester", batch=True)
    assert checkpointer.maybe_issue() is None
    assert "periodic checkpoint not signed" in caplog.text
    assert checkpointer.all() == [] and ledger.head() == 2
