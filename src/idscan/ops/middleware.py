"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): JSON API body limits and type, metrics,
access log."""

from __future__ import annotations

import logging
import time

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idscan.http_errors import problem
from idscan.ops.metrics import Metrics

log = logging.getLogger("idscan.access")

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class RequestGuard:
    """Refuse non-JSON bodies on the JSON API; count requests and latency per route template
    (never the raw path, which may hold a capability or download token)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        json_prefix: str,
        json_limit: int,
        access_log: bool = True,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.json_prefix = json_prefix
        self.json_limit = json_limit
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        method: str = scope["method"]

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            rejection = self._reject(scope, method)
            if rejection is not None:
                await rejection(scope, receive, send_wrapper)
            elif scope["path"].startswith(self.json_prefix):
                await self.app(scope, _limited(receive, self.json_limit), send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            template = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(elapsed)
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "route": template,
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                    },
                )

    def _reject(self, scope: Scope, method: str) -> Response | None:
        if method not in _BODY_METHODS or not scope["path"].startswith(self.json_prefix):
            return None
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        # A declared size over the limit is answered at once; a streamed body is counted as it comes.
        if length is not None and length.isdigit() and int(length) > self.json_limit:
            return problem(413, "payload_too_large", f"The request body exceeds {self.json_limit} bytes.")
        has_body = (length is not None and length != b"0") or b"transfer-encoding" in headers
        content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
        if has_body and not (content_type == b"application/json" or content_type.endswith(b"+json")):
            return problem(415, "unsupported_media_type", "Send the body as application/json.")
        return None


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                # An HTTPException passes through FastAPI's body reading to our problem handler.
                raise HTTPException(413, f"The request body exceeds {limit} bytes.")
        return message

    return counted
