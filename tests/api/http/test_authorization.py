"""The authorization matrix: every endpoint, every role and no token, exactly the allowed set."""

from __future__ import annotations

import json

import pytest

from api_bodies import auth, NIP, ROLES, unit

EVERYONE = set(ROLES)
FEEDBACK = "feedback_officer"  # the feedback desk's officers: feedback steps, tickets' history, nothing else
READERS = EVERYONE - {FEEDBACK}
STAFF = {"inspector", "auditor", "admin"}
WRITERS = {"recorder", "admin"}
PUBLIC = EVERYONE | {None}

# (endpoint, method, path template, allowed principals); {own} is an event the recorder posted,
# {other} one the admin posted, {ticket} a complaint and {ticket_event} its FeedbackReceived.
MATRIX = [
    ("post event", "POST", "/v1/events", WRITERS),
    ("post batch", "POST", "/v1/events/batch", WRITERS),
    ("post feedback step", "POST", "/v1/events", WRITERS | {FEEDBACK}),
    ("post feedback step batch", "POST", "/v1/events/batch", WRITERS | {FEEDBACK}),
    ("post step and unit batch", "POST", "/v1/events/batch", WRITERS),
    ("event types", "GET", "/v1/event-types", EVERYONE),
    ("rulebook", "GET", "/v1/rules", EVERYONE),
    ("employee state", "GET", f"/v1/employees/{NIP}", READERS),
    ("employee valid_at", "GET", f"/v1/employees/{NIP}?valid_at=2020-01-01", READERS),
    ("employee as_of", "GET", f"/v1/employees/{NIP}?as_of=2100-01-01T00:00:00Z", {"auditor", "admin"}),
    ("unit", "GET", "/v1/units/DINKES", READERS),
    ("unit as_of", "GET", "/v1/units/DINKES?as_of=2100-01-01T00:00:00Z", {"auditor", "admin"}),
    ("unit budget", "GET", "/v1/units/DINKES/budget?year=2025", READERS),
    ("roster", "GET", "/v1/employees", STAFF),
    ("history", "GET", f"/v1/employees/{NIP}/history", STAFF),
    ("feedback history", "GET", "/v1/feedback/{ticket}/history", STAFF | {FEEDBACK}),
    ("feedback event", "GET", "/v1/events/{ticket_event}", STAFF | {FEEDBACK}),
    ("someone else's event", "GET", "/v1/events/{other}", STAFF),
    ("own event", "GET", "/v1/events/{own}", READERS),
    ("feed", "GET", "/v1/feed", STAFF),
    ("audit", "GET", "/v1/audit", STAFF),
    ("flags", "GET", "/v1/audit/flags", STAFF),
    ("access log", "GET", f"/v1/access-log?subject={NIP}", {"auditor", "admin"}),
    ("health", "GET", "/healthz", PUBLIC),
    ("openapi", "GET", "/openapi.json", PUBLIC),
    ("checkpoint", "GET", "/v1/ledger/checkpoint", {"auditor", "admin"}),
    ("inclusion proof", "GET", "/v1/ledger/proof/inclusion?position=1&tree_size=3", {"auditor", "admin"}),
    ("consistency proof", "GET", "/v1/ledger/proof/consistency?first=1&second=3", {"auditor", "admin"}),
    ("export", "GET", f"/v1/ledger/export?subject={NIP}", {"auditor", "admin"}),
    ("public key", "GET", "/v1/ledger/public-key", PUBLIC),
    ("public units", "GET", "/v1/public/units", PUBLIC),
    ("public releases", "GET", "/v1/public/releases", PUBLIC),  # a unit answers 404 until a release is published
    ("portal home", "GET", "/", PUBLIC),
]
# Allowed, but this test app has no signing key: the endpoint answers 404 naming JEJAK_SIGNING_KEY.
NEEDS_SIGNING_KEY = {"checkpoint", "export"}
PRINCIPALS = [*ROLES, None]


def complaint(ticket: str) -> dict:
    return {"type": "FeedbackReceived", "subject": ticket,
            "data": {"classification": "pengaduan", "unit": "DINKES", "message": "Petugas meminta uang",
                     "anonymous": False, "contact_encrypted": "v1:c2VhbGVk"}}


@pytest.fixture(scope="module")
def events(client, tokens, seeded):
    own = client.post("/v1/events", json=unit("OWN-1"), headers=auth(tokens["recorder"])).json["event_id"]
    admin = auth(tokens["admin"])
    for principal in PRINCIPALS:  # one complaint per principal and step row, so no step is out of order
        for row in ("step", "batch", "mixed"):
            assert client.post("/v1/events", json=complaint(f"LPR-{row}-{principal}"), headers=admin).status_code == 201
    received = client.post("/v1/events", json=complaint("LPR-AUTHZ-READ"), headers=admin).json["event_id"]
    return {"own": own, "other": seeded[0]["event_id"], "ticket": "LPR-AUTHZ-READ", "ticket_event": received}


