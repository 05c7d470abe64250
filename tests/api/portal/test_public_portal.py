"""The public portal and its JSON on both backends: suppression, rate limits, feedback storage, pages."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest

import public_world
from portal_apps import form_token
from public_world import PRIVATE, small_numbers
from server_process import empty_database

TICKET = re.compile(r"LPR-\d{4}-[0-9A-HJKMNP-TV-Z]{16}")  # ledger.feedback.PUBLIC_NUMBER


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world_url(request, tmp_path_factory):
    """The small world loaded once per backend for this module."""
    url = empty_database(request, tmp_path_factory.mktemp("portal"))
    public_world.load(url)
    return url


def make_app(url, tmp_path_factory, **config):
    from api import create_app

    key = tmp_path_factory.getbasetemp() / "contact.key"
    return create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": str(key), **config})


@pytest.fixture(scope="module")
def app(world_url, tmp_path_factory):
    app = make_app(world_url, tmp_path_factory, PUBLIC_FEEDBACK_RATE="1000/60", PUBLIC_READ_RATE="10000/60")
    yield app
    app.extensions["jejak"].close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def releases_due(request):
    """The tests after the first read the releases it publishes; under xdist a worker may run them without it,
    so each publishes what is due first (nothing, once the first has run: the serial order is unchanged)."""
    if request.node.originalname == FIRST or "app" not in request.fixturenames:
        return
    from api.publishing import publish_due

    services = request.getfixturevalue("app").extensions["jejak"]
    publish_due(services.ledger, services.projections, date.today())


@pytest.fixture(scope="module")
def complaint(client):
    """A complainant with a contact, sent through the JSON endpoint."""
    resp = client.post("/v1/public/feedback", json={
        "classification": "pengaduan", "unit": "LABKESDA", "message": PRIVATE["complainant_message"],
        "anonymous": False, "contact": PRIVATE["complainant_contact"]})
    assert resp.status_code == 201, resp.json
    return resp.json["ticket"]


FIRST = "test_the_due_releases_are_published_and_none_shows_a_count_under_five"


def test_the_due_releases_are_published_and_none_shows_a_count_under_five(client, app):
    """Issue 16: the portal shows releases only; the small world's months of this year are published."""
    from api.publishing import publish_due

    services = app.extensions["jejak"]
    assert client.get("/v1/public/units").json["items"] == []  # nothing published yet: no live figures either
    done = publish_due(services.ledger, services.projections, date.today())
    assert done and all("refused" not in d for d in done)
    listing = client.get("/v1/public/releases").json["items"]
    assert [r["id"] for r in listing] == [d["id"] for d in done]
    for r in listing:
        resp = client.get(f"/v1/public/units?release={r['id']}")
        assert hashlib.sha256(resp.data).hexdigest() == r["content_hash"]  # served exactly as published
        assert small_numbers(resp.json) == []


def test_suppressed_groups_are_shown_as_suppressed_never_as_zero(client):
    parkir = client.get("/v1/public/units/PARKIR").json
    assert parkir["headcount"]["total"] == {"suppressed": True}
    assert parkir["headcount"]["by_position_type"]["pelaksana"] == {"suppressed": True}
    page = client.get("/opd/PARKIR").get_data(as_text=True)
    cell = re.search(r'data-key="headcount.total">(.*?)</td>', page).group(1)
    assert "&lt; 5" in cell and "disembunyikan" in cell and ">0<" not in cell
    assert "Rilis R-" in page  # the page names the release it shows


