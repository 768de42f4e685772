"""Prometheus metrics, on a registry per container so several apps can live in one process."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from idscan.jobs import QueueStats


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._queues: _Queues | None = None
        self.requests = Counter(
            "idscan_http_requests_total",
            "HTTP requests by route template, method, status and mode (live, test; none: no API key).",
            ["method", "route", "status", "mode"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "idscan_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.webhook_deliveries = Counter(
            "idscan_webhook_delivery_attempts_total",
            "Webhook delivery attempts by outcome (success, http_error, timeout, network_error, refused) "
            "and mode (live, test).",
            ["outcome", "mode"],
            registry=self.registry,
        )

    def observe_request(
        self, method: str, route: str, status: int, seconds: float, mode: str = "none"
    ) -> None:
        self.requests.labels(method, route, str(status), mode).inc()
        self.latency.labels(method, route).observe(seconds)

    def count_delivery(self, outcome: str, mode: str = "live") -> None:
        self.webhook_deliveries.labels(outcome, mode).inc()

    def watch_queues(self, read: Callable[[], Sequence[QueueStats]]) -> None:
        self._queues = _Queues(read)
        self.registry.register(self._queues)

    def render(self) -> bytes:
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        # Several processes (`idscan serve --workers N`): the sum over every process's metric files,
        # and the queues as this process reads them from the database.
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        if self._queues is not None:
            merged.register(self._queues)
        return generate_latest(merged)


class _Queues(Collector):
    def __init__(self, read: Callable[[], Sequence[QueueStats]]) -> None:
        self._read = read

    def collect(self):  # type: ignore[no-untyped-def]
        depth = GaugeMetricFamily(
            "idscan_job_queue_depth",
            "Durable jobs per queue and status (ENQUEUED: runnable, DELAYED: waiting for their time, "
            "PENDING: running).",
            labels=["queue", "status"],
        )
        oldest = GaugeMetricFamily(
            "idscan_job_oldest_wait_seconds",
            "How long the oldest runnable job of each queue has waited to start.",
            labels=["queue"],
        )
        try:
            stats = self._read()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database blinked
            stats = []
        for queue in stats:
            for status in ("ENQUEUED", "DELAYED", "PENDING"):
                depth.add_metric([queue.queue, status], float(queue.depth.get(status, 0)))
            oldest.add_metric([queue.queue], queue.oldest_wait_seconds)
        yield depth
        yield oldest