def body_for(endpoint: str, principal: str | None) -> dict | None:
    code = f"AUTHZ-{principal}"
    step = {"type": "FeedbackVerified", "data": {"note": "Lengkap"}}
    bodies = {"post event": unit(code), "post batch": {"events": [unit(code + "-B")]},
              "post feedback step": {**step, "subject": f"LPR-step-{principal}"},
              "post feedback step batch": {"events": [{**step, "subject": f"LPR-batch-{principal}"}]},
              "post step and unit batch": {"events": [{**step, "subject": f"LPR-mixed-{principal}"},
                                                      unit(code + "-M")]}}
    return bodies.get(endpoint)


@pytest.mark.parametrize("principal", PRINCIPALS, ids=[str(p) for p in PRINCIPALS])
@pytest.mark.parametrize("endpoint,method,path,allowed", MATRIX, ids=[m[0] for m in MATRIX])
def test_each_principal_reaches_exactly_the_endpoints_its_role_allows(
        client, tokens, events, endpoint, method, path, allowed, principal):
    url = path.format(**events)
    headers = auth(tokens[principal]) if principal else {}
    resp = client.open(url, method=method, headers=headers, json=body_for(endpoint, principal))
    if principal in allowed and endpoint in NEEDS_SIGNING_KEY:
        assert resp.status_code == 404 and "JEJAK_SIGNING_KEY" in resp.json["error"]["message"]
    elif principal in allowed:
        assert resp.status_code in (200, 201), (resp.status_code, resp.get_data(as_text=True)[:300])
    elif principal is None:
        assert resp.status_code == 401
        assert resp.json["error"]["code"] == "unauthenticated"
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    elif endpoint in ("someone else's event", "own event", "feedback event"):
        assert resp.status_code == 404  # recorders and feedback officers do not learn that other events exist
    else:
        assert resp.status_code == 403, resp.get_data(as_text=True)[:300]
        assert resp.json["error"]["code"] == "forbidden"


def test_a_revoked_token_is_refused_on_the_very_next_request(client, services):
    token = services.keys.create("short-lived", "inspector")
    assert client.get("/v1/event-types", headers=auth(token)).status_code == 200
    services.keys.revoke("short-lived")
    resp = client.get("/v1/event-types", headers=auth(token))
    assert resp.status_code == 401 and resp.json["error"]["code"] == "unauthenticated"


def test_tokens_are_stored_only_as_hashes(services, tokens):
    import sqlalchemy as sa

    with services.keys.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.text("SELECT * FROM api_keys")) for v in row)
    assert all(token not in stored for token in tokens.values())
    assert all(len(token) >= 43 for token in tokens.values())  # 32 random bytes, url-safe


def test_personal_fields_are_masked_for_inspectors_and_recorders_and_shown_to_auditors(client, tokens, seeded):
    for role, shown in (("recorder", False), ("inspector", False), ("auditor", True), ("admin", True)):
        state = client.get(f"/v1/employees/{NIP}", headers=auth(tokens[role])).json
        assert (state["nik"] == "1275011203850001") is shown, role
        assert (state["masked"] == []) is shown, role
        if role == "recorder":
            continue
        history = client.get(f"/v1/employees/{NIP}/history", headers=auth(tokens[role])).json["items"]
        appointed = history[0]["data"]
        assert (appointed["nik"] == "1275011203850001") is shown, role
        assert (appointed["address"] is not None) is shown, role


def test_the_principal_becomes_the_actor_of_its_events(client, tokens, services):
    receipt = client.post("/v1/events", json=unit("ACTOR-1"), headers=auth(tokens["recorder"])).json
    assert services.ledger.event(receipt["event_id"])["actor"] == "recorder-1"


# Personal fields of the seeded appointment, per role: what each sees (docs/PERSONAL_DATA.md).
PERSONAL_VALUES = {"nik": "1275011203850001", "birth_date": "1985-03-12", "address": "Jl. Sudirman 1",
                   "contact": "0812000000"}
SEES = {"recorder": set(), "inspector": {"birth_date"}, "auditor": set(PERSONAL_VALUES),
        "admin": set(PERSONAL_VALUES)}  # feedback officers read no employee at all (the matrix: 403)


@pytest.mark.parametrize("field", sorted(PERSONAL_VALUES))
@pytest.mark.parametrize("role", sorted(READERS))
def test_each_role_sees_exactly_the_personal_fields_it_may_in_state_history_event_and_feed(
        client, tokens, seeded, role, field):
    headers = auth(tokens[role])
    shown = field in SEES[role]
    value = PERSONAL_VALUES[field] if shown else None
    state = client.get(f"/v1/employees/{NIP}", headers=headers).json
    assert state[field] == value and (field in state["masked"]) is not shown
    appointed = seeded[4]["event_id"]
    event = client.get(f"/v1/events/{appointed}", headers=headers)
    if role == "recorder":  # a recorder reads only its own events: none of these
        assert event.status_code == 404
        return
    assert event.json["data"][field] == value and (f"data.{field}" in event.json.get("masked", [])) is not shown
    history = client.get(f"/v1/employees/{NIP}/history", headers=headers).json["items"]
    assert history[0]["data"][field] == value
    feed = client.get("/v1/feed?after=0&limit=10", headers=headers).json["items"]
    assert [e for e in feed if e["event_id"] == appointed][0]["data"][field] == value
    assert "salt" not in json.dumps(event.json)


