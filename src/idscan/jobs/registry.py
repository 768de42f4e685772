"""Job kinds, their queues and their handlers. Handlers are normal functions that tests call directly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Queue(StrEnum):
    """Separate queues with their own concurrency, so that no kind of work can starve another."""

    # The original single queue's name: jobs enqueued before the split still run.
    PIPELINE = "idscan"  # documents, liveness, face match, reports: CPU-bound
    DELIVERIES = "idscan.deliveries"  # webhook attempts: network-bound, partitioned per webhook
    MAINTENANCE = "idscan.maintenance"  # sweeps and erasure: must run whatever else is queued


@dataclass(frozen=True, slots=True)
class Kind:
    """A job kind: its name (stored with every job) and the queue it runs on."""

    name: str
    queue: Queue

    def __str__(self) -> str:
        return self.name


Handler = Callable[[Any, dict[str, Any]], None]
# Called once when a job has failed for good (it raised every time, or it crashed its process
# more often than allowed): record the failure where the integrator sees it. Must be idempotent.
FailureHandler = Callable[[Any, dict[str, Any], str], None]


@dataclass(frozen=True, slots=True)
class Registered:
    kind: Kind
    run: Handler
    on_failure: FailureHandler | None


_HANDLERS: dict[str, Registered] = {}


def handler(kind: Kind, *, on_failure: FailureHandler | None = None) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        existing = _HANDLERS.get(kind.name)
        if existing is not None and existing.run is not fn:
            raise RuntimeError(f"job kind {kind.name!r} registered twice")
        _HANDLERS[kind.name] = Registered(kind, fn, on_failure)
        return fn

    return register


def lookup(name: str) -> Registered:
    try:
        return _HANDLERS[name]
    except KeyError:
        raise RuntimeError(f"no handler for job kind {name!r}; is its tasks module imported?") from None


def kinds() -> list[str]:
    return sorted(_HANDLERS)
