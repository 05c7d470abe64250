"""The integrity endpoints, checked the way an auditor would: against the published key."""

from __future__ import annotations

import io
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.integrity.checkpoints import create_key_file
from ledger.integrity.verifier import (checkpoint_problem, key_id, load_public_key, root_from_inclusion, verify_bundle,
                             verify_consistency)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def units(start: int, count: int) -> list[dict]:
    return [{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
            for i in range(start, start + count)]


@pytest.fixture
def api(database_url, tmp_path, monkeypatch):
    """An app signing a checkpoint every 5 events, with an admin, an auditor and an inspector."""
    from api import create_app

    key = tmp_path / "jejak-signing.key"
    create_key_file(key)
    monkeypatch.setenv("JEJAK_SIGNING_KEY", str(key))
    monkeypatch.setenv("JEJAK_CHECKPOINT_EVERY_EVENTS", "5")
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    services = app.extensions["jejak"]
    tokens = {role: services.keys.create(f"{role}-1", role) for role in ("admin", "auditor", "inspector")}
    yield app.test_client(), tokens, tmp_path
    services.close()


def post(client, tokens, bodies):
    resp = client.post("/v1/events/batch", json={"events": bodies}, headers=bearer(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    return resp.json["receipts"]


def published_keys(client) -> dict[str, Ed25519PublicKey]:
    resp = client.get("/v1/ledger/public-key")  # public: no token
    assert resp.status_code == 200
    keys = {k["key_id"]: load_public_key(k["public_key"].encode()) for k in resp.json["items"]}
    assert all(key_id(k) == kid for kid, k in keys.items())
    return keys


def test_an_auditor_proves_a_receipt_against_a_signed_checkpoint(api):
    client, tokens, _ = api
    receipts = post(client, tokens, units(0, 7))
    cp = client.get("/v1/ledger/checkpoint", headers=bearer(tokens["auditor"])).json
    assert cp["tree_size"] == 7  # signed after the write, since 7 >= 5 events
    assert checkpoint_problem(cp, published_keys(client)) is None
    receipt = receipts[3]
    proof = client.get(f"/v1/ledger/proof/inclusion?position={receipt['position']}&tree_size={cp['tree_size']}",
                       headers=bearer(tokens["auditor"])).json
    assert proof["leaf_hash"] == receipt["leaf_hash"] and proof["leaf_index"] == receipt["position"] - 1
    assert root_from_inclusion(proof["leaf_index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]),
                               [bytes.fromhex(h) for h in proof["audit_path"]]).hex() == cp["root_hash"]


def test_consecutive_checkpoints_are_proven_consistent(api):
    client, tokens, _ = api
    post(client, tokens, units(0, 6))
    first = client.get("/v1/ledger/checkpoint", headers=bearer(tokens["auditor"])).json
    post(client, tokens, units(6, 7))
    second = client.get("/v1/ledger/checkpoint", headers=bearer(tokens["auditor"])).json
    assert (first["tree_size"], second["tree_size"]) == (6, 13)
    proof = client.get(f"/v1/ledger/proof/consistency?first=6&second=13", headers=bearer(tokens["auditor"])).json
    assert proof["first"] == 6 and proof["second"] == 13
    assert verify_consistency(6, 13, bytes.fromhex(first["root_hash"]), bytes.fromhex(second["root_hash"]),
                              [bytes.fromhex(h) for h in proof["proof"]])


def test_proofs_need_an_auditor_and_name_bad_parameters(api):
    client, tokens, _ = api
    post(client, tokens, units(0, 3))
    assert client.get("/v1/ledger/checkpoint").status_code == 401
    assert client.get("/v1/ledger/checkpoint", headers=bearer(tokens["inspector"])).status_code == 403
    auditor = bearer(tokens["auditor"])
    bad = client.get("/v1/ledger/proof/inclusion?position=abc", headers=auditor)
    assert bad.status_code == 400 and "position" in bad.json["error"]["fields"]
    missing = client.get("/v1/ledger/proof/inclusion?position=99", headers=auditor)
    assert missing.status_code == 404 and missing.json["error"]["message"].startswith("position")
    too_big = client.get("/v1/ledger/proof/consistency?first=1&second=99", headers=auditor)
    assert too_big.status_code == 400 and too_big.json["error"]["message"].startswith("second")
    assert client.get("/v1/ledger/proof/consistency", headers=auditor).status_code == 400


def test_an_auditor_downloads_a_bundle_that_verifies_offline(api):
    client, tokens, tmp_path = api
    post(client, tokens, units(0, 4))
    resp = client.get("/v1/ledger/export?subject=OPD-2", headers=bearer(tokens["auditor"]))
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    path = tmp_path / "bundle.zip"
    path.write_bytes(resp.data)
    assert set(zipfile.ZipFile(io.BytesIO(resp.data)).namelist()) >= {"events.jsonl", "proofs.jsonl",
                                                                       "checkpoint.json", "public-key.pem"}
    pem = client.get("/v1/ledger/public-key").json["public_key"].encode()
    problems, summary = verify_bundle(str(path), pem)
    assert problems == [] and summary["events"] == 1


def test_the_openapi_document_describes_the_integrity_endpoints(api):
    client, _, _ = api
    paths = client.get("/openapi.json").json["paths"]
    assert {"/v1/ledger/checkpoint", "/v1/ledger/proof/inclusion", "/v1/ledger/proof/consistency",
            "/v1/ledger/public-key", "/v1/ledger/export"} <= set(paths)


def test_a_whole_ledger_export_is_sent_page_by_page_while_it_is_made_and_verifies_offline(api):
    from ledger.integrity import bundle

    client, tokens, tmp_path = api
    for start in range(0, 2500, 500):
        client.post("/v1/events/batch", json={"events": units(start, 500)}, headers=bearer(tokens["admin"]))
    client.post("/v1/events/batch", json={"events": units(2500, 5)}, headers=bearer(tokens["admin"]))  # a checkpoint
    resp = client.get("/v1/ledger/export", headers=bearer(tokens["auditor"]), buffered=False)
    assert resp.status_code == 200 and resp.mimetype == "application/zip" and resp.is_streamed
    assert resp.headers.get("Content-Length") is None
    chunks = [c for c in resp.response if c]
    resp.close()
    tree_size = int(client.get("/v1/ledger/checkpoint", headers=bearer(tokens["auditor"])).json["tree_size"])
    assert len(chunks) >= tree_size // bundle.PAGE, "the bundle came in one piece: it was built before it was sent"
    path = tmp_path / "whole.zip"
    path.write_bytes(b"".join(chunks))
    pem = client.get("/v1/ledger/public-key").json["public_key"].encode()
    problems, summary = verify_bundle(str(path), pem)
    assert problems == [] and summary["events"] == tree_size >= 2500


def test_an_export_refused_before_its_first_byte_is_a_clear_error(api):
    client, tokens, _ = api
    post(client, tokens, units(0, 5))
    resp = client.get("/v1/ledger/export?subject=NO-SUCH-UNIT", headers=bearer(tokens["auditor"]))
    assert resp.status_code == 404 and list(resp.json["error"]["fields"]) == ["subject"]
