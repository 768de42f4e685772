"""Delivery states (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class DeliveryState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


def next_wait(schedule: Sequence[float], attempts_made: int) -> float | None:
    """Seconds to wait before the next attempt, or None when the schedule is exhausted."""
    return schedule[attempts_made - 1] if 0 < attempts_made <= len(schedule) else None
