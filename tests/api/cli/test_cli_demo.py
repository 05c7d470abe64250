"""The operator's commands as run from a shell: demo, import, replay, against a real `jejak serve`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import requests

from server_process import JEJAK, ROOT, free_port, terminate, wait_for_health


def run(env: dict, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([JEJAK, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory):
    """`jejak demo` on a new SQLite file, then `jejak serve` on it."""
    tmp = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "JEJAK_DATABASE_URL": f"sqlite:///{tmp / 'jejak.db'}",
           "JEJAK_SIGNING_KEY": str(tmp / "signing.key"), "COLUMNS": "200"}
    out = run(env, "demo", "--employees", "200", "--years", "1", "--today", "2026-03-10")
    assert out.returncode == 0, out.stderr[-3000:]
    token = re.search(r"Admin token \(shown once, keep it\): (\S+)", out.stdout).group(1)
    port = free_port()
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([JEJAK, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(proc, base, tmp / "server.log")
        yield env, out, base, {"Authorization": f"Bearer {token}"}
    finally:
        terminate(proc)
        log.close()


def test_demo_prints_the_numbers_it_generated_and_a_working_admin_token(demo_city):
    env, out, base, headers = demo_city
    assert "EmployeeAppointed" in out.stdout and "ledger positions" in out.stdout
    roster = requests.get(f"{base}/v1/employees?limit=5", headers=headers, timeout=10)
    assert roster.status_code == 200 and len(roster.json()["items"]) == 5


def test_replay_prints_the_same_json_as_the_api(demo_city):
    env, _, base, headers = demo_city
    nip = requests.get(f"{base}/v1/employees?limit=1", headers=headers, timeout=10).json()["items"][0]["nip"]
    for query, args in [("", []), ("?valid_at=2026-01-01", ["--valid-at", "2026-01-01"]),
                        ("?as_of=2026-02-01T00:00:00Z", ["--as-of", "2026-02-01T00:00:00Z"])]:
        api = requests.get(f"{base}/v1/employees/{nip}{query}", headers=headers, timeout=10)
        out = run(env, "replay", nip, *args)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == api.json()


def test_replay_of_an_unknown_nip_fails_and_a_bad_timestamp_is_a_usage_error(demo_city):
    env = demo_city[0]
    unknown = run(env, "replay", "199001012015011999")
    assert unknown.returncode == 1 and "199001012015011999" in unknown.stderr
    assert run(env, "replay", "199001012015011999", "--as-of", "yesterday").returncode == 2


def test_demo_refuses_a_database_that_already_holds_events(demo_city):
    out = run(demo_city[0], "demo", "--employees", "200", "--years", "1")
    assert out.returncode == 2 and "already holds" in out.stderr and "--reuse" in out.stderr


def test_the_demo_ends_with_a_signed_checkpoint_of_everything_it_recorded(demo_city):
    env, out, base, headers = demo_city
    size = int(re.search(r"signed checkpoint of tree size ([\d,]+)", out.stdout).group(1).replace(",", ""))
    positions = int(re.search(r"ledger positions\s*│?\s*([\d,]+)", out.stdout).group(1).replace(",", ""))
    assert size == positions > 0


def test_a_second_make_demo_keeps_the_city_and_hands_out_a_new_working_token(demo_city):
    env, first, base, headers = demo_city
    head = requests.get(f"{base}/v1/feed?after=0&limit=1", headers=headers, timeout=10).json()["head"]
    out = run(env, "demo", "--reuse")  # what `make demo` runs
    assert out.returncode == 0, out.stderr[-3000:]
    assert "already holds" in out.stderr and "keeping them" in out.stderr
    token = re.search(r"Admin token \(shown once, keep it\): (\S+)", out.stdout).group(1)
    assert f"Bearer {token}" != headers["Authorization"]
    again = requests.get(f"{base}/v1/feed?after=0&limit=1", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert again.status_code == 200 and again.json()["head"] == head  # nothing new was generated
    checkpoint = requests.get(f"{base}/v1/ledger/checkpoint", headers=headers, timeout=10).json()
    assert checkpoint["tree_size"] == head
    assert run(env, "verify").returncode == 3  # the key file on the server vouches for nothing
    pem = Path(env["JEJAK_SIGNING_KEY"]).with_name("published.pem")
    pem.write_text(run(env, "signing-key", "public").stdout)
    assert run(env, "verify", "--public-key", str(pem)).returncode == 0


def test_import_reports_bad_lines_writes_rejects_and_a_rerun_records_nothing(demo_city, tmp_path):
    env = demo_city[0]
    good = {"type": "UnitRegistered", "subject": "UPT-PUSKESMAS-KEBUN-LADA", "data": {"name": "UPT Puskesmas"}}
    bad = {"type": "TrainingBudgetRealised", "subject": "UPT-PUSKESMAS-KEBUN-LADA",
           "data": {"year": 2026, "amount": 5_000_000}}
    file = tmp_path / "events.jsonl"
    file.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    first = run(env, "import", str(file))
    assert first.returncode == 1, first.stderr
    assert "line 2: data.amount" in first.stderr and "1 recorded" in first.stdout
    rejects = [json.loads(x) for x in (tmp_path / "events.rejects.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2] and rejects[0]["rule"] == "budget_within_allocation"
    second = run(env, "import", str(file))
    assert second.returncode == 1 and "0 recorded, 1 already recorded, 1 rejected" in second.stdout
    file.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert run(env, "import", str(file)).returncode == 0
    assert not (tmp_path / "events.rejects.jsonl").exists()
    assert run(env, "import", str(tmp_path / "missing.jsonl")).returncode == 2


def test_the_demo_names_each_release_on_stderr_as_it_audits_it_and_how_many_were_published(tmp_path):
    env = {**os.environ, "JEJAK_DATABASE_URL": f"sqlite:///{tmp_path / 'jejak.db'}",
           "JEJAK_SIGNING_KEY": str(tmp_path / "signing.key"), "COLUMNS": "200"}
    out = run(env, "demo", "--employees", "200", "--years", "1", "--today", "2026-05-10")  # R-2026-01 is due
    assert out.returncode == 0, out.stderr[-3000:]
    announced = re.findall(r"release (\d+)/(\d+): computing and auditing (R-[0-9-]+)", out.stderr)
    assert announced and [int(i) for i, _, _ in announced] == list(range(1, len(announced) + 1))
    assert {n for _, n, _ in announced} == {str(len(announced))}
    assert f"published {len(announced)} public statistics releases" in out.stderr
