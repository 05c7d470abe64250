"""Counts from the reliability scenarios, and the table of docs/RELIABILITY.md built from them.

Every scenario test calls `record(...)` once per backend with what it counted;
the results land as JSON files in `build/reliability/` (or `$JEJAK_RELIABILITY_OUT`).
`python tests/support/reliability_report.py` then rewrites the table between
the markers of docs/RELIABILITY.md from the last run's files.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("JEJAK_RELIABILITY_OUT", ROOT / "build" / "reliability"))
DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- reliability-table:begin -->", "<!-- reliability-table:end -->"
COLUMNS = ("scenario", "backend", "runs", "requests", "events", "lost", "duplicated", "5xx", "notes")


def record(scenario: str, backend: str, *, runs: int, requests: int, events: int, lost: int,
           duplicated: int, server_errors: int, notes: str = "") -> Path:
    """Write one scenario's counts for one backend (overwrites the previous run's)."""
    OUT.mkdir(parents=True, exist_ok=True)
    row = {"scenario": scenario, "backend": backend, "runs": runs, "requests": requests,
           "events": events, "lost": lost, "duplicated": duplicated, "5xx": server_errors,
           "notes": notes, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path = OUT / f"{scenario.replace(' ', '_').replace('/', '_')}-{backend}.json"
    path.write_text(json.dumps(row, indent=1) + "\n", encoding="utf-8")
    return path


def rows() -> list[dict]:
    return sorted((json.loads(p.read_text(encoding="utf-8")) for p in OUT.glob("*.json")),
                  key=lambda r: (r["scenario"], r["backend"]))


def table() -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows():
        lines.append("| " + " | ".join(str(r.get(c, "")) for c in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> int:
    found = rows()
    if not found:
        print(f"no results in {OUT}: run `make test` (or pytest tests/reliability) first", file=sys.stderr)
        return 1
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Reliability\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    stamp = max(r["at"] for r in found)
    DOC.write_text(f"{head}{BEGIN}\nLast run: {stamp} (UTC), {len(found)} rows.\n\n{table()}\n{END}{tail}",
                   encoding="utf-8")
    print(f"{DOC}: {len(found)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
