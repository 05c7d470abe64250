"""Growth: audit query, as_of/valid_at replay and proof latency at 10 k, 100 k and 1 M events.

One ledger per backend grows through `Ledger.record` in batches of 1,000 (real rules, real
leaf hashes and Merkle nodes): first one employee with a 1,000-event career, then training
records of 8,000 employees in 35 OPD by 50 operators, 30 s apart. At each size the audit
index is brought up to date (the read model `GET /v1/audit` reads) and, in the same run:

  audit actor / subject / unit+day   `projections.queries.audit`, the function the API calls
  as_of / valid_at                   `Ledger.state` of the 1,000-event employee as a server reads
                                     it (the process's aggregate cache warm: the events after the
                                     cached version, then the fold), beside a raw SELECT of its rows
  as_of cold                         the same on a Ledger without the cache (every event decoded
                                     on every read: a server's first read of that stream)
  inclusion / consistency proof      `StoredTree.inclusion` / `.consistency` at the full size

Each figure is the median over --repeat rounds of its p50 and p99; the slope column says
whether it stays flat, grows like log n, or grows linearly from the smallest to the largest size.

    .venv/bin/python -m bench.growth [--sizes 10000,100000,1000000] [--backends sqlite,postgres]
                                     [--samples 200] [--repeat 3] [--keep]

--keep caches each size's database (SQLite: a file copy; PostgreSQL: a template database) under
$TMPDIR/jejak-bench-growth, keyed by backend, size and seed, so a rerun skips the build.
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.common import console, table, write_results
from bench.growth.city import EMPLOYEES, grow, index
from bench.growth.databases import CACHE, cached, copy_database, disk_bytes, workspace
from bench.growth.measure import measure, slope, slopes

__all__ = ["SIZES", "run", "rows", "main", "measure", "slope", "slopes"]

SIZES = (10_000, 100_000, 1_000_000)


def run(backend: str, sizes: list[int], samples: int, repeat: int, keep: bool = False, seed: int = 1,
        employees: int = EMPLOYEES, career_events: int = 1000, follow: bool = False) -> dict[str, Any]:
    """Grow one ledger through `sizes`, measuring at each; returns points, build figures and slopes."""
    points, builds = [], []
    with workspace(backend) as work:
        for size in sizes:
            label = f"{backend} {size:,}"
            if keep and cached(backend, size, seed, employees):
                copy_database(backend, work, size, seed, save=False, employees=employees)
                # the read models as this code keeps them: indexes added since the cache was made, statistics
                build = {"cached": True, **index(work["url"], label)}
            else:
                build = {**grow(work["url"], size, label, employees, career_events, follow), **index(work["url"], label)}
                build["followed"] = follow
                if keep:
                    copy_database(backend, work, size, seed, save=True, employees=employees)
            point = measure(backend, work["url"], samples, repeat, employees, career_events)
            build["disk_bytes"] = disk_bytes(backend, work)  # docs/SCALE.md: the disk a size needs
            builds.append({"events": point["events"], **build})
            points.append(point)
            console.print(f"  {label}: " + ", ".join(
                f"{k} {v['p50_ms']}/{v['p99_ms']} ms" for k, v in point["latency"].items()))
    return {"points": points, "builds": builds, "slopes": slopes(points) if len(points) > 1 else {},
            "employees": employees, "career_events": career_events}


def rows(results: dict[str, Any]) -> list[list[Any]]:
    out = []
    for backend, r in results.items():
        for name in r["points"][0]["latency"]:
            cells = []
            for p in r["points"]:
                s = p["latency"][name]
                cells.append(f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}")
            sl = r["slopes"].get(name, {})
            growth = (f"{sl['p50']['growth']} (x{sl['p50']['x']}) / {sl['p99']['growth']} (x{sl['p99']['x']})"
                      if sl else "-")
            out.append([backend, name, *cells, growth])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="ascending ledger sizes in events")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--samples", type=int, default=200, help="calls per figure per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; figures are their medians")
    parser.add_argument("--keep", action="store_true", help=f"cache each size's database under {CACHE}")
    parser.add_argument("--follow", action="store_true",
                        help="a second process keeps the audit index caught up while recording (as a deployment's "
                             "follow worker); the build's index time is then only what was left")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if sizes != sorted(sizes) or sizes[0] < 10_000:
        parser.error("--sizes: ascending, the smallest at least 10,000 (the city and the career take ~9,100)")
    results = {b: run(b, sizes, args.samples, args.repeat, args.keep, follow=args.follow) for b in args.backends.split(",")}
    table("Growth: p50 / p99 ms at each size (median of rounds); growth from the first to the last size",
          ["backend", "figure", *[f"{s:,} events" for s in sizes], "growth p50 / p99"], rows(results))
    path = write_results("growth", {"sizes": sizes, "samples": args.samples, "repeat": args.repeat,
                                    "results": results})
    console.print(f"written {path}")
