"""The portal in a real browser (Debian's chromium via Playwright) against a real `jejak serve` process.

One server and one browser for the session (`server`, `browser` in conftest.py); each test opens a page or two, checks
what a citizen sees against the read model, and saves a screenshot to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

import public_world  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
SUPPRESSED = "< 5 (disembunyikan)"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []  # CSP violations, missing stylesheet, any failed load
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    yield page
    context.close()
    assert [e for e in errors if "status of 400" not in e] == [], errors  # a refused form answers 400 on purpose


def projection(url: str):
    """The latest release's city and units, as the portal shows them."""
    import json

    from projections import queries
    from projections.runner import Projections

    p = Projections(url)
    try:
        content = json.loads(queries.release_text(p.engine)[1])
        return content["city"], {u["code"]: u for u in content["items"]}
    finally:
        p.close()


def cell(page, key: str) -> str:
    return page.locator(f'[data-key="{key}"]').first.inner_text().strip()


def shown(value) -> str:
    """How the portal prints a published value: Indonesian digit groups, or suppressed."""
    if isinstance(value, dict):
        assert value == {"suppressed": True}
        return SUPPRESSED
    return f"{value:,}".replace(",", ".")


def shown_hours(value: float) -> str:
    """Hours as printed in Indonesian: 1.234,5 (digit groups with dots, decimal comma)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def snap(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def test_the_overview_shows_the_same_numbers_as_the_latest_release(server, page):
    city, units = projection(server["url"])
    year = str(public_world.YEAR)
    page.goto(server["base"] + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert len(units) > 30  # the demo's OPDs and the world's three
    assert cell(page, "city.headcount") == shown(city["headcount"]["total"])
    hours = city["feedback"]["median_response_hours"]
    if isinstance(hours, dict):
        assert "disembunyikan" in cell(page, "city.median_response")
    else:
        assert cell(page, "city.median_response") == f"{shown_hours(hours)} jam"
    for code, u in units.items():
        assert cell(page, f"unit.{code}.headcount") == shown(u["headcount"]["total"])
        money = u["budget"].get(year, {"allocated": 0, "realised": 0})
        assert cell(page, f"unit.{code}.allocated") == shown(money["allocated"])
        assert cell(page, f"unit.{code}.realised") == shown(money["realised"])
    assert cell(page, "unit.LABKESDA.allocated") == "25.000.000"
    assert cell(page, "unit.PARKIR.headcount") == SUPPRESSED
    assert page.locator('[data-key="release"]').inner_text().startswith("Angka dari Rilis R-")
    # The latest release is this year's monthly one: ASN per OPD, per position type and the budget are drawn;
    # 20 JP and predikat are in annual releases only, and the page says so where they would be.
    assert page.locator("svg.chart").count() == 3 and page.locator('[data-key="monthly-note"]').count() == 2
    snap(page, "overview")


def test_a_unit_page_shows_its_numbers_and_suppresses_small_groups(server, page):
    _, units = projection(server["url"])
    dinkes, year = units["LABKESDA"], str(public_world.YEAR)
    page.goto(server["base"] + "/")
    page.get_by_role("link", name="UPT Laboratorium Kesehatan Daerah").click()
    page.wait_for_url("**/opd/LABKESDA")
    assert page.get_by_role("heading", level=1).inner_text().startswith("UPT Laboratorium Kesehatan Daerah")
    assert cell(page, "headcount.total") == shown(dinkes["headcount"]["total"])
    assert cell(page, "headcount.pelaksana") == shown(dinkes["headcount"]["by_position_type"]["pelaksana"])
    assert cell(page, "headcount.pengawas") == SUPPRESSED
    assert cell(page, f"budget.{year}.realised") == shown(dinkes["budget"][year]["realised"]) == "12.000.000"
    assert cell(page, "feedback.total") == shown(dinkes["feedback"]["total"])
    snap(page, "unit-dinkes")


def test_a_citizen_sends_feedback_with_the_keyboard_and_follows_the_ticket(server, page):
    page.goto(server["base"] + "/masukan")
    page.get_by_label("Jenis masukan").select_option("pengaduan")
    page.get_by_label("OPD yang dituju", exact=True).select_option("LABKESDA")
    page.get_by_label("Isi masukan").fill("Ruang tunggu puskesmas tidak ada kursi untuk lansia.")
    contact = page.get_by_label("Kontak (surel atau nomor telepon, tidak wajib)")
    contact.fill("warga.binjai@contoh.id")
    contact.press("Tab")  # the next stop after the contact field is the submit button
    assert page.evaluate("document.activeElement.textContent") == "Kirim masukan"
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiket/*")
    ticket = page.locator('[data-key="ticket"]').inner_text().strip()
    assert ticket.startswith(f"LPR-{public_world.YEAR}-") and len(ticket) == 25
    assert page.get_by_role("status").inner_text().startswith("Nomor tiket Anda")
    assert cell(page, "status") == "Diterima"
    snap(page, "feedback-sent")
    head = requests.get(server["base"] + "/healthz", timeout=5).json()["head"]
    page.reload()  # post/redirect/get: a reload shows the ticket again and sends nothing
    assert page.locator('[data-key="ticket"]').inner_text().strip() == ticket
    assert requests.get(server["base"] + "/healthz", timeout=5).json()["head"] == head
    page.goto(f"{server['base']}/tiket?nomor={ticket.lower()}")
    assert cell(page, "unit").startswith("UPT Laboratorium Kesehatan Daerah")
    assert "warga.binjai" not in page.content()
    snap(page, "ticket")
    state = requests.get(f"{server['base']}/v1/public/feedback/{ticket}", timeout=5).json()
    assert state["status"] == "received" and state["unit"] == "LABKESDA"
    # Both workers share one key file (created by whichever started first); the contact opens with it.
    from api.portal.contact_crypto import ContactBox
    from ledger.application import Ledger

    ledger = Ledger(server["url"])
    try:
        ledger.key_path = Path(server["contact_key"])  # the server's personal-data key (the stored value is a commitment)
        [received] = ledger.history("feedback", ticket)[:1]
        ledger.reveal([received], lambda field: True)  # as an auditor reads it
        sealed = received["data"]["contact_encrypted"]
    finally:
        ledger.close()
    assert ContactBox.from_path(server["contact_key"]).open(sealed, ticket) == "warga.binjai@contoh.id"


def test_a_form_with_missing_fields_says_what_to_fix_and_keeps_what_was_typed(server, page):
    page.goto(server["base"] + "/masukan")
    page.get_by_label("Isi masukan").fill("Jalan di depan kantor camat berlubang.")
    page.get_by_role("button", name="Kirim masukan").click()
    alert = page.get_by_role("alert")
    assert "pilih jenis masukan" in alert.inner_text() and "pilih OPD yang dituju" in alert.inner_text()
    assert page.get_by_label("Isi masukan").input_value() == "Jalan di depan kantor camat berlubang."
    assert page.get_by_label("Jenis masukan").get_attribute("aria-invalid") == "true"
    snap(page, "feedback-errors")
