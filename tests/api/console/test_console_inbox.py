"""The findings inbox on both backends: red flags with filters by kind, unit and period, bad filters named."""

from __future__ import annotations

import pytest

from api_bodies import NIP, auth
from console_client import sign_in


@pytest.fixture(scope="module")
def backdated(client, seeded, tokens):
    """A post assigned with a TMT years before it is recorded: the red flag `backdated`."""
    body = {"type": "PositionAssigned", "subject": NIP, "effective_date": "2020-01-01",
            "legal_basis": {"number": "821/9/BKPSDM/2020", "date": "2019-12-20"},
            "data": {"position": {"type": "pelaksana", "title": "Analis"}, "unit": "DINKES"}}
    resp = client.post("/v1/events", json=body, headers=auth(tokens["admin"]))
    assert resp.status_code == 201, resp.json
    return resp.json


def test_the_inbox_lists_a_backdated_event_linked_to_its_row_on_the_timeline(app, tokens, backdated):
    inspector, _ = sign_in(app, tokens["inspector"])
    page = inspector.get("/console/temuan").get_data(as_text=True)
    assert 'data-kind="backdated"' in page
    assert f'href="/console/pegawai/{NIP}#p{backdated["position"]}"' in page


def test_the_filters_keep_only_the_matching_flags(app, tokens, backdated):
    auditor, _ = sign_in(app, tokens["auditor"])
    assert 'data-kind="backdated"' in auditor.get("/console/temuan?kind=backdated&unit=DINKES").get_data(as_text=True)
    for query in ("kind=self_action", "unit=BKPSDM", "since=2999-01-01", "until=2000-01-01"):
        page = auditor.get(f"/console/temuan?{query}").get_data(as_text=True)
        assert 'data-kind="backdated"' not in page and "Tidak ada temuan" in page, query


def test_bad_filters_are_refused_with_400_naming_the_field(app, tokens, backdated):
    auditor, _ = sign_in(app, tokens["auditor"])
    for query, field in (("kind=everything", "kind"), ("unit=%3Cscript%3E", "unit"), ("since=yesterday", "since"),
                         ("until=2025-02-30", "until"), ("after=-1", "after")):
        resp = auditor.get(f"/console/temuan?{query}")
        assert resp.status_code == 400 and f'data-field="{field}"' in resp.get_data(as_text=True), query
