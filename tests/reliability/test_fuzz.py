"""Fuzz: hypothesis bodies from the served catalogue through the API, on both backends.

Valid bodies (every field inside its declared type) are recorded (201, read back exactly as
posted) or refused by a domain rule (404 / 409 / 422), never 400 (the served schema and the
validator would disagree) and never 5xx. A body with exactly one field broken is refused with
400 naming that field. Every refused request leaves the ledger's last position unchanged;
at the end the feed holds every receipt exactly once, with no gap, and the read models catch up.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


from api_bodies import EVALUATOR, NIP, auth, world  # noqa: E402
from fuzz_bodies import fresh_nip, mutate, strategy  # noqa: E402
from reliability_report import record  # noqa: E402
from server_process import empty_database, serving  # noqa: E402

EXAMPLES_SINGLE, EXAMPLES_BATCH, EXAMPLES_LIVE = 400, 60, 80
DOMAIN_REFUSALS = {404, 409, 422}
PROVENANCE = ("effective_date", "legal_basis", "reason", "on_behalf_of", "correlation_id", "source")


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


INTERN, TICKET = "MAG-2025-001", "LPR-2025-0001"
SEED_EXTRA = [
    {"type": "InternshipStarted", "subject": INTERN,
     "data": {"intern_name": "Siti Aminah", "institution": "Universitas Sumatera Utara", "scheme": "magang_mbkm",
              "host_unit": "DINKES", "supervisor": EVALUATOR, "start_date": "2025-02-03", "end_date": "2025-06-27"}},
    {"type": "FeedbackReceived", "subject": TICKET,
     "data": {"classification": "pengaduan", "unit": "DINKES", "message": "Antrian puskesmas terlalu lama",
              "anonymous": True}},
]


# A release's content is the publisher's canonical JSON of up to 4 MB (ledger/release.py checks it byte for
# byte; tests/ledger/test_release_events.py): a text just over that limit is more than hypothesis can draw.
NOT_DRAWN = ("PublicReleasePublished",)


class Fuzz:
    """The catalogue and the seeded world the bodies draw on, and what the run counted.

    Generation depends only on the draws and on the seeded world, never on what earlier
    examples recorded: hypothesis replays and shrinks a failure only if its draws are stable.
    """

    def __init__(self, catalogue: list[dict[str, Any]], seeded: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        self.types = {t["type"]: t for t in catalogue}
        self.subjects: dict[str, list[str]] = {"employee": [], "unit": [], "internship": [], "feedback": []}
        self.originals: dict[str, tuple[str, str]] = {}  # event_id -> (type, subject): events to fix
        for body, receipt in seeded:
            stream = self.types[body["type"]]["stream"]
            if body["subject"] not in self.subjects[stream]:
                self.subjects[stream].append(body["subject"])
            self.originals[receipt["event_id"]] = (body["type"], body["subject"])
        self.annulled: set[str] = set()
        self.receipts = [r for _, r in seeded]
        self.counts: Counter[str] = Counter()

    def known(self) -> dict[str, list[Any]]:
        return {"event_ids": sorted(self.originals), "nips": [EVALUATOR, NIP]}

    def subject(self, draw: Any, type_: str) -> str:
        item = self.types[type_]
        stream, creates = item["stream"], type_ in ("EmployeeAppointed", "UnitRegistered",
                                                    "InternshipStarted", "FeedbackReceived", "FindingReviewed")
        generic = strategy(item["schema"]["properties"]["subject"])
        if stream == "employee" and creates:
            return fresh_nip(draw)
        if creates:
            return draw(generic)
        if stream == "any":  # an erasure names the subject of any stream
            return draw(st.one_of(st.sampled_from(sorted(s for kind in self.subjects.values() for s in kind)), generic))
        return draw(st.one_of(st.sampled_from(self.subjects[stream]), generic))

    def valid(self, draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """(body, the schema it satisfies) for a type drawn from the catalogue."""
        type_ = draw(st.sampled_from(sorted(t for t in self.types if t not in NOT_DRAWN)))
        schema = self.types[type_]["schema"]
        if type_ in ("Corrected", "Annulled"):
            return self.fix(draw, type_, schema)
        body = draw(strategy(schema, known=self.known()))
        body["subject"] = self.subject(draw, type_)
        if "expected_version" in body and draw(st.integers(0, 3)):  # mostly stale: 409, so keep it rarer
            del body["expected_version"]
        return body, schema

    def fix(self, draw: Any, type_: str, schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A correction or annulment of a seeded event, its fields typed by the original's type."""
        target = draw(st.sampled_from(sorted(self.originals)))
        original_type, subject = self.originals[target]
        body = draw(strategy({**schema, "properties": {**schema["properties"], "data": {"type": "object"}}},
                             known=self.known()))
        body.update(subject=subject, data={"event_id": target})
        schema = dict(schema)
        if type_ == "Corrected":
            props = dict(self.types[original_type]["schema"]["properties"]["data"]["properties"])
            props["effective_date"] = {"type": "string", "format": "date"}
            names = draw(st.lists(st.sampled_from(sorted(props)), min_size=1, max_size=3, unique=True))
            fields_schema = {"type": "object", "properties": {n: props[n] for n in names}, "required": names,
                             "additionalProperties": False}
            body["data"]["fields"] = draw(strategy(fields_schema, known=self.known()))
            fields_schema["required"] = []  # dropping one is no break: `fields` stays an object of fields
            schema["properties"] = {**schema["properties"], "data": {
                "type": "object", "required": ["event_id", "fields"], "additionalProperties": False,
                "properties": {"event_id": schema["properties"]["data"]["properties"]["event_id"],
                               "fields": fields_schema}}}
        return body, schema

    def recorded(self, body: dict[str, Any], receipt: dict[str, Any]) -> None:
        self.receipts.append(receipt)
        if body["type"] == "Annulled":
            self.annulled.add(body["data"]["event_id"])

    def fixes_annulled(self, body: dict[str, Any]) -> bool:
        """A fix whose target this run already annulled: refused by rule before its fields are read."""
        return body.get("type") in ("Corrected", "Annulled") and isinstance(body.get("data"), dict) \
            and body["data"].get("event_id") in self.annulled

    def read_late(self, body: dict[str, Any], field: str) -> bool:
        """A broken corrected value is read only after the stream's own checks (expected_version, the
        target still standing), since it is typed by the original; one of those may refuse first."""
        return field.startswith("data.fields.") and ("expected_version" in body or self.fixes_annulled(body))