def test_a_complainants_contact_is_stored_only_sealed_and_anonymous_feedback_stores_none(client, app, complaint):
    services = app.extensions["jejak"]
    anon = client.post("/v1/public/feedback", json={"classification": "aspirasi", "unit": "LABKESDA",
                                                    "message": "Tambah taman baca", "anonymous": True}).json["ticket"]
    feed = services.ledger.feed(0, 1000)
    services.ledger.reveal(feed, lambda field: True)  # as an auditor reads it: the stored value is a commitment
    events = {e["subject"]: e for e in feed if e["type"] == "FeedbackReceived"}
    sealed = events[complaint]["data"]["contact_encrypted"]
    assert sealed.startswith("v1:") and PRIVATE["complainant_contact"] not in json.dumps(events[complaint])
    assert app.extensions["jejak_contact_box"].open(sealed, complaint) == PRIVATE["complainant_contact"]
    assert events[complaint]["actor"] == "public-portal" and events[complaint]["source"] == "portal"
    assert "contact_encrypted" not in events[anon]["data"] and events[anon]["data"]["anonymous"] is True
    assert TICKET.fullmatch(complaint) and TICKET.fullmatch(anon) and complaint != anon


def test_bad_feedback_is_refused_naming_each_field_and_records_nothing(client, app):
    ledger = app.extensions["jejak"].ledger
    head = ledger.head()
    resp = client.post("/v1/public/feedback", json={"classification": "keluhan", "unit": "LABKESDA", "message": " ",
                                                    "anonymous": True, "contact": "0812"})
    assert resp.status_code == 400 and resp.json["error"]["code"] == "validation_failed"
    assert set(resp.json["error"]["fields"]) == {"classification", "message", "contact"}
    resp = client.post("/v1/public/feedback", json={"classification": "aspirasi", "unit": "DISHUB",
                                                    "message": "Lampu jalan mati", "anonymous": True})
    assert resp.status_code == 400 and list(resp.json["error"]["fields"]) == ["unit"]
    assert client.post("/v1/public/feedback", json=["x"]).status_code == 400
    assert client.post("/v1/public/feedback", data="{", content_type="application/json").json["error"]["code"] == \
        "malformed"
    form = client.post("/masukan", data={"classification": "", "unit": "LABKESDA", "message": "Tolong",
                                         "form_token": form_token(client)})
    assert form.status_code == 400 and "pilih jenis masukan" in form.get_data(as_text=True)
    assert ledger.head() == head


def test_an_unknown_or_malformed_ticket_is_not_found(client):
    assert client.get("/v1/public/feedback/LPR-2026-AAAAAAAAAAAAAAAA").json["error"]["code"] == "not_found"
    assert client.get("/v1/public/feedback/../../v1/employees").status_code == 404
    page = client.get("/tiket/bukan-tiket")
    assert page.status_code == 404 and "Tidak ditemukan" in page.get_data(as_text=True)
    assert client.get("/tiket?nomor=abc").status_code == 404
    assert client.get("/tiket?nomor=bukan tiket!").status_code == 400
    assert client.get("/tiket?nomor=lpr-2026-aaaaaaaaaaaaaaaa").status_code == 404


def test_each_page_is_small_in_indonesian_and_labels_every_field(client, complaint):
    for path in ["/", "/opd/LABKESDA", "/masukan", "/tiket", f"/tiket/{complaint}"]:
        resp = client.get(path)
        html = resp.get_data(as_text=True)
        assert len(resp.data) < 200 * 1024, path
        assert '<html lang="id">' in html and "https://" not in html.replace("http://www.w3.org", ""), path
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
            assert f'<label for="{field_id}"' in html, f"{path}: #{field_id} has no label"


