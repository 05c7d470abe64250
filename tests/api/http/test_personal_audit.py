"""The audit shows personal values only as the role may see them: read models keep commitments, the API
reveals them (an intern's name, a corrected NIK), and no read model row holds a plain personal value."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from api_bodies import EVALUATOR, NIP, auth

INTERN_ID, INTERN = "MG-AUDIT-1", "Putri Handayani Lubis"
NEW_NIK = "1275011203850099"


@pytest.fixture(scope="module")
def recorded(client, tokens, seeded):
    admin = auth(tokens["admin"])
    started = {"type": "InternshipStarted", "subject": INTERN_ID,
               "data": {"intern_name": INTERN, "institution": "Politeknik Negeri Medan", "scheme": "PKL",
                        "host_unit": "DINKES", "supervisor": EVALUATOR, "start_date": "2026-02-02",
                        "end_date": "2026-05-02"}}
    assert client.post("/v1/events", json=started, headers=admin).status_code == 201
    fix = {"type": "Corrected", "subject": NIP, "reason": "NIK salah ketik",
           "data": {"event_id": seeded[4]["event_id"], "fields": {"nik": NEW_NIK}}}
    assert client.post("/v1/events", json=fix, headers=admin).status_code == 201


def change(client, token, subject, field):
    rows = client.get(f"/v1/audit?subject={subject}", headers=auth(token)).json["items"]
    for row in rows:
        for i, c in enumerate(row["changes"]):
            if c["field"] == field:
                return row, i, c
    raise AssertionError(f"no change of {field} for {subject}: {rows}")


@pytest.mark.parametrize("role,shown", [("inspector", False), ("auditor", True), ("admin", True)])
def test_the_audit_reveals_an_interns_name_and_a_corrected_nik_only_to_roles_that_may_see_them(
        client, tokens, recorded, role, shown):
    row, i, named = change(client, tokens[role], INTERN_ID, "intern_name")
    assert (named["after"] == INTERN) is shown and (named["after"] is None) is not shown
    assert (f"changes[{i}].after" in row.get("masked", [])) is not shown
    row, i, nik = change(client, tokens[role], NIP, "data.nik")
    assert (nik["after"] == NEW_NIK) is shown and (nik["before"] == "1275011203850001") is shown
    assert "commitment" not in json.dumps(row)


def test_no_read_model_row_holds_a_plain_personal_value(services, recorded):
    with services.read_models().connect() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t.startswith("proj_")]
        text = " ".join(str(v) for t in tables for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row)
    for value in (INTERN, NEW_NIK, "1275011203850001", "Jl. Sudirman 1", "0812000000"):
        assert value not in text
