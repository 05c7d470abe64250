"""Screenshots of every console page for docs/CONSOLE.md and docs/PANDUAN.md (docs/img/console-*.png).

    cd <repo> && PYTHONPATH=. .venv/bin/python docs/img/console_screenshots.py

A small city on a fresh SQLite file: bench/console.py's career of 120 events (every 25th backdated), a
promotion recorded without two Baik years (a finding), a training realised against its unit's budget and a
complaint with a contact; `jejak serve` on a free port; Debian's chromium through Playwright, 1200x800.
Viewport shots only (a long page is not shot whole), so each PNG stays around 100 KiB.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
JEJAK = str(Path(sys.executable).parent / "jejak")
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def city(url: str, base: str, admin: str) -> tuple[str, str]:
    """The career, a promotion with a finding, a training and a complaint; returns (NIP, ticket)."""
    from bench.console import build

    nip = build(url, 120)
    head = {"Authorization": f"Bearer {admin}"}
    for body in (
            {"type": "PromotionGranted", "subject": nip, "effective_date": "2025-10-01",
             "legal_basis": {"number": "800/321/BKPSDM/2025", "date": "2025-09-20"}, "reason": "Kenaikan pangkat reguler",
             "data": {"from_grade": "III/a", "to_grade": "III/b", "kind": "reguler"}},
            {"type": "TrainingCompleted", "subject": nip,
             "data": {"path": "klasikal", "form": "bimtek", "title": "Bimtek Pelayanan Publik", "provider": "BPSDM Sumut",
                      "start_date": "2025-03-03", "end_date": "2025-03-05", "jp": 20, "cost": 2_750_000,
                      "funding_unit": "BKPSDM"}}):
        assert requests.post(f"{base}/v1/events", json=body, headers=head, timeout=60).status_code == 201
    resp = requests.post(f"{base}/v1/public/feedback", timeout=60, json={
        "classification": "pengaduan", "unit": "BKPSDM", "message": "Layanan kenaikan pangkat lambat",
        "anonymous": False, "contact": "0812-0000-1111"})
    feed = requests.get(f"{base}/v1/feed?after=0&limit=1000", headers=head, timeout=60).json()["items"]
    while len(feed) % 1000 == 0 and feed:
        more = requests.get(f"{base}/v1/feed?after={feed[-1]['position']}&limit=1000", headers=head, timeout=60)
        if not more.json()["items"]:
            break
        feed += more.json()["items"]
    ticket = next(e["subject"] for e in feed if e["type"] == "FeedbackReceived")
    assert resp.status_code == 201
    return nip, ticket


def main() -> None:
    from playwright.sync_api import sync_playwright

    from api.keys import KeyStore
    from ledger.integrity.checkpoints import create_key_file, load_key_file, public_pem

    tmp = Path(tempfile.mkdtemp(prefix="jejak-shots-"))
    url, port = f"sqlite:///{tmp / 'jejak.db'}", free_port()
    create_key_file(tmp / "signing.key")
    store = KeyStore(url)
    tokens = {role: store.create(f"{role}-bkpsdm", role) for role in ("inspector", "auditor", "admin")}
    store.close()
    env = {**os.environ, "JEJAK_DATABASE_URL": url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key"),
           "JEJAK_CONTACT_KEY": str(tmp / "contact.key")}
    server = subprocess.Popen([JEJAK, "serve", "--port", str(port)], env=env, cwd=tmp,
                              stdout=open(tmp / "server.log", "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        nip, ticket = city(url, base, tokens["admin"])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_context(viewport={"width": 1200, "height": 800}, locale="id-ID").new_page()

            def shot(name: str) -> None:
                path = OUT / f"console-{name}.png"
                page.screenshot(path=str(path))
                print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")

            def sign_in(role: str) -> None:
                page.context.clear_cookies()
                page.goto(base + "/console/masuk")
                page.fill("#token", tokens[role])
                page.click("form.stack button[type=submit]")
                page.wait_for_load_state()

            page.goto(base + "/console/masuk")
            shot("masuk")
            sign_in("inspector")
            page.goto(base + "/console/temuan?kind=backdated")
            row = page.locator("#flags tbody tr").first
            row.locator("textarea").fill("SK susulan diperiksa: TMT sesuai SK asli, wajar")
            row.locator("form.review button").click()
            page.wait_for_load_state()
            page.goto(base + "/console/temuan?rule=promotion_two_baik_years")
            shot("temuan")
            sign_in("auditor")
            page.goto(base + f"/console/pegawai?q={nip[:8]}")
            shot("cari")
            page.goto(base + "/console/kunci")
            page.fill("#pinned-key", public_pem(load_key_file(tmp / "signing.key").public_key()))
            page.click("#pin-form button")
            page.wait_for_selector("#pin-form output[data-result=ok]")
            shot("kunci")
            page.goto(base + f"/console/pegawai/{nip}")
            shot("pegawai")
            page.locator("#axes").scroll_into_view_if_needed()
            shot("linimasa")
            row = page.locator("#timeline tbody tr").last
            row.locator("button.proof").click()
            page.wait_for_selector("#timeline tbody tr:last-child output[data-result=ok]")
            row.scroll_into_view_if_needed()
            shot("bukti")
            page.goto(base + f"/console/perubahan?subject={nip}&type=PromotionGranted")
            shot("perubahan")
            page.goto(base + "/console/unit/BKPSDM")
            shot("unit")
            page.goto(base + "/console/bukti-audit")
            shot("bukti-audit")
            sign_in("admin")
            page.goto(base + "/console/aduan")
            shot("aduan")
            page.goto(base + f"/console/aduan/{ticket}")
            shot("tiket")
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
