"""`jejak verify --projections`: an edited read-model row (an audit row's actor, a deleted red flag) is found,
on both backends, by rebuilding every read model from the events beside the live ones (issue 14)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import projection_support as s
from api.cli.integrity import verify
from ledger.integrity.checkpoints import Checkpointer, create_key_file, load_key_file, public_pem
from projections.runner import Projections

NIP = s.nip(1)


@pytest.fixture
def served(ledger, database_url, tmp_path):
    """A unit and an employee appointed with a TMT long past (a `backdated` red flag), read models caught up."""
    s.record(ledger, s.unit("DINKES"))
    s.record(ledger, s.appoint(NIP, "DINKES"))
    projections = Projections(database_url)
    projections.catch_up(ledger)
    key = tmp_path / "signing.key"
    create_key_file(key)
    Checkpointer(ledger.recorder, key).issue()
    pem = tmp_path / "published.pem"
    pem.write_text(public_pem(load_key_file(key).public_key()))
    env = {"JEJAK_DATABASE_URL": database_url, "JEJAK_SIGNING_KEY": str(key)}
    yield projections, env, pem
    projections.close()


def run(env, pem):
    out = CliRunner().invoke(verify, ["--projections", "--json", "--public-key", str(pem)], env=env)
    return out.exit_code, json.loads(out.output.strip().splitlines()[-1]), out.output


def test_untouched_read_models_equal_their_rebuild(served):
    projections, env, pem = served
    code, answer, output = run(env, pem)
    assert code == 0 and answer["read_model_problems"] == [], output


def test_an_audit_rows_changed_actor_and_a_deleted_red_flag_are_named(served):
    projections, env, pem = served
    with projections.engine.begin() as conn:
        flags = conn.exec_driver_sql("SELECT id, kind FROM proj_flag").all()
        assert [k for _, k in flags] == ["backdated"]
        conn.exec_driver_sql("UPDATE proj_audit SET actor = 'someone-else' WHERE position = 2")
        conn.exec_driver_sql("DELETE FROM proj_flag")
    code, answer, output = run(env, pem)
    assert code == 1, output
    assert answer["ok"] is False and answer["problems"] == []  # the events themselves are intact
    problems = answer["read_model_problems"]
    assert any(p.startswith("read model proj_audit row position=2: actor 'someone-else' (events say "
                            "'bkpsdm-clerk')") for p in problems), problems
    assert any(p.startswith(f"read model proj_flag row id={flags[0][0]!r}: the events give it, but the live table "
                            "lacks it") for p in problems), problems
    plain = CliRunner().invoke(verify, ["--projections", "--public-key", str(pem)], env=env)
    assert plain.exit_code == 1 and "READ MODELS DIFFER" in plain.output
