"""`make bench` runs end to end at tiny sizes on both backends and reports every goal as a number.

No timing is asserted: the figures of a tiny run mean nothing; what must hold is that every
section runs on SQLite and PostgreSQL and that the summary carries each goal row with a
numeric ratio, so a full run cannot silently drop a goal.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench.growth import slope

ROOT = Path(__file__).resolve().parents[2]
GOALS = ["bulk ingest with rules and integrity vs bare library batch save",
         "bulk ingest with read models caught up vs bare library batch save",
         "bulk ingest with integrity + read models vs raw insert", "batch ingest with integrity + projections vs raw insert", "single HTTP append vs bare library single save",
         "projection rebuild vs raw read + decode", "verify vs raw read", "audit query p99 at",
         "as_of / valid_at p99 at", "proof p99 at", "audit query flat from", "as_of / valid_at flat from",
         "proofs flat from"]


@pytest.mark.slow
def test_the_quick_harness_writes_every_goal_with_a_numeric_ratio_for_both_backends(tmp_path):
    docs = tmp_path / "PERFORMANCE.md"
    docs.write_text("# Performance\n\nHow to reproduce.\n\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\n"
                    "## Why goals are missed\n")
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--repeat", "1",
                           "--only", "ingest,http,projections,integrity,growth", "--results", str(tmp_path),
                           "--docs", str(docs)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["mode"] == "quick"
    for field in ("cpu", "cores", "ram_gb", "python", "sqlite", "postgresql"):
        assert summary["machine"][field], field
    assert not summary["machine"]["postgresql"].startswith("unreachable")
    for backend in ("sqlite", "postgres"):
        rows = [g for g in summary["goals"] if g["backend"] == backend]
        for goal in GOALS:
            found = [g for g in rows if g["goal"].startswith(goal)]
            assert len(found) == 1, (backend, goal, [g["goal"] for g in rows])
            g = found[0]
            assert isinstance(g["ratio"], (int, float)) and math.isfinite(g["ratio"]) and g["ratio"] > 0, g
            assert isinstance(g["reached"], (int, float)) and g["reached"] > 0, g
            assert g["met"] == (g["ratio"] >= 1), g
        # every figure is a median of the rounds and every rate sits beside its baseline
        figures = summary["results"][backend]
        assert figures["ingest"]["figures"]["raw_batch_per_s"] > 0
        assert figures["http"]["figures"]["es_single_per_s"] > 0
        assert [p["events"] for p in figures["growth"]["points"]] == sorted(p["events"] for p in
                                                                           figures["growth"]["points"])
    text = docs.read_text()
    assert "old table" not in text and "### Goals" in text
    assert text.startswith("# Performance\n\nHow to reproduce.") and text.endswith("## Why goals are missed\n")


@pytest.mark.parametrize("values, growth", [([1.0, 1.1], "flat"), ([1.0, 0.8], "flat"), ([1.0, 1.6], "log n"),
                                            ([1.0, 10.0], "sublinear"), ([1.0, 95.0], "linear")])
def test_growth_from_10k_to_1m_is_classified_by_how_much_a_figure_grows(values, growth):
    assert slope([10_000, 1_000_000], values)["growth"] == growth
