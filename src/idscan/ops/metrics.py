"""Prometheus metrics, on a registry per container so several apps can live in one process."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "idscan_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
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
            "Webhook delivery attempts by outcome (success, http_error, timeout, network_error, refused).",
            ["outcome"],
            registry=self.registry,
        )

    def watch_queue_depth(self, read: Callable[[], int]) -> None:
        self.registry.register(_QueueDepth(read))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _QueueDepth(Collector):
    def __init__(self, read: Callable[[], int]) -> None:
        self._read = read

    def collect(self):  # type: ignore[no-untyped-def]
        gauge = GaugeMetricFamily("idscan_job_queue_depth", "Durable jobs enqueued or running.")
        try:
            gauge.add_metric([], float(self._read()))
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database blinked
            gauge.add_metric([], float("nan"))
        yield gauge
