"""The portal's screenshots in docs/PORTAL.md, remade: a small demo city served for real, in Debian's chromium.

Each main page at 390 px (a phone) and 1280 px, the top of the page only (a PNG of a whole page
would be megabytes), written to docs/img/portal-<page>-<width>.png. The city and its date are
fixed (seed 1, 300 ASN, history to 1 December 2026), so the pictures change only when the portal does.

    .venv/bin/python -m bench.screenshots [--out docs/img]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator
from contextlib import contextmanager
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-01"
CHROMIUM = "/usr/bin/chromium"
HEIGHT = {390: 844, 1280: 800}


def pages(unit: str) -> dict[str, str]:
    """name: path. Last year's annual release shows every section; this year's monthly one is the default."""
    return {"overview": "/?tahun=2025", "unit": f"/opd/{unit}?tahun=2025", "feedback": "/masukan",
            "overview-charts": "/?tahun=2025#angka-utama"}


@contextmanager
def portal(tmp: Path) -> Iterator[str]:
    """`jejak demo` then `jejak serve` on a free port; the server is stopped on the way out."""
    jejak = str(Path(sys.executable).parent / "jejak")
    env = {**os.environ, "JEJAK_DATABASE_URL": f"sqlite:///{tmp / 'jejak.db'}",
           "JEJAK_SIGNING_KEY": str(tmp / "signing.key"), "JEJAK_PUBLIC_READ_RATE": "100000/60"}
    subprocess.run([jejak, "demo", "--employees", "300", "--years", "2", "--today", TODAY], env=env, cwd=tmp,
                   check=True, stdout=subprocess.DEVNULL)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([jejak, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"], env=env,
                            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def largest_unit(base: str) -> str:
    import json

    items = json.loads(urlopen(base + "/v1/public/units?release=R-2025", timeout=10).read())["items"]
    return max(items, key=lambda u: u["headcount"]["total"] if isinstance(u["headcount"]["total"], int) else -1)["code"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="jejak-screenshots-") as tmp, portal(Path(tmp)) as base, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for name, path in pages(largest_unit(base)).items():
            for width in (390, 1280):
                context = browser.new_context(viewport={"width": width, "height": HEIGHT[width]}, locale="id-ID")
                page = context.new_page()
                page.goto(base + path)
                target = args.out / f"portal-{name}-{width}.png"
                page.screenshot(path=str(target))
                print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                      f"{target.stat().st_size // 1024} KB")
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