def test_feedback_from_one_address_is_rate_limited_with_retry_after(world_url, tmp_path_factory):
    app = make_app(world_url, tmp_path_factory, PUBLIC_FEEDBACK_RATE="2/600")
    try:
        client = app.test_client()
        ledger = app.extensions["jejak"].ledger
        body = {"classification": "aspirasi", "unit": "LABKESDA", "message": "Perpanjang jam layanan", "anonymous": True}
        assert [client.post("/v1/public/feedback", json=body).status_code for _ in range(2)] == [201, 201]
        head = ledger.head()
        refused = client.post("/v1/public/feedback", json=body)
        assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
        assert 0 < int(refused.headers["Retry-After"]) <= 600
        form = client.post("/masukan", data={**body, "anonymous": "1"})
        assert form.status_code == 429 and form.headers["Retry-After"] and "Terlalu banyak" in form.get_data(as_text=True)
        assert ledger.head() == head
        other = client.post("/v1/public/feedback", json=body, environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert other.status_code == 201
    finally:
        app.extensions["jejak"].close()


def test_reading_the_portal_is_rate_limited_too(world_url, tmp_path_factory):
    app = make_app(world_url, tmp_path_factory, PUBLIC_READ_RATE="3/60")
    try:
        client = app.test_client()
        assert [client.get("/v1/public/units").status_code for _ in range(3)] == [200, 200, 200]
        resp = client.get("/v1/public/units/LABKESDA")
        assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    finally:
        app.extensions["jejak"].close()


def test_a_year_can_be_chosen_and_a_malformed_one_is_refused_in_indonesian(client):
    year = public_world.YEAR
    page = client.get(f"/opd/LABKESDA?tahun={year}").get_data(as_text=True)
    assert f"Rilis R-{year}-" in page  # this year comes as monthly releases: the latest one
    missing = client.get("/?tahun=2001")
    assert missing.status_code == 404 and "Tidak ditemukan" in missing.get_data(as_text=True)
    bad = client.get("/?tahun=dua-ribu")
    assert bad.status_code == 400 and "Tahun harus empat angka" in bad.get_data(as_text=True)
    assert client.get("/v1/public/units?release=R-20x").status_code == 400


def test_pages_forbid_scripts_and_foreign_resources_and_never_leak_ticket_urls(client, complaint):
    for path in ["/", f"/tiket/{complaint}", "/masukan"]:
        headers = client.get(path).headers
        assert "script-src" not in headers["Content-Security-Policy"]
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/tiket/{complaint}").headers["Cache-Control"] == "no-store"


def test_training_attainment_counts_pns_only_and_says_so(client, app):
    """PUSKESMAS: 10 PNS (5 with 24 JP, 5 with 19 JP) and 10 PPPK (none trained but one with 30 JP)."""
    year = public_world.YEAR
    pns = [f"198803{d:02d}2012011{d:03d}" for d in range(1, 11)]
    pppk = [f"199005{d:02d}2023211{d:03d}" for d in range(1, 11)]
    events = [{"type": "UnitRegistered", "subject": "PUSKESMAS", "data": {"name": "UPT Puskesmas Binjai Estate"}}]
    events += [public_world._appoint(n, "PUSKESMAS", "pelaksana", f"PNS Puskesmas {i}") for i, n in enumerate(pns)]
    for i, n in enumerate(pppk):
        body = public_world._appoint(n, "PUSKESMAS", "pelaksana", f"PPPK Puskesmas {i}")
        body["data"].update(employment_type="pppk", grade="IX")
        events.append(body)
    events += [public_world._training(n, 24 if i < 5 else 19, 0) for i, n in enumerate(pns)]
    events.append(public_world._training(pppk[0], 30, 0))
    services = app.extensions["jejak"]
    services.ledger.record(events, actor="seed", batch=True)
    services.after_write()
    from projections.releases import Period
    from projections.releases.figures import Source, figures

    content = figures(Source(services.ledger, services.read_models()), Period(str(year)))  # next April's release
    unit = next(u for u in content["items"] if u["code"] == "PUSKESMAS")
    assert unit["headcount"]["total"] == 20 and unit["headcount"]["pns"] == 10
    assert unit["training"][str(year)] == {"staff": 10, "met_20_jp": 5, "below_20_jp": 5}
    overview = client.get("/").get_data(as_text=True)  # this year's monthly release: no 20 JP, and it says so
    assert "Pemenuhan 20 JP tidak ada dalam rilis bulanan" in overview and "khusus PNS" not in overview
