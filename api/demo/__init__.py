"""A deterministic, realistic synthetic Kota Binjai, recorded through the ledger's own validation.

The CLI uses only this face: `generate` plans a city, `record` writes it through the ledger on a
simulated clock, and `import_lines` is `jejak import`'s line-by-line recorder."""

from api.demo.generator import generate
from api.demo.importer import import_lines, rejects_path
from api.demo.recording import DEMO_LEDGER_ENV, DemoRefused, SimClock, paused_gc, record, relax_sqlite_sync

__all__ = ["DEMO_LEDGER_ENV", "DemoRefused", "SimClock", "generate", "import_lines", "paused_gc", "record", "rejects_path",
           "relax_sqlite_sync"]
