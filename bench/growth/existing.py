"""The growth bench's figures on a growth database that already exists (a kept cache, or one left by a stopped
build), with whichever code is on PYTHONPATH: the A/B of two versions on the same data.

    PYTHONPATH=<tree> .venv/bin/python -m bench.growth.existing --url postgresql://postgres@127.0.0.1/DB \\
        [--samples 200] [--repeat 1]

Prints one JSON line: each figure's [p50, p99] in ms.
"""

from __future__ import annotations

import argparse
import json

from bench.growth.measure import measure


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.growth.existing", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the growth database (sqlite:///FILE or postgresql://...)")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    backend = "postgres" if args.url.startswith("postgres") else "sqlite"
    out = measure(backend, args.url, args.samples, args.repeat)
    print(json.dumps({k: [v["p50_ms"], v["p99_ms"]] for k, v in out["latency"].items()}))


if __name__ == "__main__":
    main()
