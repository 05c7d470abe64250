"""Jejak's client against Jejak's witness, both real: `jejak witness` in its own process on a free port,
and checkpoints sent by `jejak checkpoint` with JEJAK_WITNESSES set (c2sp.org/tlog-witness)."""

from __future__ import annotations

import json
import socket
import subprocess
import time

import pytest
from click.testing import CliRunner

from api.cli.integrity import checkpoint, verify
from ledger.integrity import note
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file, public_pem
from ledger.integrity.witness_client import WitnessRefused, request_cosignature
from server_process import JEJAK, free_port

ORIGIN = "binjaikota.go.id/jejak-test"


@pytest.fixture
def setting(ledger, database_url, tmp_path, monkeypatch):
    """A ledger of 20 events, its signing key, and a witness process that follows it."""
    key = tmp_path / "signing.key"
    create_key_file(key)
    public = tmp_path / "published.pem"
    public.write_text(public_pem(load_key_file(key).public_key()))
    config = tmp_path / "witness.json"
    config.write_text(json.dumps({"name": "inspektorat.example/witness", "key_file": "witness.key",
                                  "state_file": "witness-state.json",
                                  "logs": [{"origin": ORIGIN, "vkey": note.vkey(ORIGIN, load_key_file(key).public_key())}]}))
    vkey = subprocess.run([JEJAK, "witness", "--config", str(config), "--init", "--print-vkey"], capture_output=True,
                          text=True, check=True).stdout.strip()
    port = free_port()
    log = open(tmp_path / "witness.log", "w")
    proc = subprocess.Popen([JEJAK, "witness", "--config", str(config), "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"jejak witness did not start:\n{(tmp_path / 'witness.log').read_text()}")
            time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    env = {"JEJAK_DATABASE_URL": database_url, "JEJAK_SIGNING_KEY": str(key), "JEJAK_LOG_ORIGIN": ORIGIN,
           "JEJAK_WITNESSES": f"{url} {vkey}"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ledger.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
                   for i in range(20)], "tester", batch=True)
    try:
        yield {"ledger": ledger, "env": env, "vkey": vkey, "url": url, "key": key, "public": public, "tmp": tmp_path}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def sign(setting) -> tuple[dict, str]:
    out = CliRunner().invoke(checkpoint, [], env=setting["env"])
    assert out.exit_code == 0, out.output
    cp = json.loads(out.output[out.output.index("{"):])
    return cp, out.output


def run_verify(setting, *args: str):
    return CliRunner().invoke(verify, ["--json", *args], env=setting["env"])


def test_the_witness_cosigns_each_checkpoint_and_verify_counts_the_quorum(setting):
    first, output = sign(setting)
    assert "witness inspektorat.example/witness: cosigned" in output
    assert first["note"].count("\u2014 ") == 2  # the log's signature and the witness's cosignature
    setting["ledger"].record([{"type": "UnitRegistered", "subject": "OPD-X", "data": {"name": "Dinas X"}}], "tester")
    second, output = sign(setting)  # old 20, with the consistency proof 20 -> 21
    assert "cosigned" in output and second["tree_size"] == 21
    witnessed = run_verify(setting, "--witness-key", setting["vkey"])
    answer = json.loads(witnessed.output.strip().splitlines()[-1])
    assert witnessed.exit_code == 0 and answer["anchored"] is True, witnessed.output
    assert answer["anchored_by"] == ["witnesses inspektorat.example/witness: tree_size 21"]
    other = note.cosigner_vkey("someone.else/witness", load_key_file(setting["key"]).public_key())
    unwitnessed = run_verify(setting, "--witness-key", other)
    assert unwitnessed.exit_code == 3, unwitnessed.output  # nobody the auditor trusts cosigned


def test_a_cut_tail_under_a_witnessed_checkpoint_fails_verify(setting):
    cp, _ = sign(setting)
    kept = setting["tmp"] / "witnessed.note"  # what an auditor fetched from GET /v1/public/checkpoint
    kept.write_text(cp["note"])
    recorder = setting["ledger"].recorder
    table = "jejak_events" if recorder.postgres else "stored_events"
    column = "notification_id" if recorder.postgres else "rowid"
    for statement in (f"DELETE FROM {table} WHERE {column} > 15", "DELETE FROM jejak_leaves WHERE position > 15",
                      "DELETE FROM jejak_checkpoints", "DELETE FROM jejak_checkpoint_notes"):
        _as_superuser(recorder, statement)
    result = run_verify(setting, "--checkpoint", str(kept), "--witness-key", setting["vkey"])
    assert result.exit_code == 1, result.output
    assert "covers 20 events, but the ledger ends at 15: events were removed" in result.output
    forged = setting["tmp"] / "forged.note"  # the insider cannot forge the witness's cosignature
    forged.write_text(note.sign_note(note.checkpoint_body(ORIGIN, 15, b"\x00" * 32), ORIGIN,
                                     load_key_file(setting["key"])))
    refused = run_verify(setting, "--checkpoint", str(forged), "--witness-key", setting["vkey"])
    assert refused.exit_code == 2 and "fewer than --quorum 1" in refused.output


def test_the_witness_refuses_a_fork_and_a_rollback_and_the_client_resends_from_its_size(setting):
    cp, _ = sign(setting)
    key = load_key_file(setting["key"])
    fork = note.sign_note(note.checkpoint_body(ORIGIN, 20, b"\x01" * 32), ORIGIN, key)
    with pytest.raises(WitnessRefused) as refused:
        request_cosignature(setting["url"], fork, 20, lambda n: [])
    assert refused.value.status == 409  # same size, another root: a fork
    rollback = note.sign_note(note.checkpoint_body(ORIGIN, 10, bytes.fromhex(cp["root_hash"])), ORIGIN, key)
    with pytest.raises(WitnessRefused) as rolled:
        request_cosignature(setting["url"], rollback, 0, lambda n: [])
    assert rolled.value.status == 409 and "cosigned size 20" in rolled.value.message  # never behind 20
    # A ledger restored from a backup taken before the last cosignature thinks the witness knows size 0:
    # the witness answers 409 with its size, and the client resends with the proof from it.
    setting["ledger"].record([{"type": "UnitRegistered", "subject": "OPD-Y", "data": {"name": "Dinas Y"}}], "tester")
    checkpointer = Checkpointer(setting["ledger"].recorder, setting["key"])
    later = checkpointer.issue()
    tree = checkpointer.tree
    lines = request_cosignature(setting["url"], checkpointer.note_of(later), 0,
                                lambda n: [bytes.fromhex(h) for h in tree.consistency(n, 21)["proof"]],
                                verifiers=[note.parse_vkey(setting["vkey"])])
    assert len(lines) == 1 and lines[0].startswith("\u2014 inspektorat.example/witness ")


def _as_superuser(recorder, statement: str) -> None:
    """Run one statement with the append-only triggers off, as a database superuser could."""
    if recorder.postgres:
        table = statement.split()[2]
        recorder.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        recorder.execute(statement)
        recorder.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        table = statement.split()[2]
        for (name,) in recorder.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                      (table,)):
            recorder.execute(f"DROP TRIGGER {name}")
        recorder.execute(statement)
