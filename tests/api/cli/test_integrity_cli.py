"""The integrity commands as an operator and an auditor use them: exit codes and what they print."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli.integrity import checkpoint, export, verify, verify_bundle
from api.cli.signing import signing_key


@pytest.fixture
def env(ledger, database_url, tmp_path):
    ledger.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}} for i in range(6)],
                  "tester", batch=True)
    return {"JEJAK_DATABASE_URL": database_url, "JEJAK_SIGNING_KEY": str(tmp_path / "keys" / "signing.key")}


def test_an_operator_creates_a_key_signs_a_checkpoint_and_verifies(env, tmp_path):
    run = CliRunner()
    created = run.invoke(signing_key, ["create"], env=env)
    assert created.exit_code == 0 and "key id" in created.output
    again = run.invoke(signing_key, ["create"], env=env)
    assert again.exit_code == 2 and "--rotate" in again.output
    public = run.invoke(signing_key, ["public"], env=env)
    assert public.output.startswith("-----BEGIN PUBLIC KEY-----")
    signed = run.invoke(checkpoint, [], env=env)
    assert signed.exit_code == 0 and json.loads(signed.output)["tree_size"] == 6
    unanchored = run.invoke(verify, ["--json"], env=env)
    assert unanchored.exit_code == 3, unanchored.output
    answer = json.loads(unanchored.output.strip().splitlines()[-1])
    assert answer["ok"] is True and answer["anchored"] is False
    pem = tmp_path / "published.pem"
    pem.write_text(public.output)
    checked = run.invoke(verify, ["--json", "--public-key", str(pem)], env=env)
    assert checked.exit_code == 0, checked.output
    answer = json.loads(checked.output.strip().splitlines()[-1])
    assert answer["ok"] is True and answer["anchored"] is True and "tree_size 6" in answer["anchored_by"][0]


def test_an_auditor_exports_and_checks_a_bundle_with_the_published_key(env, tmp_path):
    run = CliRunner()
    run.invoke(signing_key, ["create"], env=env)
    pem = tmp_path / "jejak.pem"
    pem.write_text(run.invoke(signing_key, ["public"], env=env).output)
    bundle = tmp_path / "opd-2.zip"
    exported = run.invoke(export, ["--subject", "OPD-2", "-o", str(bundle)], env=env)
    assert exported.exit_code == 0 and "wrote 1 events" in exported.output
    checked = run.invoke(verify_bundle, [str(bundle), "--public-key", str(pem)])
    assert checked.exit_code == 0 and "valid: 1 events" in checked.output
    unpinned = run.invoke(verify_bundle, [str(bundle)])
    assert unpinned.exit_code == 3 and "valid: 1 events" in unpinned.output and "NOT ANCHORED" in unpinned.output
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    refused = run.invoke(verify_bundle, [str(bundle), "--public-key", str(garbage)])
    assert refused.exit_code == 2 and "--public-key" in refused.output and "Traceback" not in refused.output


def test_commands_without_a_key_or_with_a_bad_bundle_say_what_to_do(env, tmp_path):
    run = CliRunner()
    missing = run.invoke(checkpoint, [], env=env)
    assert missing.exit_code == 2 and "jejak signing-key create" in missing.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    bad = run.invoke(verify_bundle, [str(junk)])
    assert bad.exit_code == 2 and "not a Jejak bundle" in bad.output
    window = run.invoke(export, ["--since", "kemarin", "-o", str(tmp_path / "x.zip")], env=env)
    assert window.exit_code == 2 and "since" in window.output
