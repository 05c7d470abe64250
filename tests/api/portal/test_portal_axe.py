"""axe-core on every portal page at 1280 and 390 px, in Debian's chromium: no serious or critical violation.

Every kind of page a citizen can reach: the overview of a monthly and of an annual release, an
OPD's page of each, the feedback form empty and refused, the ticket lookup empty and refused, a
ticket, and the 404 page.
"""

from __future__ import annotations

import pytest

import public_world
from axe import axe_source, serious_violations
from test_portal_phone import LAST_YEAR, WIDTHS, largest_unit

TICKET = f"LPR-{public_world.YEAR}-SEED" + "B" * 12
PAGES = {  # name: (path, status the page answers with)
    "overview-monthly": ("/", 200), "overview-annual": (f"/?tahun={LAST_YEAR}", 200),
    "unit-monthly": ("/opd/{unit}", 200), "unit-annual": (f"/opd/{{unit}}?tahun={LAST_YEAR}", 200),
    "feedback-form": ("/masukan", 200), "ticket-lookup": ("/tiket", 200),
    "ticket-lookup-refused": ("/tiket?nomor=bukan%20nomor!", 400), "ticket": (f"/tiket/{TICKET}", 200),
    "not-found": ("/halaman-yang-tidak-ada", 404),
}


@pytest.fixture(scope="module")
def axe():
    return axe_source()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(server, at, axe, width, name):
    path, status = PAGES[name]
    page = at(width, expect_status=status if status != 200 else None)
    response = page.goto(server["base"] + path.format(unit=largest_unit(server["base"])))
    assert response.status == status
    assert serious_violations(page, axe) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_or_critical_violation_on_a_refused_feedback_form(server, at, axe, width):
    page = at(width, expect_status=400)
    page.goto(server["base"] + "/masukan")
    page.get_by_role("button", name="Kirim masukan").click()
    page.get_by_role("alert").wait_for()
    assert serious_violations(page, axe) == []
