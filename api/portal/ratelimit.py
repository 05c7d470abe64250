"""Rate limits for the public portal, shared by every worker, so one client cannot flood the feedback channel.

Flask-Limiter keeps the counts: in Redis when `JEJAK_REDIS_URL` is set (every worker and every
server behind the same Redis share one window), otherwise in this process's memory. Windows
slide (the moving-window strategy). The client is the connecting address, unless
`JEJAK_TRUSTED_PROXIES` says how many proxies of ours stand in front: then it is that many
entries from the right of `X-Forwarded-For` (entries further left are whatever the client
wrote, so they are never believed). An IPv6 client is its /64, the block one household or
host gets; an IPv4-mapped address counts as the IPv4 one.
"""

from __future__ import annotations

import ipaddress
import math
import time
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from limits import RateLimitItemPerSecond

from ledger.config import whole_number


class PortalLimits:
    """The portal's named limits (feedback, reads) over one shared storage."""

    def __init__(self, app: Flask, rates: dict[str, str], storage_uri: str | None, trusted_proxies: int,
                 prefix: str = "jejak-portal") -> None:
        self.trusted_proxies = trusted_proxies
        self.prefix = prefix
        self.items = {name: RateLimitItemPerSecond(*_item(text)) for name, text in rates.items()}
        # No default limits: the extension only holds the storage and the strategy; the portal
        # decides which requests count and answers refusals in the contract's shape.
        self.extension = Limiter(key_func=self.client, app=app, storage_uri=storage_uri or "memory://",
                                 strategy="moving-window", default_limits=[], headers_enabled=False,
                                 key_prefix=prefix, swallow_errors=False)

    def client(self) -> str:
        return client_bucket(client_address(request.remote_addr, request.headers.getlist("X-Forwarded-For"),
                                            self.trusted_proxies))

    def hit(self, name: str, client: str | None = None) -> int:
        """Count one request of `client` (default: this request's); 0 when allowed, else Retry-After seconds."""
        item, key = self.items[name], client if client is not None else self.client()
        strategy = self.extension.limiter
        if strategy.hit(item, self.prefix, name, key):
            return 0
        reset, _ = strategy.get_window_stats(item, self.prefix, name, key)
        return max(1, math.ceil(reset - time.time()))


def client_address(remote: str | None, forwarded: list[str], trusted_proxies: int) -> str:
    """The client's address: what our own `trusted_proxies` proxies saw, never what the client claims."""
    if trusted_proxies > 0:
        hops = [a.strip() for a in ",".join(forwarded).split(",") if a.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return remote or "unknown"


def client_bucket(address: str) -> str:
    """The bucket an address counts in: an IPv4 address, or the /64 of an IPv6 one."""
    try:
        ip: Any = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _item(text: str) -> tuple[int, int]:
    limit, window = parse_rate(text)
    return limit, max(1, math.ceil(window))


def parse_trusted_proxies(text: str | int | None) -> int:
    """`JEJAK_TRUSTED_PROXIES`: how many proxies of ours append to X-Forwarded-For (default 0: ignore it)."""
    try:
        return whole_number(text or 0, 0, 10)
    except ValueError:
        raise ValueError(f"{text!r}: the number of proxies in front of Jejak, 0 (none, the default) to 10") from None


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
