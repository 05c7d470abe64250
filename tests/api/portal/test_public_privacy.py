"""No public page or endpoint shows personal data, on demo data plus a known employee and complainant.

DOMAIN.md "What may be public" (UU 14/2008 KIP art. 17(h), UU 27/2022 PDP): NIK, birth date,
address, contact, individual predikat, light and moderate sanctions, non-officials' names and
NIPs, complainants' identity and messages never leave the ledger through the portal.
"""

from __future__ import annotations

import pytest

import public_world
from public_world import PRIVATE, needles, public_paths, small_numbers
from server_process import empty_database

OFFICIAL = {"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request, tmp_path_factory):
    """`jejak demo` data, the small world on top, and the portal app, once per backend."""
    work = tmp_path_factory.mktemp("privacy")
    url = empty_database(request, work)
    public_world.load_demo(url, work)
    public_world.load(url)
    from api import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": work / "contact.key",
                      "PUBLIC_READ_RATE": "100000/60"})
    yield app.test_client()
    app.extensions["jejak"].close()


def personal_values(client) -> tuple[list[str], list[str]]:
    """From the ledger itself: every employee's protected fields and every internal-only text."""
    ledger = client.application.extensions["jejak"].ledger
    protected, tickets, after = [], [], 0
    while batch := ledger.feed(after, 1000):
        ledger.reveal(batch, lambda field: True)  # the values behind the commitments, as an auditor reads them
        for e in batch:
            d = e["data"]
            if e["type"] == "EmployeeAppointed":
                protected += [d[k] for k in ("nik", "birth_date", "address", "contact") if d.get(k)]
                if d["position"]["type"] not in OFFICIAL:
                    protected += [e["subject"], d["name"]]
            elif e["type"] == "DisciplinaryPenaltyImposed" and d["level"] != "berat":
                protected.append(d["reason"])
            elif e["type"] == "FeedbackReceived":
                tickets.append(d.get("public_number") or e["subject"])  # status pages answer public numbers only
                protected += [d["message"]] + ([d["contact_encrypted"]] if d.get("contact_encrypted") else [])
        after = batch[-1]["position"]
    return sorted(set(protected), key=len, reverse=True), tickets


def test_no_public_page_or_endpoint_shows_personal_data_or_an_individual_record(client):
    sent = client.post("/v1/public/feedback", json={
        "classification": "pengaduan", "unit": "LABKESDA", "message": PRIVATE["complainant_message"],
        "anonymous": False, "contact": PRIVATE["complainant_contact"]})
    assert sent.status_code == 201
    protected, tickets = personal_values(client)
    assert PRIVATE["nik"] in protected and len(tickets) > 6 and len(protected) > 500
    pages = {}
    for path in public_paths(client, tickets):
        resp = client.get(path)
        assert resp.status_code in (200, 404), path
        pages[path] = resp.get_data(as_text=True)
        if resp.is_json:
            assert small_numbers(resp.json) == [], path
    everything = "\n".join(pages.values()).lower()
    for needle in needles() + protected:
        if needle.lower() in everything:
            where = [p for p, text in pages.items() if needle.lower() in text.lower()]
            pytest.fail(f"{needle!r} appears in {where[:3]}")
