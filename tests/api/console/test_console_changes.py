"""Who changed what and the unit page, on both backends: the audit index by actor, subject, unit, type and
period; personal values only for auditors; a unit's budget allocated against realised; bad filters named."""

from __future__ import annotations

import pytest

from api_bodies import EVALUATOR, NIP, auth, training
from console_client import sign_in


@pytest.fixture(scope="module")
def trained(client, seeded, tokens):
    """A training of Rp 1.250.000 realised against DINKES's 2025 budget of Rp 5.000.000."""
    resp = client.post("/v1/events", json=training(NIP, 1_250_000), headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    return resp.json


def test_the_audit_form_finds_each_change_by_subject_type_actor_unit_and_period(app, tokens, trained):
    inspector, _ = sign_in(app, tokens["inspector"])
    for query in (f"subject={NIP}&type=TrainingCompleted", "actor=admin-1&type=TrainingCompleted",
                  "unit=DINKES&type=TrainingCompleted", "type=TrainingCompleted&since=2000-01-01&until=2999-12-31"):
        page = inspector.get(f"/console/perubahan?{query}").get_data(as_text=True)
        assert f'data-position="{trained["position"]}"' in page and "training_jp.2025" in page, query
    for query in (f"subject={EVALUATOR}&type=TrainingCompleted", "type=TrainingCompleted&since=2999-01-01",
                  "actor=someone-else&type=TrainingCompleted"):
        page = inspector.get(f"/console/perubahan?{query}").get_data(as_text=True)
        assert f'data-position="{trained["position"]}"' not in page and "Tidak ada perubahan" in page, query
    assert "Isi setidaknya satu saringan" in inspector.get("/console/perubahan").get_data(as_text=True)


def test_a_corrected_contact_in_the_audit_reaches_auditors_and_never_an_inspectors_page(app, client, tokens, seeded):
    appointed = seeded[4]["event_id"]
    fix = {"type": "Corrected", "subject": NIP, "reason": "Nomor kontak salah ketik",
           "data": {"event_id": appointed, "fields": {"contact": "0813777000"}}}
    resp = client.post("/v1/events", json=fix, headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    query = f"/console/perubahan?subject={NIP}&type=Corrected"
    auditor, _ = sign_in(app, tokens["auditor"])
    page = auditor.get(query).get_data(as_text=True)
    assert "data.contact" in page and "0813777000" in page
    inspector, _ = sign_in(app, tokens["inspector"])
    page = inspector.get(query).get_data(as_text=True)
    assert "data.contact" in page and "0813777000" not in page and "0812000000" not in page


def test_the_unit_page_shows_the_budget_allocated_against_realised(app, tokens, trained):
    inspector, _ = sign_in(app, tokens["inspector"])
    page = inspector.get("/console/unit/DINKES").get_data(as_text=True)
    assert 'data-year="2025"' in page and "5.000.000" in page and "1.250.000" in page and "3.750.000" in page
    assert 'value="1250000"' in page and "25.0 %" in page
    assert inspector.get("/console/unit/NOWHERE").status_code == 404


def test_bad_audit_filters_are_refused_with_400_naming_the_field(app, tokens, seeded):
    auditor, _ = sign_in(app, tokens["auditor"])
    for query, field in (("type=Everything", "type"), ("subject=%3Cx%3E", "subject"), ("on_behalf_of=12", "on_behalf_of"),
                         ("unit=%27--", "unit"), ("since=kemarin", "since"), ("before=-5", "before")):
        resp = auditor.get(f"/console/perubahan?{query}")
        assert resp.status_code == 400 and f'data-field="{field}"' in resp.get_data(as_text=True), query