def check_round_trip(client: Any, headers: dict[str, str], body: dict[str, Any], receipt: dict[str, Any]) -> None:
    """A recorded event reads back with exactly the data and provenance that were posted."""
    got = client.get(f"/v1/events/{receipt['event_id']}", headers=headers)
    assert got.status_code == 200, got.json
    event = got.json
    assert (event["type"], event["subject"], event["position"]) == (body["type"], body["subject"],
                                                                    receipt["position"])
    if body["type"] != "Corrected":  # corrected values are stored typed, e.g. dates
        # A ticket's random public number is the ledger's, added when the caller gave none (issue 16).
        data = {k: v for k, v in event["data"].items() if k != "public_number" or k in body["data"]}
        assert data == body["data"], (event["data"], body["data"])
    for name in PROVENANCE:
        assert event[name] == body.get(name), (name, event[name], body.get(name))


@pytest.fixture
def app(database_url):
    from api import create_app

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield app
    app.extensions["jejak"].close()


def seeded_fuzz(app: Any) -> tuple[Any, dict[str, str], Fuzz]:
    svc, client = app.extensions["jejak"], app.test_client()
    admin = auth(svc.keys.create("fuzz-admin", "admin"))
    bodies = world() + SEED_EXTRA
    seeded = client.post("/v1/events/batch", json={"events": bodies}, headers=admin)
    assert seeded.status_code == 201, seeded.json
    catalogue = client.get("/v1/event-types", headers=admin).json["items"]
    return client, admin, Fuzz(catalogue, list(zip(bodies, seeded.json["receipts"])))


