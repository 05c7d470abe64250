"""The console's pages in a real browser (Debian's chromium via Playwright) against a real `jejak serve`, on
both backends: sign-in per role, the 1,000-event timeline on both axes, session expiry and CSRF, an
inspector's review, and axe-core on every page. The proof badge has test_console_proof_badge.py."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from axe import axe_source, serious_violations
from console_pages import EVENTS, pin_key, proof_of, shot, sign_in


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
    pin_key(page, server, server["pem"])
    page.goto(server["base"] + "/console/temuan?kind=backdated")
    reviewed = page.locator(f"#flags tbody tr[data-event='{event_id}']")
    result = proof_of(page, reviewed)
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
