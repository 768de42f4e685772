"""Job kinds and their handlers. Handlers are normal functions that tests call directly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Retry:
    """Run the same job again after `after_seconds` (a durable sleep, not a thread sleep)."""

    after_seconds: float


Handler = Callable[[Any, dict[str, Any]], Retry | None]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not fn:
            raise RuntimeError(f"job kind {kind!r} registered twice")
        _HANDLERS[kind] = fn
        return fn

    return register


def lookup(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise RuntimeError(f"no handler for job kind {kind!r}; is its tasks module imported?") from None


def kinds() -> list[str]:
    return sorted(_HANDLERS)