def test_the_public_sees_no_personal_field(client, seeded):
    assert client.get(f"/v1/employees/{NIP}").status_code == 401
    assert client.get("/v1/feed").status_code == 401
    assert "1275011203850001" not in client.get("/v1/public/units/DINKES").get_data(as_text=True)


def test_a_disclosure_swapped_in_the_database_is_refused_not_served(client, tokens, seeded, services):
    recorder = services.ledger.recorder
    (nik_c, nik_sealed), (addr_c, addr_sealed) = [recorder.query(
        "SELECT commitment, sealed FROM jejak_disclosures WHERE subject = ? AND field = ?", (NIP, f))[0]
        for f in ("nik", "address")]
    swap = "UPDATE jejak_disclosures SET sealed = ? WHERE commitment = ?"
    recorder.execute_many([(swap, (bytes(addr_sealed), nik_c)), (swap, (bytes(nik_sealed), addr_c))])
    try:
        resp = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["auditor"]))
        assert resp.status_code == 500 and resp.json["error"]["code"] == "integrity_failed"
        assert "1275011203850001" not in resp.get_data(as_text=True)
        assert "jejak verify" in resp.json["error"]["message"]
        masked = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["inspector"]))
        assert masked.status_code == 200 and masked.json["nik"] is None  # nothing opened, nothing served
    finally:
        recorder.execute_many([(swap, (bytes(nik_sealed), nik_c)), (swap, (bytes(addr_sealed), addr_c))])
    assert client.get(f"/v1/employees/{NIP}", headers=auth(tokens["auditor"])).json["nik"] == "1275011203850001"


def test_an_inspector_reads_no_complainants_message_or_contact_and_an_auditor_does(client, tokens, seeded):
    body = {"type": "FeedbackReceived", "subject": "LPR-AUTHZ-1",
            "data": {"classification": "pengaduan", "unit": "DINKES", "message": "Petugas meminta uang",
                     "anonymous": False, "contact_encrypted": "v1:c2VhbGVk"}}
    event_id = client.post("/v1/events", json=body, headers=auth(tokens["admin"])).json["event_id"]
    for role, shown in (("inspector", False), ("auditor", True)):
        event = client.get(f"/v1/events/{event_id}", headers=auth(tokens[role])).json
        assert (event["data"]["message"] == "Petugas meminta uang") is shown, role
        assert (event["data"]["contact_encrypted"] == "v1:c2VhbGVk") is shown, role
        assert ({"data.message", "data.contact_encrypted"} <= set(event.get("masked", []))) is not shown, role
    officer = client.get(f"/v1/events/{event_id}", headers=auth(tokens[FEEDBACK])).json  # the message, not the contact
    assert officer["data"]["message"] == "Petugas meminta uang" and officer["data"]["contact_encrypted"] is None
    assert officer["masked"] == ["data.contact_encrypted"]
def test_recorders_see_what_they_need_to_post_but_not_predikat_ratings_penalties_or_training(client, tokens, seeded):
    state = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["recorder"])).json
    assert state["latest_predikat"] is None and state["annual_predikat"] is None
    assert state["active_penalties"] is None and state["training_jp"] is None and state["separation"] is None
    for kept in ("nip", "name", "employment_type", "status", "grade", "position", "unit", "version", "last_position"):
        assert state[kept] is not None, kept
    assert {"latest_predikat", "annual_predikat", "active_penalties", "training_jp", "separation"} <= set(
        state["masked"])
    inspector = client.get(f"/v1/employees/{NIP}", headers=auth(tokens["inspector"])).json
    assert inspector["latest_predikat"] == "baik" and inspector["annual_predikat"] == {"2024": "baik"}


def test_a_feedback_officer_refused_another_type_changes_nothing_and_bad_bodies_get_400_not_500(
        client, tokens, events):
    officer, auditor = auth(tokens[FEEDBACK]), auth(tokens["auditor"])
    head = client.get("/v1/feed?limit=1", headers=auditor).json["head"]
    step = {"type": "FeedbackClosed", "subject": "LPR-AUTHZ-READ", "data": {}}
    for body in ({"type": "PersonalDataErased", "subject": NIP, "data": {"fields": ["data.nik"]}},
                 {"type": "Annulled", "subject": "LPR-AUTHZ-READ", "data": {"event_id": events["ticket_event"]}}):
        resp = client.post("/v1/events", json=body, headers=officer)
        assert resp.status_code == 403 and list(resp.json["error"]["fields"]) == ["type"], body["type"]
    resp = client.post("/v1/events/batch", json={"events": [step, unit("AUTHZ-FO-X")]}, headers=officer)
    assert resp.status_code == 403 and "FeedbackVerified" in resp.json["error"]["message"]
    for bad in ([step], "x", {"events": [1]}):
        path = "/v1/events/batch" if isinstance(bad, dict) else "/v1/events"
        assert client.post(path, json=bad, headers=officer).status_code == 400, bad
    assert client.get("/v1/feed?limit=1", headers=auditor).json["head"] == head