def test_generated_events_are_recorded_or_refused_by_name_and_a_refusal_changes_nothing(app):
    svc = app.extensions["jejak"]
    client, admin, fuzz = seeded_fuzz(app)
    counts = fuzz.counts

    @given(data=st.data(), broken=st.booleans())
    @settings(max_examples=EXAMPLES_SINGLE, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def one_event(data, broken):
        body, schema = fuzz.valid(data.draw)
        field, how = None, None
        if broken:
            body, field, how = mutate(data.draw, body, schema)
        head = svc.ledger.head()
        resp = client.post("/v1/events", json=body, headers=admin)
        counts["requests"] += 1
        counts[f"status {resp.status_code}"] += 1
        assert resp.status_code < 500, (resp.status_code, resp.json, body)
        if broken and resp.status_code != 400 and fuzz.read_late(body, field):
            assert resp.status_code in DOMAIN_REFUSALS, resp.json
        elif broken:
            assert resp.status_code == 400, (how, field, resp.status_code, resp.json, body)
            assert resp.json["error"]["code"] == "validation_failed", resp.json
            assert field in resp.json["error"]["fields"] or resp.json["error"]["message"].startswith(f"{field}:"), \
                (how, field, resp.json)
        elif resp.status_code != 201:
            assert resp.status_code in DOMAIN_REFUSALS, (resp.status_code, resp.json, body)
        if resp.status_code != 201:
            assert svc.ledger.head() == head, (resp.json, body)
            return
        assert svc.ledger.head() >= head + 1
        fuzz.recorded(body, resp.json)
        check_round_trip(client, admin, body, resp.json)

    try:
        one_event()
    finally:
        tally(svc, client, admin, fuzz, "fuzz events")
    assert counts["status 201"] >= 10, counts  # the run records, not only refuses


def test_a_batch_with_one_broken_event_names_its_index_and_records_none(app):
    svc = app.extensions["jejak"]
    client, admin, fuzz = seeded_fuzz(app)
    counts = fuzz.counts

    @given(data=st.data())
    @settings(max_examples=EXAMPLES_BATCH, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def one_batch(data):
        events = [fuzz.valid(data.draw) for _ in range(data.draw(st.integers(2, 6)))]
        bad = data.draw(st.integers(0, len(events) - 1))
        broken, field, how = mutate(data.draw, *events[bad])
        bodies = [b for b, _ in events]
        bodies[bad] = broken
        head = svc.ledger.head()
        resp = client.post("/v1/events/batch", json={"events": bodies}, headers=admin)
        counts["requests"] += 1
        counts[f"status {resp.status_code}"] += 1
        assert resp.status_code < 500, (resp.status_code, resp.json)
        if resp.status_code == 400:
            path = f"events[{bad}].{field}"
            assert path in resp.json["error"]["fields"] or resp.json["error"]["message"].startswith(f"{path}:"), \
                (how, path, resp.json)
        else:  # an earlier event (or an annulled target of the broken fix) was refused by a rule first
            assert resp.status_code in DOMAIN_REFUSALS, (how, field, resp.status_code, resp.json)
            assert bad > 0 or fuzz.read_late(broken, field), resp.json
        assert svc.ledger.head() == head

    try:
        one_batch()
    finally:
        tally(svc, client, admin, fuzz, "fuzz batches")


def tally(svc: Any, client: Any, admin: dict[str, str], fuzz: Fuzz, scenario: str) -> None:
    """Every receipt once in the feed, no gaps; the read models catch up; then record the counts."""
    head = svc.ledger.head()
    feed = svc.ledger.feed(0, head + 10)
    positions = [e["position"] for e in feed]
    ids = Counter(e["event_id"] for e in feed)
    lost = sum(1 for r in fuzz.receipts if ids[r["event_id"]] == 0)
    duplicated = sum(n - 1 for n in ids.values())
    reads = [client.get(path, headers=admin) for path in
             ("/v1/employees?limit=5", "/v1/audit?limit=5", "/v1/audit/flags", "/v1/public/units")]
    server_errors = sum(v for k, v in fuzz.counts.items() if k.startswith("status 5")) + \
        sum(r.status_code >= 500 for r in reads)
    statuses = ", ".join(f"{k.split()[1]}: {v}" for k, v in sorted(fuzz.counts.items()) if k.startswith("status"))
    record(scenario, backend(svc.url), runs=1, requests=fuzz.counts["requests"], events=head, lost=lost,
           duplicated=duplicated, server_errors=server_errors, notes=statuses)
    assert positions == list(range(1, head + 1))
    assert lost == 0 and duplicated == 0
    assert all(r.status_code == 200 for r in reads), [(r.status_code, r.json) for r in reads]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz-live")
    with serving(empty_database(request, tmp), tmp) as server:
        yield server


@pytest.mark.slow
def test_generated_events_through_a_real_server_never_answer_5xx_and_refusals_change_nothing(live):
    http = requests.Session()
    http.headers.update(live.headers)
    bodies = world() + SEED_EXTRA
    seeded = http.post(f"{live.url}/v1/events/batch", json={"events": bodies}, timeout=60)
    assert seeded.status_code == 201, seeded.text
    catalogue = http.get(f"{live.url}/v1/event-types", timeout=30).json()["items"]
    fuzz = Fuzz(catalogue, list(zip(bodies, seeded.json()["receipts"])))
    counts = fuzz.counts

    @given(data=st.data(), broken=st.booleans())
    @settings(max_examples=EXAMPLES_LIVE, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def one_event(data, broken):
        body, schema = fuzz.valid(data.draw)
        field = None
        if broken:
            body, field, _ = mutate(data.draw, body, schema)
        head = live.head()
        resp = http.post(f"{live.url}/v1/events", json=body, timeout=60)
        counts["requests"] += 1
        counts[f"status {resp.status_code}"] += 1
        assert resp.status_code < 500, (resp.status_code, resp.text, body)
        if broken and not fuzz.read_late(body, field):
            assert resp.status_code == 400 and field in resp.json()["error"]["fields"], (field, resp.text)
        if resp.status_code == 201:
            fuzz.recorded(body, resp.json())
        else:
            assert resp.status_code in DOMAIN_REFUSALS | {400}, resp.text
            assert live.head() == head, (resp.text, body)

    try:
        one_event()
    finally:
        head = live.head()
        feed = http.get(f"{live.url}/v1/feed?after=0&limit=1000", timeout=60).json()["items"]
        ids = Counter(e["event_id"] for e in feed)
        lost = sum(1 for r in fuzz.receipts if ids[r["event_id"]] == 0)
        server_errors = sum(v for k, v in counts.items() if k.startswith("status 5"))
        statuses = ", ".join(f"{k.split()[1]}: {v}" for k, v in sorted(counts.items()) if k.startswith("status"))
        record("fuzz events live server", backend(live.database_url), runs=1, requests=counts["requests"],
               events=head, lost=lost, duplicated=sum(n - 1 for n in ids.values()), server_errors=server_errors,
               notes=f"jejak serve, 2 workers x 4 threads; {statuses}")
    assert [e["position"] for e in feed] == list(range(1, head + 1)) and lost == 0
