"""The inspector's guessing attack (issue 15): from what a masked event view shows, recompute its leaf
hash for every candidate NIK. Before commitments this found the NIK; now nothing reproduces the leaf."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from api_bodies import SK, auth
from ledger.application import Ledger
from ledger.integrity import leaf_hash, leaf_input

NIP = "198807212012012003"  # born 1988-07-21, female: a NIK born then reads 610788 (day + 40)
TRUE_NIK, CORRECTED_NIK = "1275016107880007", "1275016107880009"
CANDIDATES = [f"127501610788{n:04d}" for n in range(1, 51)]  # a small set that holds the true ones


def fill(template, actual):
    """The attacker's copy of the stored JSON: the template's layout, the values it believes."""
    if isinstance(template, dict) and "_type_" in template and "_data_" in template:
        return {"_type_": template["_type_"], "_data_": actual}
    if isinstance(template, dict) and isinstance(actual, dict):
        return {k: fill(template.get(k), actual.get(k)) for k in template}
    return actual


def guess_leaf(template_state: bytes, topic: str, view: dict, data: dict) -> str:
    """The leaf the view's event would have if its data were `data` (layout from Jejak's own code)."""
    state = json.loads(template_state)
    meta = {k: view.get(k, state["meta"][k]) for k in state["meta"]}
    meta["effective_date"] = view["effective_date"]
    stamp = datetime.fromisoformat(view["recorded_at"].replace("Z", "+00:00")).isoformat()
    rebuilt = {**state, "data": fill(state["data"], data), "meta": fill(state["meta"], meta),
               "timestamp": {**state["timestamp"], "_data_": stamp}}
    text = json.dumps(rebuilt, separators=(",", ":"), ensure_ascii=False)
    return leaf_hash(leaf_input(view["position"], view["stream_id"], view["version"], topic, text)).hex()


def scratch_template(tmp_path, body: dict, before: list[dict]) -> tuple[bytes, str]:
    """The attacker's own Jejak (open source) records a look-alike event: its stored layout."""
    local = Ledger(f"sqlite:///{tmp_path / 'attacker.db'}")
    try:
        receipts, _ = local.record(before + [body], "attacker", batch=True)
        note = local.recorder.select_notifications(receipts[-1]["position"], 1)[0]
        return bytes(note.state), note.topic
    finally:
        local.close()


@pytest.fixture(scope="module")
def targets(client, tokens, seeded):
    admin = auth(tokens["admin"])
    appointed = {"type": "EmployeeAppointed", "subject": NIP, "effective_date": "2012-01-01", "legal_basis": SK,
                 "data": {"employment_type": "pns", "name": "Siti Aminah", "grade": "III/a",
                          "position": {"type": "pelaksana", "title": "Staf"}, "unit": "DINKES",
                          "nik": TRUE_NIK, "birth_date": "1988-07-21"}}
    first = client.post("/v1/events", json=appointed, headers=admin).json
    corrected = {"type": "Corrected", "subject": NIP, "reason": "NIK salah ketik",
                 "data": {"event_id": first["event_id"], "fields": {"nik": CORRECTED_NIK}}}
    second = client.post("/v1/events", json=corrected, headers=admin).json
    return appointed, first["event_id"], second["event_id"]


def test_an_inspector_cannot_recompute_a_masked_nik_from_an_appointments_leaf_hash(client, tokens, targets,
                                                                                    tmp_path):
    appointed, event_id, _ = targets
    view = client.get(f"/v1/events/{event_id}", headers=auth(tokens["inspector"])).json
    assert view["data"]["nik"] is None and "data.nik" in view["masked"]
    template, topic = scratch_template(tmp_path, appointed, [{"type": "UnitRegistered", "subject": "DINKES",
                                                              "data": {"name": "Dinas"}}])
    birth_date = "1988-07-21"  # digits 1-8 of the NIP, whether the view shows it or not
    found = [nik for nik in CANDIDATES
             if guess_leaf(template, topic, view, {**view["data"], "nik": nik, "birth_date": birth_date})
             == view["leaf_hash"]]
    assert found == []
    assert "salt" not in json.dumps(view)


def test_an_inspector_cannot_recompute_a_corrected_nik_from_the_corrections_leaf_hash(client, tokens, targets,
                                                                                     tmp_path):
    appointed, original_id, correction_id = targets
    view = client.get(f"/v1/events/{correction_id}", headers=auth(tokens["inspector"])).json
    assert view["data"]["fields"]["nik"] is None and "data.fields.nik" in view["masked"]
    local_original = {**appointed, "subject": NIP}
    correction = {"type": "Corrected", "subject": NIP, "reason": view["reason"],
                  "data": {"event_id": "00000000-0000-4000-8000-000000000000", "fields": {"nik": CANDIDATES[0]}}}
    local = Ledger(f"sqlite:///{tmp_path / 'attacker.db'}")
    try:
        receipts, _ = local.record([{"type": "UnitRegistered", "subject": "DINKES", "data": {"name": "Dinas"}},
                                    local_original], "attacker", batch=True)
        correction["data"]["event_id"] = receipts[-1]["event_id"]
        done, _ = local.record([correction], "attacker")
        note = local.recorder.select_notifications(done[0]["position"], 1)[0]
        template, topic = bytes(note.state), note.topic
    finally:
        local.close()
    found = [nik for nik in CANDIDATES
             if guess_leaf(template, topic, view, {"event_id": original_id, "fields": {"nik": nik}})
             == view["leaf_hash"]]
    assert found == []
    assert "salt" not in json.dumps(view)
