"""Evidence from the console, on both backends: an auditor's bundle of one subject (or a period) verifies
offline with the standalone verifier it carries, against the published key; the download is logged;
inspectors may not download; a missing or bad subject or period is refused by name."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from api_bodies import NIP
from console_client import sign_in


@pytest.fixture(scope="module", autouse=True)
def signing_key(tmp_path_factory):
    """The log's signing key, read from the environment when the checkpointer is first built."""
    from ledger.integrity.checkpoints import create_key_file

    key = tmp_path_factory.mktemp("evidence") / "signing.key"
    create_key_file(key)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JEJAK_SIGNING_KEY", str(key))
        yield key


def test_an_auditors_bundle_of_one_employee_verifies_offline_with_its_own_verifier(app, client, tokens, seeded,
                                                                                 tmp_path):
    auditor, _ = sign_in(app, tokens["auditor"])
    page = auditor.get("/console/bukti-audit").get_data(as_text=True)
    assert 'id="steps"' in page and "verifier.py" in page
    recorder = app.extensions["jejak"].ledger.recorder
    logged = recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0]
    resp = auditor.get(f"/console/bukti-audit/unduh?subject={NIP}")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert f"jejak-bukti-{NIP}.zip" in resp.headers["Content-Disposition"]
    bundle = tmp_path / "bukti.zip"
    bundle.write_bytes(resp.get_data())
    with zipfile.ZipFile(io.BytesIO(resp.get_data())) as z:
        names = set(z.namelist())
        (tmp_path / "verifier.py").write_bytes(z.read("verifier.py"))
        lines = z.read("events.jsonl").decode().splitlines()
    assert {"events.jsonl", "proofs.jsonl", "checkpoint.json", "verifier.py"} <= names
    assert len(lines) == 3 and all(NIP in line for line in lines)  # appointed, planned, evaluated
    (tmp_path / "kunci.pem").write_text(client.get("/v1/ledger/public-key").json["public_key"])
    done = subprocess.run([sys.executable, str(tmp_path / "verifier.py"), str(bundle), "--public-key",
                           str(tmp_path / "kunci.pem")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = recorder.query("SELECT principal, subject, route FROM jejak_access_log WHERE id > ?", (logged,))
    assert ("auditor-1", NIP, "/console/bukti-audit/unduh") in {tuple(r) for r in rows}


def test_a_period_bundle_downloads_and_inspectors_may_not_download(app, tokens, seeded):
    auditor, _ = sign_in(app, tokens["auditor"])
    resp = auditor.get("/console/bukti-audit/unduh?since=2000-01-01&until=2999-12-31")
    assert resp.status_code == 200 and resp.get_data()[:2] == b"PK"
    inspector, _ = sign_in(app, tokens["inspector"])
    for path in ("/console/bukti-audit", f"/console/bukti-audit/unduh?subject={NIP}"):
        resp = inspector.get(path)
        assert resp.status_code == 403 and 'data-field="role"' in resp.get_data(as_text=True)


def test_a_bundle_without_a_subject_or_period_or_with_a_bad_one_is_refused_by_name(app, tokens, seeded):
    auditor, _ = sign_in(app, tokens["auditor"])
    for query, status, field in (("", 400, "subject"), ("subject=%3Cx%3E", 400, "subject"),
                                 ("since=kemarin", 400, "since"), ("since=2025-02-01&until=2025-01-01", 400, "until"),
                                 ("subject=199001012015012001", 404, "subject")):
        resp = auditor.get(f"/console/bukti-audit/unduh?{query}")
        assert resp.status_code == status and f'data-field="{field}"' in resp.get_data(as_text=True), query
