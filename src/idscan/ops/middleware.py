"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): body limits, content type, metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idscan.http_errors import problem
from idscan.ops.metrics import Metrics

log = logging.getLogger("idscan.access")

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _BodyTooLargeError(Exception):
    pass


class RequestGuard:
    """Refuse oversized bodies (by header and by counting) and non-JSON API bodies; count
    requests and latency per route template (never the raw path, which may hold tokens)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        json_limit: int,
        limit_for_path: Callable[[str], int | None],
        api_prefix: str,
        access_log: bool = True,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.json_limit = json_limit
        self.limit_for_path = limit_for_path
        self.api_prefix = api_prefix
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_holder = [500]
        method: str = scope["method"]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
            await send(message)

        try:
            rejection = self._reject(scope, method)
            if rejection is not None:
                await rejection(scope, receive, send_wrapper)
            else:
                limit = self.limit_for_path(scope["path"]) or self.json_limit
                await self.app(scope, _counting(receive, limit), send_wrapper)
        except _BodyTooLargeError:
            await problem(413, "payload_too_large", "The request body is too large.")(
                scope, receive, send_wrapper
            )
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(method, template, str(status_holder[0])).inc()
            self.metrics.latency.labels(method, template).observe(elapsed)
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "route": template,
                        "status": status_holder[0],
                        "ms": round(elapsed * 1000, 2),
                    },
                )

    def _reject(self, scope: Scope, method: str) -> Any:
        if method not in _BODY_METHODS:
            return None
        path: str = scope["path"]
        headers = dict(scope["headers"])
        limit = self.limit_for_path(path) or self.json_limit
        length = headers.get(b"content-length")
        if length is not None:
            try:
                if int(length) > limit:
                    return problem(413, "payload_too_large", f"The request body exceeds {limit} bytes.")
            except ValueError:
                return problem(400, "invalid_json", "Invalid Content-Length.")
        if path.startswith(self.api_prefix) and self.limit_for_path(path) is None:
            content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
            has_body = length not in (None, b"0") or b"transfer-encoding" in headers
            if has_body and not (content_type == b"application/json" or content_type.endswith(b"+json")):
                return problem(415, "unsupported_media_type", "Send the body as application/json.")
        return None


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLargeError
        return message

    return wrapped
