"""A checkpoint served by a real `jejak serve`, cosigned by a real `jejak witness`, opened by Go's
golang.org/x/mod/sumdb/note: the log signature with the vkey Jejak publishes, the cosignature with
the witness's cosignature/v1 key (issue 14)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import gotools
from api.keys import KeyStore
from ledger.application import Ledger

pytestmark = [pytest.mark.slow, pytest.mark.interop]
JEJAK = str(Path(sys.executable).parent / "jejak")
ORIGIN = "binjaikota.go.id/jejak-interop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict[str, str], log: Path, ready: str) -> subprocess.Popen:
    handle = open(log, "w")
    proc = subprocess.Popen([JEJAK, *args], env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(ready, timeout=1)
            return proc
        except (requests.ConnectionError, requests.Timeout):  # a loaded machine starts slowly
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{args[0]} did not start:\n{log.read_text()}")
            time.sleep(0.1)


def test_go_opens_the_checkpoint_jejak_serve_publishes_with_its_witness_cosignature(go_program, tmp_path):
    db = tmp_path / "jejak.db"
    env = {**os.environ, "JEJAK_DATABASE_URL": f"sqlite:///{db}", "JEJAK_SIGNING_KEY": str(tmp_path / "signing.key"),
           "JEJAK_LOG_ORIGIN": ORIGIN, "JEJAK_CHECKPOINT_EVERY_SECONDS": "3600"}
    subprocess.run([JEJAK, "signing-key", "create"], env=env, check=True, capture_output=True)
    log_vkey_line = subprocess.run([JEJAK, "signing-key", "public"], env=env, check=True, capture_output=True)
    assert log_vkey_line.stdout.startswith(b"-----BEGIN PUBLIC KEY-----")
    ledger = Ledger(env["JEJAK_DATABASE_URL"])
    ledger.record([{"type": "UnitRegistered", "subject": f"OPD-{i}", "data": {"name": f"Dinas {i}"}}
                   for i in range(12)], "tester", batch=True)
    ledger.close()
    store = KeyStore(env["JEJAK_DATABASE_URL"])
    token = store.create("auditor-interop", "auditor")
    store.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    procs = []
    try:
        procs.append(start(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"], env,
                           tmp_path / "serve.log", f"{base}/healthz"))
        log_vkey = requests.get(f"{base}/v1/ledger/public-key", timeout=10).json()["vkey"]
        assert log_vkey.startswith(ORIGIN + "+")
        config = tmp_path / "witness.json"
        config.write_text(json.dumps({"name": "inspektorat.example/witness", "key_file": "w.key",
                                      "state_file": "w-state.json", "logs": [{"origin": ORIGIN, "vkey": log_vkey}]}))
        witness_vkey = subprocess.run([JEJAK, "witness", "--config", str(config), "--init", "--print-vkey"],
                                      capture_output=True, text=True, check=True).stdout.strip()
        wport = free_port()
        procs.append(start(["witness", "--config", str(config), "--port", str(wport)], env,
                           tmp_path / "witness.log", f"http://127.0.0.1:{wport}/"))
        signed = subprocess.run([JEJAK, "checkpoint"], capture_output=True, text=True,
                                env={**env, "JEJAK_WITNESSES": f"http://127.0.0.1:{wport} {witness_vkey}"})
        assert signed.returncode == 0 and "cosigned" in signed.stderr, signed.stderr
        served = requests.get(f"{base}/v1/public/checkpoint", timeout=10)
        assert served.status_code == 200 and served.headers["Content-Type"] == "text/plain; charset=utf-8"
        text = served.text
        as_auditor = requests.get(f"{base}/v1/ledger/checkpoint", headers={"Authorization": f"Bearer {token}"},
                                  timeout=10).json()
        assert as_auditor["note"] == text and as_auditor["tree_size"] == 12
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)

    opened = gotools.run("note-verify", log_vkey, input=text)
    assert opened.returncode == 0, opened.stderr
    result = json.loads(opened.stdout)
    assert result["text"].startswith(f"{ORIGIN}\n12\n") and result["sigs"] == [ORIGIN]
    cosigned = gotools.run("cosig-verify", witness_vkey, input=text)
    assert cosigned.returncode == 0, cosigned.stderr
    assert "inspektorat.example/witness" in cosigned.stdout
    tampered = gotools.run("note-verify", log_vkey, input=text.replace("\n12\n", "\n13\n", 1))
    assert tampered.returncode == 1
