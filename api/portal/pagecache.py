"""Public pages computed once per change of the ledger, with single flight.

The overview reads every unit's aggregates and draws its charts; recomputing it for every visitor
after each write made a burst of visitors after a write cost a burst of computations. Here a page
is kept with the ledger head it was computed at (and the day in Binjai, for "this year"); the
first request that finds the head moved computes it again, and the requests arriving meanwhile
wait for that one computation instead of starting their own. Each gunicorn worker keeps its own
pages, so after a change each worker computes a page once (docs/PORTAL.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

MAX_PAGES = 512  # pages kept per process (one overview and unit pages by year: a few hundred at most)


class _Flight:
    """One computation in progress; the requests waiting for it read its outcome."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class PageCache:
    """Values kept per key and version; one computation per (key, version), however many ask at once."""

    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self.max_pages = max_pages
        self.lock = threading.Lock()
        self.pages: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self.flights: dict[tuple[Hashable, Hashable], _Flight] = {}
        self.computed = 0  # computations started, for tests and benchmarks

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of `key` at `version`: kept, being computed by another request, or computed now.
        A failed computation is kept by no one: its error goes to each request that waited for it."""
        with self.lock:
            kept = self.pages.get(key)
            if kept is not None and kept[0] == version:
                self.pages.move_to_end(key)
                return kept[1]
            flight = self.flights.get((key, version))
            leader = flight is None
            if leader:
                flight = self.flights[(key, version)] = _Flight()
                self.computed += 1
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = compute()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self.lock:
                del self.flights[(key, version)]
                if flight.error is None:
                    self.pages[key] = (version, flight.value)
                    self.pages.move_to_end(key)
                    while len(self.pages) > self.max_pages:
                        self.pages.popitem(last=False)
            flight.done.set()
        return flight.value
