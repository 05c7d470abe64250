"""The portal on a phone (390 px) and a desktop (1280 px), in Debian's chromium against `jejak serve`.

The issue's list: chart text at least 12 px, no clipped labels, bars sorted by value, a table of
contents, a year selector that changes every figure or says which it does not, an HTML 404 in
Bahasa Indonesia, WIB wherever a time is shown, keyboard-reachable scrolling tables.
"""

from __future__ import annotations

import json
import re

import pytest

import public_world

WIDTHS = [390, 1280]
YEAR = public_world.YEAR
LAST_YEAR = YEAR - 1
# Every text of every chart: its drawn size (font size times the chart's scale) and whether it lies inside the chart.
CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
            inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5
                    && r.bottom <= box.bottom + 0.5};
  });
})"""


def release(base_url: str, release_id: str | None = None) -> dict:
    import requests

    suffix = f"?release={release_id}" if release_id else ""
    return json.loads(requests.get(f"{base_url}/v1/public/units{suffix}", timeout=10).text)


def largest_unit(base_url: str) -> str:
    """The OPD with the most people in last year's release: every one of its charts has something to draw."""
    items = release(base_url, f"R-{LAST_YEAR}")["items"]
    return max(items, key=lambda u: u["headcount"]["total"] if isinstance(u["headcount"]["total"], int) else -1)["code"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/", f"/?tahun={LAST_YEAR}", f"/opd/{{unit}}?tahun={LAST_YEAR}"])
def test_chart_text_is_at_least_12_px_and_no_label_is_clipped_or_cut(server, at, width, path):
    page = at(width)
    page.goto(server["base"] + path.format(unit=largest_unit(server["base"]) if "{unit}" in path else ""))
    texts = page.evaluate(CHART_TEXT)
    assert len(texts) > 10
    small = [t for t in texts if t["px"] < 12]
    clipped = [t["text"] for t in texts if not t["inside"]]
    assert small == [] and clipped == []
    assert not any("…" in t["text"] for t in texts)  # long OPD names wrap onto a second line, never cut
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # nothing on the page runs off the screen sideways (wide tables scroll in their box)


def test_bars_are_sorted_by_value_with_suppressed_ones_last(server, at):
    page = at(390)
    page.goto(f"{server['base']}/?tahun={LAST_YEAR}")
    chart = page.locator("svg.chart").first  # ASN per OPD
    shown = chart.locator("text.val").evaluate_all("els => els.map(e => e.textContent)")
    content = release(server["base"], f"R-{LAST_YEAR}")
    totals = [u["headcount"]["total"] for u in content["items"]]
    expected = sorted((t for t in totals if not isinstance(t, dict)), reverse=True)
    numbers = [int(v.replace(".", "")) for v in shown if v != "< 5"]
    assert numbers == expected and len(shown) == len(totals)
    assert shown[len(numbers):] == ["< 5"] * (len(shown) - len(numbers))


def test_the_overview_has_a_table_of_contents_that_reaches_every_section(server, at):
    page = at(390)
    page.goto(f"{server['base']}/?tahun={LAST_YEAR}")
    toc = page.get_by_role("navigation", name="Daftar isi")
    links = toc.get_by_role("link").all()
    assert len(links) >= 7
    sections = page.locator("h2[id], ul#angka-utama").evaluate_all("els => els.map(e => e.id)")
    targets = [link.get_attribute("href") for link in links]
    assert set(t.lstrip("#") for t in targets) == set(sections)
    links[-1].click()
    assert page.evaluate("location.hash") == targets[-1]
    top = page.locator(targets[-1]).evaluate("e => e.getBoundingClientRect().top")
    assert -1 < top < 800  # the section scrolled into view (sub-pixel rounding may leave it a fraction above 0)


def test_choosing_a_year_changes_every_figure_and_a_monthly_release_says_what_it_leaves_out(server, at):
    page = at(390)
    page.goto(server["base"] + "/")
    latest = release(server["base"])
    assert latest["kind"] == "monthly" and f"Rilis {latest['release']}" in page.locator('[data-key="release"]').inner_text()
    assert "semua angka" in page.locator('[data-key="year-scope"]').inner_text()
    scope = page.locator('[data-key="monthly-scope"]').inner_text()
    assert "20 JP" in scope and "predikat" in scope  # what the monthly release does not carry, said up front
    assert page.locator('[data-key="monthly-note"]').count() == 2 and page.locator('[data-table="predikat"]').count() == 0

    page.get_by_role("navigation", name="Pilih tahun").get_by_role("link", name=str(LAST_YEAR)).click()
    page.wait_for_url(f"**/?tahun={LAST_YEAR}")
    annual = release(server["base"], f"R-{LAST_YEAR}")
    assert f"Rilis R-{LAST_YEAR} (tahun {LAST_YEAR})" in page.locator('[data-key="release"]').inner_text()
    assert page.locator('[data-key="monthly-note"]').count() == 0 and page.locator('[data-table="predikat"]').count() == 1
    cells = page.locator("[data-key]").evaluate_all("els => Object.fromEntries(els.map(e => [e.dataset.key, e.innerText.trim()]))")

    def shown(v):
        return "< 5 (disembunyikan)" if isinstance(v, dict) else f"{v:,}".replace(",", ".")

    city = annual["city"]
    assert cells["city.headcount"] == shown(city["headcount"]["total"])
    assert cells["city.feedback_total"] == shown(city["feedback"]["total"])
    for p, v in city["predikat"][str(LAST_YEAR)].items():
        assert cells[f"predikat.{p}"] == shown(v)
    for u in annual["items"]:
        money = u["budget"][str(LAST_YEAR)]
        assert cells[f"unit.{u['code']}.headcount"] == shown(u["headcount"]["total"])
        assert cells[f"unit.{u['code']}.allocated"] == shown(money["allocated"])
        assert cells[f"unit.{u['code']}.feedback"] == shown(u["feedback"]["total"])
    changed = [k for k in ("city.headcount", "city.feedback_total") if cells[k] != shown(latest["city"][k[5:].split("_")[0]]["total"])]
    assert changed  # the two releases differ, and the page followed the choice


def test_an_unknown_page_is_an_html_page_in_bahasa_indonesia_and_an_unknown_api_path_stays_json(server, at):
    page = at(390, expect_status=404)
    response = page.goto(server["base"] + "/halaman-yang-tidak-ada")
    assert response.status == 404 and response.headers["content-type"].startswith("text/html")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).inner_text() == "Tidak ditemukan"
    assert page.get_by_role("link", name="Kembali ke ringkasan kota").is_visible()
    import requests

    api = requests.get(server["base"] + "/v1/tidak-ada", timeout=10)
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_every_time_shown_is_in_wib(server, at):
    page = at(1280)
    ticket = f"LPR-{YEAR}-SEED" + "A" * 12
    for path in ["/", f"/opd/{largest_unit(server['base'])}?tahun={LAST_YEAR}", f"/tiket/{ticket}"]:
        page.goto(server["base"] + path)
        text = page.locator("body").inner_text()
        times = re.findall(r"\d{1,2}:\d{2}(?!\d)( WIB)?", text)
        assert times and all(zone == " WIB" for zone in times), (path, text)
        assert "UTC" not in text


@pytest.mark.parametrize("width", WIDTHS)
def test_a_wide_table_scrolls_with_the_keyboard_from_a_labelled_focusable_region(server, at, width):
    page = at(width)
    page.goto(server["base"] + "/")
    regions = page.locator(".table-scroll")
    assert regions.count() >= 3
    for i in range(regions.count()):
        r = regions.nth(i)
        assert r.get_attribute("tabindex") == "0" and r.get_attribute("role") == "region"
        assert r.get_attribute("aria-label").startswith("Tabel: ")
    units = page.get_by_role("region", name="Tabel: ringkasan per OPD")
    for _ in range(400):  # Tab from the top of the page until the table's box has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Tabel: ringkasan per OPD":
            break
    else:
        pytest.fail("the OPD table's scroll box is not reachable with Tab")
    if width == 390:
        assert units.evaluate("e => e.scrollWidth > e.clientWidth")  # on a phone it really scrolls
        page.keyboard.press("ArrowRight")
        page.keyboard.press("End")
        units.page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5000)
