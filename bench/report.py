"""The report of `make bench`: every figure, the growth and the goals as tables, and docs/PERFORMANCE.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[1] / "docs" / "PERFORMANCE.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def summary_rows(results: dict[str, dict[str, Any]]) -> list[list[str]]:
    rows = []
    for backend, sections in results.items():
        for name, s in sections.items():
            for k, v in s.get("figures", {}).items():
                rows.append([name, backend, k, fmt(v)])
    return rows


def growth_rows(results: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    sizes: list[int] = []
    for sections in results.values():
        if "growth" in sections:
            sizes = sorted(set(sizes) | {p["events"] for p in sections["growth"]["points"]})
    rows = []
    for backend, sections in results.items():
        if "growth" not in sections:
            continue
        r = sections["growth"]
        by_size = {p["events"]: p for p in r["points"]}
        for name in r["points"][0]["latency"]:
            cells = [f"{by_size[s]['latency'][name]['p50_ms']:.2f} / {by_size[s]['latency'][name]['p99_ms']:.2f}"
                     if s in by_size else "-" for s in sizes]
            sl = r["slopes"].get(name)
            growth = f"{sl['p50']['growth']} (x{sl['p50']['x']})" if sl else "-"
            rows.append([backend, name, *cells, growth])
    return ["backend", "figure (p50 / p99 ms)", *[f"{s:,} events" for s in sizes], "p50 growth"], rows


def markdown(columns: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def goal_cells(g: dict[str, Any]) -> list[str]:
    return [g["backend"], g["goal"], g["target"], f"{fmt(g['reached'])} {g['unit']}", fmt(g["ratio"]),
            "yes" if g["met"] else "no"]


GOAL_COLUMNS = ["backend", "goal", "target", "reached", "ratio (>= 1 met)", "met"]


def docs_section(summary: dict[str, Any]) -> str:
    m = summary["machine"]
    cols, grows = growth_rows(summary["results"])
    parts = [
        f"Run {summary['started']} ({summary['mode']}, `{summary['command']}`), {summary['duration_s'] / 60:.1f} min; "
        f"every figure the median of {summary['repeat']} round(s), each beside its baseline measured in the same "
        f"round.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, SQLite "
        f"{m['sqlite']}, PostgreSQL {m['postgresql']}, eventsourcing {m['eventsourcing']}, SQLAlchemy "
        f"{m['sqlalchemy']}; load average at start {m['load_average'][0]:.2f}, at end "
        f"{summary['load_average_end'][0]:.2f}" + (f". {summary['note']}" if summary.get("note") else "."),
        "", "### Goals", "", markdown(GOAL_COLUMNS, [goal_cells(g) for g in summary["goals"]]),
    ]
    if grows:
        parts += ["", "### Growth", "", markdown(cols, grows)]
    parts += ["", "### Every figure", "", markdown(["section", "backend", "figure", "value"],
                                                    summary_rows(summary["results"]))]
    return "\n".join(parts)


def write_docs(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Latest run\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{section}\n{END}{tail}")
