"""Every event view says which provenance fields the caller asserted and which the server established."""

from __future__ import annotations

import pytest

from api_bodies import SK, auth, unit

ESTABLISHED = ["actor", "recorded_at", "position", "version", "leaf_hash", "event_id"]
CLAIMED = {"source": "portal", "on_behalf_of": "197901012005011001", "correlation_id": "siasn-sync-7",
           "legal_basis": SK, "effective_date": "2025-01-02"}


@pytest.fixture(scope="module")
def world(client, tokens):
    """A unit, a feedback a recorder posted as if from the portal, and one the portal itself took."""
    headers = auth(tokens["recorder"])
    assert client.post("/v1/events", json=unit("DINKES", "Dinas Kesehatan"), headers=headers).status_code == 201
    posing = {"type": "FeedbackReceived", "subject": "LPR-POSING-1", **CLAIMED,
              "data": {"classification": "aspirasi", "unit": "DINKES", "message": "Jam layanan", "anonymous": True,
                       "confidential": False, "channel": "portal_api"}}
    posed = client.post("/v1/events", json=posing, headers=headers)
    assert posed.status_code == 201, posed.json
    taken = client.post("/v1/public/feedback", json={"classification": "aspirasi", "unit": "DINKES",
                                                     "message": "Ruang tunggu", "anonymous": True})
    assert taken.status_code == 201, taken.json
    return {"posed": posed.json["receipts"][0] if "receipts" in posed.json else posed.json,
            "ticket": taken.json["ticket"]}


def _event(client, tokens, event_id):
    resp = client.get(f"/v1/events/{event_id}", headers=auth(tokens["auditor"]))
    assert resp.status_code == 200
    return resp.json


def test_a_recorder_posing_as_the_portal_is_shown_as_asserting_source_and_channel(client, tokens, world):
    event = _event(client, tokens, world["posed"]["event_id"])
    assert event["actor"] == "recorder-1" and event["source"] == "portal"
    assert event["provenance"] == {"established": ESTABLISHED,
                                   "asserted": ["source", "data.channel", "on_behalf_of", "correlation_id",
                                                "legal_basis", "effective_date"]}


def test_the_portals_own_submission_shows_its_source_and_channel_as_established(client, tokens, world):
    feed = client.get("/v1/feed?after=0&limit=100", headers=auth(tokens["auditor"])).json["items"]
    portal = next(e for e in feed if e["subject"] == world["ticket"])
    assert portal["source"] == "portal" and portal["data"]["channel"] == "portal_api"
    assert portal["provenance"] == {"established": [*ESTABLISHED, "source", "data.channel"], "asserted": []}


def test_an_event_with_no_claims_asserts_nothing(client, tokens, world):
    feed = client.get("/v1/feed?after=0&limit=1", headers=auth(tokens["auditor"])).json["items"]
    assert feed[0]["type"] == "UnitRegistered"
    assert feed[0]["provenance"] == {"established": ESTABLISHED, "asserted": []}


def test_the_audit_rows_carry_the_provenance_their_events_stored(client, tokens, world):
    rows = client.get("/v1/audit?limit=50", headers=auth(tokens["inspector"])).json["items"]
    feed = client.get("/v1/feed?after=0&limit=100", headers=auth(tokens["auditor"])).json["items"]
    by_position = {e["position"]: e["provenance"] for e in feed}
    assert rows and all(r["provenance"] == by_position[r["position"]] for r in rows)
    posed = next(r for r in rows if r["subject"] == "LPR-POSING-1")
    assert "source" in posed["provenance"]["asserted"] and "source" not in posed["provenance"]["established"]


def test_the_openapi_document_describes_provenance_on_events_and_audit_rows(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert "provenance" in schemas["Event"]["properties"] and "provenance" in schemas["AuditRow"]["properties"]
    assert set(schemas["Provenance"]["required"]) == {"established", "asserted"}
