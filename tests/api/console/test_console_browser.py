"""The console in a real browser (Debian's chromium via Playwright) against a real `jejak serve`, on both
backends: sign-in per role, the 1,000-event timeline on both axes, the proof badge (and its failure once
an insider edits an event), CSRF and session expiry, and axe-core on every page."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
import requests
import sqlalchemy as sa

from axe import axe_source, serious_violations
from server_process import JEJAK, free_port, terminate

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
EVENTS = 1000
ROLES = ("recorder", "inspector", "auditor", "admin", "feedback_officer")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    """`jejak serve` over one employee with a 1,000-event career (the ledger's batch record), keys per role."""
    from api.keys import KeyStore
    from bench.console import build
    from ledger.integrity.checkpoints import create_key_file, load_key_file, public_pem

    tmp = tmp_path_factory.mktemp("console")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'jejak.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    key = tmp / "signing.key"
    create_key_file(key)
    nip = build(url, EVENTS)
    store = KeyStore(url)
    try:
        tokens = {role: store.create(f"{role}-web", role) for role in ROLES}
    finally:
        store.close()
    port = free_port()
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(key),
           "JEJAK_CONTACT_KEY": str(tmp / "contact.key")}
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([JEJAK, "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"jejak serve exited with {proc.returncode}: {(tmp / 'server.log').read_text()}")
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail(f"jejak serve did not answer: {(tmp / 'server.log').read_text()}")
        yield {"base": base, "url": url, "tokens": tokens, "nip": nip, "backend": request.param,
               "pem": public_pem(load_key_file(key).public_key())}
    finally:
        terminate(proc)
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []  # CSP violations, a missing script or stylesheet, any failed load
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    yield page
    context.close()
    assert [e for e in errors if "status of 4" not in e] == [], errors  # refusals answer 4xx on purpose


def sign_in(page, server, role: str) -> None:
    page.goto(server["base"] + "/console/masuk")
    page.fill("#token", server["tokens"][role])
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def shot(page, server, name: str, full_page: bool = False) -> None:
    """The viewport (a 1,000-row page is too tall to shoot whole on a busy machine)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}-{server['backend']}.png"), full_page=full_page)


def test_inspectors_auditors_and_admins_sign_in_and_a_recorder_is_refused(page, server):
    for role in ("inspector", "auditor", "admin"):
        page.context.clear_cookies()
        sign_in(page, server, role)
        assert page.url.endswith("/console/pegawai")
        assert f"{role}-web ({role})" in page.inner_text("header")
    page.context.clear_cookies()
    sign_in(page, server, "recorder")
    assert "/console/masuk" in page.url
    assert "peran recorder tidak boleh memakai konsol" in page.inner_text("[role=alert]")
    shot(page, server, "signin-refused", full_page=True)
    page.goto(server["base"] + "/console/pegawai")
    assert "/console/masuk?next=/console/pegawai" in page.url


def test_a_thousand_event_timeline_renders_on_both_axes_with_its_diffs(page, server):
    sign_in(page, server, "auditor")
    page.fill("#q", server["nip"][:10])
    page.click("form[role=search] button")
    page.click(f"a[href='/console/pegawai/{server['nip']}']")
    page.wait_for_load_state()
    rows = page.locator("#timeline tbody tr")
    assert rows.count() == EVENTS
    assert page.locator("#axes circle").count() == EVENTS  # every event of this career has a TMT
    backdated = page.locator("#timeline [data-backdated]").count()
    assert backdated == page.locator("#axes circle.backdated").count() == 1 + (EVENTS - 1) // 25
    assert page.locator("#timeline ul.diff").count() == EVENTS
    second = rows.nth(1).inner_text()
    assert "PositionAssigned" in second and "→" in second and "SK 821/1/BKPSDM/2023" in second
    assert "a.n. Pegawai 1" in second
    late = page.locator("#timeline tr.backdated-row").nth(1).inner_text()
    assert "surut" in late and "Penetapan terlambat" in late
    shot(page, server, "timeline")


def test_the_proof_badge_proves_an_event_against_the_pinned_key_and_fails_for_another_key(page, server):
    sign_in(page, server, "auditor")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from ledger.integrity.checkpoints import public_pem

    for pem, expected in ((public_pem(Ed25519PrivateKey.generate().public_key()), "fail"), (server["pem"], "ok")):
        page.goto(server["base"] + "/console/kunci")
        page.fill("#pinned-key", pem)
        page.click("#pin-form button")
        page.wait_for_selector("#pin-form output[data-result=ok]")
        page.goto(server["base"] + f"/console/pegawai/{server['nip']}")
        page.locator("#timeline tbody tr").nth(500).locator("button.proof").click()
        result = page.locator("#timeline tbody tr").nth(500).locator("output.proof-result")
        page.wait_for_function("el => el.dataset.result === 'ok' || el.dataset.result === 'fail'",
                               arg=result.element_handle())
        assert result.get_attribute("data-result") == expected, result.inner_text()
    assert "TERBUKTI" in result.inner_text() and "tanda tangan checkpoint" in result.inner_text()
    result.scroll_into_view_if_needed()
    shot(page, server, "proof-ok")


def _badge(page, server, row: int):
    page.goto(server["base"] + f"/console/pegawai/{server['nip']}")
    row = page.locator("#timeline tbody tr").nth(row)
    row.locator("button.proof").click()
    result = row.locator("output.proof-result")
    page.wait_for_function("el => el.dataset.result === 'ok' || el.dataset.result === 'fail'",
                           arg=result.element_handle())
    return result


def _cosign_latest(url: str, name: str, key, tamper: bool = False) -> None:
    """A witness's cosignature of the latest checkpoint's note, stored as Jejak stores what witnesses answer."""
    import base64
    from api.db import make_engine
    from ledger.integrity import note

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            size, root, issued = conn.execute(sa.text("SELECT tree_size, root_hash, issued_at FROM jejak_checkpoints "
                                                      "ORDER BY tree_size DESC, issued_at DESC LIMIT 1")).one()
            text = conn.execute(sa.text("SELECT note FROM jejak_checkpoint_notes WHERE tree_size = :s AND "
                                        "issued_at = :i"), {"s": size, "i": issued}).scalar_one()
            line = note.cosign(text[:text.rfind("\n\n") + 1], name, key, int(time.time()))
            if tamper:  # one bit of the signature flipped, as an insider editing the stored line would
                prefix, b64 = line.rsplit(" ", 1)
                raw = bytearray(base64.b64decode(b64))
                raw[-1] ^= 1
                line = f"{prefix} {base64.b64encode(bytes(raw)).decode()}"
            conn.execute(sa.text("INSERT INTO jejak_cosignatures (tree_size, root_hash, witness, line, received_at) "
                                 "VALUES (:s, :r, :w, :l, :t)"),
                         {"s": size, "r": root, "w": name, "l": line, "t": issued})
    finally:
        engine.dispose()


def test_the_badge_checks_every_pinned_witness_cosignature_and_fails_loudly_on_a_tampered_one(page, server):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from ledger.integrity import note

    sign_in(page, server, "auditor")
    page.goto(server["base"] + "/console/kunci")
    page.fill("#pinned-key", server["pem"])
    page.click("#pin-form button")
    page.wait_for_selector("#pin-form output[data-result=ok]")
    assert _badge(page, server, 300).get_attribute("data-result") == "ok"  # the checkpoint the witnesses cosign
    honest, forged = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _cosign_latest(server["url"], "saksi.binjaikota.go.id", honest)
    _cosign_latest(server["url"], "saksi.bpk.go.id", forged, tamper=True)
    for pinned, expected, says in (
            (["saksi.binjaikota.go.id"], "ok", "saksi saksi.binjaikota.go.id menandatangani bersama"),
            (["saksi.binjaikota.go.id", "saksi.bpk.go.id"], "fail", "cosignature of witness saksi.bpk.go.id does not"),
            (["saksi.kpk.go.id"], "fail", "no cosignature from pinned witness saksi.kpk.go.id")):
        keys = {"saksi.binjaikota.go.id": honest, "saksi.bpk.go.id": forged,
                "saksi.kpk.go.id": Ed25519PrivateKey.generate()}
        page.goto(server["base"] + "/console/kunci")
        page.fill("#witness-keys", "\n".join(note.cosigner_vkey(n, keys[n].public_key()) for n in pinned))
        page.click("#witness-form button")
        pinned_out = page.wait_for_selector("#witness-form output[data-result]")
        assert pinned_out.get_attribute("data-result") == "ok", pinned_out.inner_text()
        result = _badge(page, server, 300)
        assert result.get_attribute("data-result") == expected and says in result.inner_text(), result.inner_text()
    result.scroll_into_view_if_needed()
    shot(page, server, "proof-witness-missing")
    page.goto(server["base"] + "/console/kunci")
    page.fill("#witness-keys", "")
    page.click("#witness-form button")  # the later tests pin no witness


def test_an_expired_session_goes_back_to_sign_in_and_a_forged_csrf_token_is_refused(page, server):
    from api.db import make_engine
    from api.console.sessions import console_sessions

    sign_in(page, server, "inspector")
    page.evaluate("document.querySelector('form.signout input[name=csrf_token]').value = 'forged'")
    page.click("form.signout button")
    page.wait_for_load_state()
    assert page.locator("[data-field=csrf_token]").count() == 1
    page.goto(server["base"] + "/console/pegawai")
    assert page.url.endswith("/console/pegawai")  # the forged sign-out changed nothing
    engine = make_engine(server["url"])
    try:
        with engine.begin() as conn:
            conn.execute(console_sessions.update().values(last_seen_at=sa.literal(0.0)))
    finally:
        engine.dispose()
    page.goto(server["base"] + f"/console/pegawai?q={server['nip']}")
    assert "/console/masuk?next=" in page.url


def test_an_inspector_marks_a_finding_reviewed_and_the_review_is_a_proved_event_in_the_ledger(page, server):
    sign_in(page, server, "inspector")
    page.goto(server["base"] + "/console/temuan?kind=backdated")
    row = page.locator("#flags tbody tr:not([data-reviewed])").first
    event_id = row.get_attribute("data-event")
    row.locator("textarea").fill("SK susulan diperiksa: TMT sesuai SK asli")
    row.locator("form.review button").click()
    page.wait_for_load_state()
    reviewed = page.locator(f"#flags tbody tr[data-event='{event_id}']")
    position = int(reviewed.get_attribute("data-reviewed"))
    assert "oleh inspector-web" in reviewed.inner_text()
    shot(page, server, "review")
    api = {"Authorization": f"Bearer {server['tokens']['auditor']}"}
    feed = requests.get(f"{server['base']}/v1/feed?after={position - 1}&limit=1", headers=api, timeout=30).json()
    (item,) = feed["items"]
    event = requests.get(f"{server['base']}/v1/events/{item['event_id']}", headers=api, timeout=30).json()
    assert (event["type"], event["actor"], event["source"]) == ("FindingReviewed", "inspector-web", "console")
    assert event["data"] == {"event_id": event_id, "rule": "backdated",
                             "note": "SK susulan diperiksa: TMT sesuai SK asli"}
    page.context.clear_cookies()
    sign_in(page, server, "auditor")
    page.goto(server["base"] + "/console/kunci")
    page.fill("#pinned-key", server["pem"])
    page.click("#pin-form button")
    page.wait_for_selector("#pin-form output[data-result=ok]")
    page.goto(server["base"] + "/console/temuan?kind=backdated")
    reviewed = page.locator(f"#flags tbody tr[data-event='{event_id}']")
    reviewed.locator("button.proof").click()
    result = reviewed.locator("output.proof-result")
    page.wait_for_function("el => el.dataset.result === 'ok' || el.dataset.result === 'fail'",
                           arg=result.element_handle())
    assert result.get_attribute("data-result") == "ok", result.inner_text()
    assert event["leaf_hash"][:16] in result.inner_text()  # the leaf the browser recomputed is the ledger's


def test_no_console_page_has_serious_or_critical_accessibility_violations(page, server):
    source = axe_source()
    nip = server["nip"]
    page.goto(server["base"] + "/console/masuk")
    found = {"masuk": serious_violations(page, source)}
    sign_in(page, server, "auditor")
    for name, path in (("search", f"/console/pegawai?q={nip[:8]}"), ("employee", f"/console/pegawai/{nip}"),
                       ("employee-dates", f"/console/pegawai/{nip}?valid_at=2024-01-01&from=2023-06-01&to=2025-06-01"),
                       ("pin", "/console/kunci"), ("inbox", "/console/temuan?kind=backdated"),
                       ("inbox-severity", "/console/temuan?severity=warning"),
                       ("changes-form", "/console/perubahan"),
                       ("changes", f"/console/perubahan?subject={nip}&type=PositionAssigned"),
                       ("unit", "/console/unit/BKPSDM"), ("evidence", "/console/bukti-audit"),
                       ("error", f"/console/pegawai/{nip}?valid_at=kemarin")):
        page.goto(server["base"] + path)
        found[name] = serious_violations(page, source)
    filed = requests.post(server["base"] + "/v1/public/feedback", timeout=30, json={
        "classification": "pengaduan", "unit": "BKPSDM", "message": "Antrean lama", "anonymous": False,
        "contact": "0812-1"})
    assert filed.status_code == 201, filed.text
    admin = {"Authorization": f"Bearer {server['tokens']['admin']}"}
    head = requests.get(server["base"] + "/v1/feed?limit=1", headers=admin, timeout=30).json()["head"]
    ticket = requests.get(f"{server['base']}/v1/feed?after={head - 1}", headers=admin, timeout=30).json()["items"][0]
    page.context.clear_cookies()
    sign_in(page, server, "admin")
    for name, path in (("desk", "/console/aduan"), ("ticket", f"/console/aduan/{ticket['subject']}")):
        page.goto(server["base"] + path)
        found[name] = serious_violations(page, source)
    page.context.clear_cookies()
    sign_in(page, server, "feedback_officer")  # its desk, and the refusal it meets anywhere else
    assert page.url.endswith("/console/aduan") and "Pegawai" not in page.inner_text("header nav")
    for name, path in (("officer-desk", "/console/aduan"), ("officer-refused", f"/console/pegawai/{nip}")):
        page.goto(server["base"] + path)
        found[name] = serious_violations(page, source)
    assert {name: v for name, v in found.items() if v} == {}


def test_the_badge_fails_loudly_once_an_insider_edits_the_event_in_the_database(page, server):
    """Last in the module: it edits the ledger. The insider rewrites the stored event and disables the
    append-only triggers, as a database administrator can; the badge recomputes the leaf and refuses."""
    sign_in(page, server, "auditor")
    page.goto(server["base"] + "/console/kunci")
    page.fill("#pinned-key", server["pem"])
    page.click("#pin-form button")
    page.goto(server["base"] + f"/console/pegawai/{server['nip']}")
    row = page.locator("#timeline tbody tr").nth(700)
    position = int(row.get_attribute("data-position"))
    tamper(server["url"], position)
    row.locator("button.proof").click()
    result = row.locator("output.proof-result")
    page.wait_for_function("el => el.dataset.result === 'fail' || el.dataset.result === 'ok'",
                           arg=result.element_handle())
    assert result.get_attribute("data-result") == "fail" and "leaf mismatch" in result.inner_text()
    result.scroll_into_view_if_needed()
    shot(page, server, "proof-tampered")


def tamper(url: str, position: int) -> None:
    """Change the position's stored title, keeping the JSON valid, with the triggers out of the way."""
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ALTER TABLE jejak_events DISABLE TRIGGER USER")
            state = bytes(conn.execute("SELECT state FROM jejak_events WHERE notification_id = %s",
                                       (position,)).fetchone()[0])
            conn.execute("UPDATE jejak_events SET state = %s WHERE notification_id = %s",
                         (state.replace(b'"title":"', b'"title":"Kepala '), position))
        return
    import sqlite3

    conn = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
    try:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        state = bytes(conn.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()[0])
        assert b'"title":"' in state
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?",
                     (state.replace(b'"title":"', b'"title":"Kepala '), position))
    finally:
        conn.close()
