"""axe-core for the browser tests: `npm pack axe-core@4` once into a cache outside the repository (MPL-2.0,
fetched from the npm registry at test time, never vendored), then run in the page by Playwright."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

CACHE = Path.home() / ".cache" / "jejak" / "axe"


def axe_source() -> str:
    script = CACHE / "axe.min.js"
    if not script.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(["npm", "pack", "axe-core@4", "--pack-destination", str(CACHE)], cwd=CACHE,
                                capture_output=True, text=True, timeout=300, check=True).stdout.strip().splitlines()[-1]
        with tarfile.open(CACHE / packed) as tar:
            script.write_bytes(tar.extractfile("package/axe.min.js").read())
    return script.read_text(encoding="utf-8")


def serious_violations(page, source: str) -> list[dict]:
    """axe's serious and critical violations on the page as it is now: (rule, impact, first target)."""
    page.evaluate(source)
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"rule": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "first": v["nodes"][0]["target"]}
            for v in result if v["impact"] in ("serious", "critical")]
