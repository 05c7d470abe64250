"""Per-address rate limits for the public portal, so one client cannot flood the feedback channel.

A sliding window per client address, kept in memory per server process. It is a
brake on abuse, not an accounting system: a restart forgets it, and each worker
process of a multi-process server keeps its own window.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Callable


class RateLimiter:
    """At most `limit` hits per `window` seconds for each key (a client address)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be at least 1 and window above 0 seconds")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Count one request; returns 0 when allowed, else the seconds to wait (Retry-After)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:
                    self._prune(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return 0

    def _prune(self, now: float) -> None:
        """Forget addresses whose window has passed, so memory stays bounded."""
        stale = [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]
        for k in stale:
            del self._hits[k]
        if len(self._hits) >= self.max_keys:  # all active: drop the oldest quarter
            oldest = sorted(self._hits, key=lambda k: self._hits[k][-1])[: self.max_keys // 4]
            for k in oldest:
                del self._hits[k]


def parse_rate(text: str) -> tuple[int, float]:
    """`"5/600"` (5 per 600 seconds) or `"5/minute"` to (limit, window seconds)."""
    units = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
    try:
        count, per = text.split("/", 1)
        window = float(units[per]) if per in units else float(per)
        limit = int(count)
    except (ValueError, KeyError):
        raise ValueError(f"rate {text!r}: write COUNT/SECONDS or COUNT/minute|hour|day, e.g. 5/600") from None
    if limit < 1 or window <= 0:
        raise ValueError(f"rate {text!r}: count must be at least 1 and the window above 0, e.g. 5/600")
    return limit, window
