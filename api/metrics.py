"""Prometheus metrics: requests and latency per route template, and the ledger's own gauges read at scrape.

Request counters and histograms live in prometheus_client's multiprocess files when
`PROMETHEUS_MULTIPROC_DIR` is set (`jejak serve` always sets it), so one scrape of any gunicorn
worker counts every worker's requests. The ledger gauges (head, projection lag, checkpoint and
cosignature ages) are read from the database at each scrape: the same answer from every worker.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LABELS = ("method", "route", "status")


def _age(text: str | None, now: float) -> float | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return max(now - moment.timestamp(), 0.0)


def lags(services: Any) -> tuple[int, dict[str, int]]:
    """(ledger head, events each read model is behind it)."""
    rows = services.projections.status(services.ledger)
    head = rows[0]["head"] if rows else services.ledger.head()
    return head, {row["name"]: row["lag"] for row in rows}


class LedgerCollector:
    """The ledger's state as gauges, read from the database when scraped (never cached per process)."""

    def __init__(self, services: Any) -> None:
        self.services = services

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("jejak_database_up", "1 when the database answered this scrape, else 0")
        try:
            head, behind = lags(self.services)
            recorder = self.services.ledger.recorder
            checkpoint = recorder.query("SELECT MAX(issued_at) FROM jejak_checkpoints")[0][0]
            cosigned = recorder.query("SELECT MAX(received_at) FROM jejak_cosignatures")[0][0]
        except Exception:  # noqa: BLE001 - a scrape reports the database down instead of failing
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("jejak_ledger_head_position", "Position of the ledger's last event (its size)",
                                value=head)
        lag = GaugeMetricFamily("jejak_projection_lag_events", "Events the read model has not applied yet",
                                labels=["model"])
        for name, value in sorted(behind.items()):
            lag.add_metric([name], value)
        yield lag
        now = time.time()
        for name, text, what in (("jejak_last_checkpoint_age_seconds", checkpoint, "the last signed checkpoint"),
                                 ("jejak_last_cosignature_age_seconds", cosigned, "the last witness cosignature")):
            age = _age(text, now)
            if age is not None:  # absent until there is one: alert with absent() or on the age
                yield GaugeMetricFamily(name, f"Seconds since {what} was stored", value=age)


class Metrics:
    """One per app: the request instruments and how a scrape is assembled."""

    def __init__(self, services: Any) -> None:
        self.directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.registry = CollectorRegistry()
        self.requests = Counter("jejak_http_requests", "HTTP requests answered, per route template and status",
                                LABELS, registry=self.registry)
        self.latency = Histogram("jejak_http_request_duration_seconds", "Time to answer, per route template "
                                 "and status", LABELS, buckets=BUCKETS, registry=self.registry)
        self.ledger = LedgerCollector(services)
        if not self.directory:
            self.registry.register(self.ledger)
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, str(status))
        children = self._children.get(key)
        if children is None:  # labels() takes a lock and hashes; keep the pair per label set
            children = self._children.setdefault(key, (self.requests.labels(*key), self.latency.labels(*key)))
        children[0].inc()
        children[1].observe(seconds)

    def scrape(self) -> bytes:
        if not self.directory:
            return generate_latest(self.registry)
        registry = CollectorRegistry()  # every worker's files, merged, plus the ledger read now
        MultiProcessCollector(registry, path=self.directory)
        registry.register(self.ledger)
        return generate_latest(registry)
