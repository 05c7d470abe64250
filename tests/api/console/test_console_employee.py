"""The console's employee pages on both backends: search, state on two date controls, what changed, the
timeline's diffs, personal fields absent for inspectors, bad input named, and the proof material."""

from __future__ import annotations

import base64
import hashlib

from api_bodies import EVALUATOR, NIP, auth, promotion
from console_client import sign_in

NIK = "1275011203850001"


def test_search_finds_an_employee_by_the_start_of_the_nip_and_by_part_of_the_name(app, seeded, tokens):
    client, _ = sign_in(app, tokens["inspector"])
    by_nip = client.get(f"/console/pegawai?q={NIP[:8]}").get_data(as_text=True)
    assert f"/console/pegawai/{NIP}" in by_nip and f"/console/pegawai/{EVALUATOR}" not in by_nip
    by_name = client.get(f"/console/pegawai?q=pegawai%20{NIP[-3:]}").get_data(as_text=True)
    assert f"/console/pegawai/{NIP}" in by_name
    assert "(0)" in client.get("/console/pegawai?q=100%25").get_data(as_text=True)  # % is a character, not a wildcard


def test_an_inspector_page_carries_no_personal_values_and_an_auditor_page_does(app, seeded, tokens):
    inspector, _ = sign_in(app, tokens["inspector"])
    page = inspector.get(f"/console/pegawai/{NIP}").get_data(as_text=True)
    assert NIK not in page and "Jl. Sudirman" not in page and "0812000000" not in page and "1985-03-12" not in page
    assert 'data-field="nik"' not in page and 'data-field="grade"' in page
    recorder = app.extensions["jejak"].ledger.recorder
    logged = recorder.query("SELECT COUNT(*) FROM jejak_access_log")[0][0]
    auditor, _ = sign_in(app, tokens["auditor"])
    page = auditor.get(f"/console/pegawai/{NIP}").get_data(as_text=True)
    assert NIK in page and 'data-field="nik"' in page
    # The auditor's page revealed personal values: the access log names the auditor, the page and the NIK.
    rows = recorder.query("SELECT principal, role, subject, route, fields FROM jejak_access_log WHERE id > ?",
                          (logged,))
    assert rows and {(r[0], r[1], r[2], r[3]) for r in rows} == {("auditor-1", "auditor", NIP, "/console/pegawai/<nip>")}
    assert "nik" in " ".join(r[4] for r in rows)


def test_the_timeline_shows_each_change_as_a_diff_with_its_sk_reason_and_the_backdating_marker(app, client, seeded,
                                                                                               tokens):
    late = promotion(NIP, "III/a", "III/b", tmt="2024-04-01")  # TMT a year before it is recorded
    late["on_behalf_of"] = EVALUATOR
    assert client.post("/v1/events", json=late, headers=auth(tokens["admin"])).status_code == 201
    auditor, _ = sign_in(app, tokens["auditor"])
    page = auditor.get(f"/console/pegawai/{NIP}").get_data(as_text=True)
    assert "<code>grade</code>: <del>III/a</del> → <ins>III/b</ins>" in page
    assert "SK 800/123/BKPSDM/2025 tgl 2025-03-20" in page and "Kenaikan pangkat reguler" in page
    assert f"a.n. Pegawai {EVALUATOR[-3:]} ({EVALUATOR})" in page
    assert 'data-backdated="' in page and 'class="backdated"' in page
    assert "promotion_two_baik_years" in page or "<code>" in page


def test_the_date_controls_show_the_state_in_effect_and_what_changed_between_two_dates(app, seeded, tokens):
    auditor, _ = sign_in(app, tokens["auditor"])
    page = auditor.get(f"/console/pegawai/{NIP}?valid_at=2015-01-01").get_data(as_text=True)
    assert '<td data-field="grade">III/a</td>' in page
    page = auditor.get(f"/console/pegawai/{NIP}?from=2015-01-01&to=2025-01-01").get_data(as_text=True)
    assert 'id="compare"' in page
    page = auditor.get(f"/console/pegawai/{NIP}?as_of=2000-01-01").get_data(as_text=True)
    assert "known on 2000-01-01" in page  # nothing was recorded yet on that day


def test_bad_dates_and_half_a_comparison_are_refused_with_400_naming_the_field(app, seeded, tokens):
    auditor, _ = sign_in(app, tokens["auditor"])
    for query, field in (("valid_at=kemarin", "valid_at"), ("as_of=2025-13-01", "as_of"), ("from=2020-01-01", "to")):
        resp = auditor.get(f"/console/pegawai/{NIP}?{query}")
        assert resp.status_code == 400 and f'data-field="{field}"' in resp.get_data(as_text=True), query
    assert auditor.get("/console/pegawai/199001012015012001").status_code == 404
    assert auditor.get("/console/pegawai?q=" + "9" * 65).status_code == 400


def test_an_inspector_may_not_replay_as_of_nor_fetch_proof_material(app, seeded, tokens):
    inspector, _ = sign_in(app, tokens["inspector"])
    resp = inspector.get(f"/console/pegawai/{NIP}?as_of=2025-01-01")
    assert resp.status_code == 403 and 'data-field="as_of"' in resp.get_data(as_text=True)
    assert inspector.get("/console/bukti/5").status_code == 403
    assert 'class="proof"' not in inspector.get(f"/console/pegawai/{NIP}").get_data(as_text=True)


def test_the_proof_material_hashes_to_the_leaf_the_tree_holds(app, services, seeded, tokens):
    from ledger.integrity.checkpoints import create_key_file

    if not services.checkpointer.key_file.exists():
        create_key_file(services.checkpointer.key_file)
    auditor, _ = sign_in(app, tokens["auditor"])
    material = auditor.get("/console/bukti/5").json
    leaf = hashlib.sha256(b"\x00" + base64.b64decode(material["canonical"])).hexdigest()
    assert leaf == material["inclusion"]["leaf_hash"] == seeded[4]["leaf_hash"]
    assert material["checkpoint"]["tree_size"] == material["inclusion"]["tree_size"] >= 5
    assert auditor.get("/console/bukti/999999").status_code == 404
