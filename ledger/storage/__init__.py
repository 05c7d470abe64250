"""Storage: the event store's recorders extended inside the write transaction (`recorders`),
the per-process aggregate cache (`cache`) and online backup and restore (`backup`). Storage may
use integrity (the recorders compute leaves as they write); integrity never uses storage. The
domain uses only this face."""

from ledger.storage.cache import AggregateCache, clone
from ledger.storage.recorders import recent_leaves

__all__ = ["AggregateCache", "clone", "recent_leaves"]
