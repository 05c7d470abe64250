"""Erasing personal data keeps every proof: a complainant's contact and an intern's identity are erased;
`verify`, every inclusion and consistency proof and a bundle made before still pass, and the erased values
(plain, and their sealed bytes) are nowhere in the database files, a later backup or a later export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli.integrity import checkpoint, export, verify
from api.cli.signing import signing_key
from ledger.errors import NotFound, ValidationFailed
from ledger.integrity.tree import StoredTree
from ledger.integrity.verifier import root_from_inclusion, verify_consistency
from ledger.storage.backup import backup

SK = {"number": "100/5/BKPSDM/2026", "date": "2026-01-05"}
CONTACT = "v1:c2VhbGVkLWNvbnRhY3QtZm9yLXRoZS10ZXN0LW9ubHk="  # as the portal posts it (already sealed)
INTERN, STUDENT_NUMBER = "Rina Marlina Siregar", "NIM-2107110042"
TICKET, INTERN_ID = "LPR-7Q4K2", "MG-2026-0007"


def erasure(subject: str, fields: list[str], **data) -> dict:
    return {"type": "PersonalDataErased", "subject": subject, "legal_basis": SK,
            "reason": "Masa retensi berakhir", "data": {"fields": fields, **data}}


@pytest.fixture
def world(ledger, hr, database_url, tmp_path):
    ledger.record([hr.unit(), hr.appoint(), {
        "type": "FeedbackReceived", "subject": TICKET,
        "data": {"classification": "pengaduan", "unit": "BKPSDM", "message": "Antrian terlalu lama",
                 "anonymous": False, "contact_encrypted": CONTACT}}, {
        "type": "InternshipStarted", "subject": INTERN_ID,
        "data": {"intern_name": INTERN, "student_number": STUDENT_NUMBER, "institution": "Universitas Sumatera Utara",
                 "scheme": "MBKM", "host_unit": "BKPSDM", "supervisor": hr.NIP, "start_date": "2026-01-05",
                 "end_date": "2026-04-05"}}], "admin", batch=True)
    env = {"JEJAK_DATABASE_URL": database_url, "JEJAK_SIGNING_KEY": str(tmp_path / "signing.key"),
           "JEJAK_CONTACT_KEY": str(ledger.key_path)}
    run = CliRunner()
    assert run.invoke(signing_key, ["create"], env=env).exit_code == 0
    pem = tmp_path / "published.pem"
    pem.write_text(run.invoke(signing_key, ["public"], env=env).output)
    assert run.invoke(checkpoint, [], env=env).exit_code == 0
    return env, pem


def sealed_of(ledger, subject: str) -> list[bytes]:
    return [bytes(s) for (s,) in ledger.recorder.query("SELECT sealed FROM jejak_disclosures WHERE subject = ?",
                                                        (subject,))]


def files_of(database_url: str) -> list[Path]:
    path = Path(database_url[len("sqlite:///"):])
    return [p for p in (path, Path(f"{path}-wal")) if p.exists()]


def standalone_verify(bundle: Path, pem: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    where = tmp_path / f"verifier-{bundle.stem}"
    with zipfile.ZipFile(bundle) as z:
        z.extract("verifier.py", where)
    return subprocess.run([sys.executable, str(where / "verifier.py"), str(bundle), "--public-key", str(pem)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""}, cwd=where)


def test_erasing_a_contact_and_an_intern_identity_keeps_every_proof_and_leaves_no_trace(
        ledger, world, database_url, tmp_path):
    env, pem = world
    run = CliRunner()
    before = tmp_path / "before.zip"
    assert run.invoke(export, ["-o", str(before)], env=env).exit_code == 0
    first_size, first_root = StoredTree(ledger.recorder).head()
    secrets = sealed_of(ledger, TICKET) + sealed_of(ledger, INTERN_ID)
    assert len(secrets) == 4  # message, contact; name, student number
    erased_message = [s for s in sealed_of(ledger, TICKET)]

    receipts, _ = ledger.record([erasure(TICKET, ["data.contact_encrypted"]),
                                 erasure(INTERN_ID, ["data.intern_name", "data.student_number"])],
                                "admin", batch=True)
    kept = sealed_of(ledger, TICKET)
    gone = [s for s in secrets if s not in kept]
    assert len(gone) == 3 and len(kept) == 1 and kept[0] in erased_message  # the message stays
    assert run.invoke(checkpoint, [], env=env).exit_code == 0

    checked = run.invoke(verify, ["--json", "--public-key", str(pem)], env=env)
    answer = json.loads(checked.output.strip().splitlines()[-1])
    assert checked.exit_code == 0 and answer["ok"] and answer["anchored"] and answer["disclosures_checked"]
    tree = StoredTree(ledger.recorder)
    size, root = tree.head()
    for position in range(1, size + 1):
        proof = tree.inclusion(position, size)
        assert root_from_inclusion(proof["leaf_index"], size, bytes.fromhex(proof["leaf_hash"]),
                                   [bytes.fromhex(h) for h in proof["audit_path"]]) == root
    for first in range(0, size + 1):
        first_tree_root = tree.head(first)[1]
        proof = [bytes.fromhex(h) for h in tree.consistency(first, size)["proof"]]
        assert verify_consistency(first, size, first_tree_root, root, proof)
    assert tree.head(first_size)[1] == first_root
    old = standalone_verify(before, pem, tmp_path)
    assert old.returncode == 0, old.stdout + old.stderr

    after = tmp_path / "after.zip"
    assert run.invoke(export, ["-o", str(after)], env=env).exit_code == 0
    assert standalone_verify(after, pem, tmp_path).returncode == 0
    with zipfile.ZipFile(after) as z:
        exported = b"".join(z.read(name) for name in z.namelist())
    with zipfile.ZipFile(before) as z:
        assert CONTACT.encode() in z.read("disclosures.jsonl")  # the older bundle was made for an auditor
    copy = tmp_path / "after.backup"
    backup(database_url, copy)
    if database_url.startswith("sqlite"):
        stored = [p.read_bytes() for p in files_of(database_url)] + [copy.read_bytes()]
    else:
        dump = subprocess.run(["pg_dump", "--no-password", "-Fp", "-d", database_url], capture_output=True, check=True)
        stored = [dump.stdout]
    for blob in [*stored, exported]:
        for value in (CONTACT, INTERN, STUDENT_NUMBER):
            assert value.encode() not in blob
        for sealed in gone:
            assert sealed not in blob and sealed.hex().encode() not in blob

    docs = [ledger.event(r["event_id"]) for r in ledger.feed(0, 100) if r["subject"] in (TICKET, INTERN_ID)][:2]
    ledger.reveal(docs, lambda field: True)
    received, started = docs
    assert received["data"]["contact_encrypted"] is None and received["erased"] == ["data.contact_encrypted"]
    assert received["erased_by"] == receipts[0]["event_id"]
    assert received["erasures"]["data.contact_encrypted"]["by"] == receipts[0]["event_id"]
    assert received["data"]["message"] == "Antrian terlalu lama"
    assert started["data"]["intern_name"] is None and started["erasures"]["data.intern_name"]["by"] == receipts[1]["event_id"]


def test_an_erasure_refuses_fields_that_are_not_personal_and_events_of_another_subject(ledger, world, hr):
    other = ledger.feed(0, 10)[1]["event_id"]  # the appointment: the employee's, not the ticket's
    with pytest.raises(ValidationFailed) as refused:
        ledger.record([erasure(TICKET, ["data.contact_encrypted", "data.unit"])], "admin")
    assert refused.value.field == "data.fields[1]"
    with pytest.raises(NotFound) as unknown:
        ledger.record([erasure(TICKET, ["data.message"], event_ids=[other])], "admin")
    assert unknown.value.field == "data.event_ids[0]"
    assert sealed_of(ledger, TICKET) and len(sealed_of(ledger, INTERN_ID)) == 2  # nothing was erased


def test_verify_names_a_disclosure_swapped_with_another_and_one_deleted_outside_the_ledger(ledger, world):
    env, pem = world
    rows = ledger.recorder.query("SELECT commitment, sealed, position FROM jejak_disclosures WHERE subject = ?"
                                 " ORDER BY path", (INTERN_ID,))
    (first, first_sealed, position), (second, second_sealed, _) = rows
    swap = "UPDATE jejak_disclosures SET sealed = ? WHERE commitment = ?"
    ledger.recorder.execute_many([(swap, (bytes(second_sealed), first)), (swap, (bytes(first_sealed), second))])
    checked = CliRunner().invoke(verify, ["--json", "--public-key", str(pem)], env=env)
    answer = json.loads(checked.output.strip().splitlines()[-1])
    assert checked.exit_code == 1 and answer["first_bad_position"] == position
    assert "does not open" in answer["problems"][0]["message"]
    ledger.recorder.execute("DELETE FROM jejak_disclosures WHERE commitment = ?", (first,))
    checked = CliRunner().invoke(verify, ["--json", "--public-key", str(pem)], env=env)
    messages = [p["message"] for p in json.loads(checked.output.strip().splitlines()[-1])["problems"]]
    assert checked.exit_code == 1 and any("neither a disclosure nor an erasure" in m for m in messages)
