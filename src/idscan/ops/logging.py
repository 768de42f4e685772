"""Structured logs. Only whitelisted context keys are written: no bodies, tokens, secrets or images."""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson

from idscan.ops.stderr_router import route_native_stderr

SAFE_KEYS = frozenset(
    {
        "method", "route", "status", "ms", "error", "kind", "count", "executor_id", "path",
        "transaction_id", "webhook_id", "delivery_id", "outcome", "attempt", "url_host",
    }
)  # fmt: skip


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in SAFE_KEYS:
            if key in record.__dict__:
                entry[key] = record.__dict__[key]
        if record.exc_info and record.exc_info[0] is not None:
            # The type and where it happened; exception messages may quote user input.
            entry["exception"] = record.exc_info[0].__name__
            entry["trace"] = self.formatException(record.exc_info).splitlines()[-12:-1]
        return orjson.dumps(entry, default=str).decode()


def configure(level: str, *, as_json: bool, route_native: bool = False) -> None:
    """The process's logging. `route_native`: also wrap what native libraries print to stderr (a
    long-running service with JSON logs; see `stderr_router`)."""
    if as_json and route_native:
        route_native_stderr()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Our own access log replaces uvicorn's, which would print raw paths (download tokens).
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in ("dbos", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
