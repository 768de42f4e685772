"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): request body limits and types, metrics,
access log."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idscan.container import Metrics
from idscan.http_errors import problem

log = logging.getLogger("idscan.access")


@dataclass(frozen=True, slots=True)
class BodyRule:
    """How large a request body may be on the paths `pattern` matches (in full), and which media
    types it may have (empty: any)."""

    pattern: re.Pattern[str]
    limit: int
    media_types: tuple[str, ...] = ()
    media_hint: str = ""

    def accepts(self, content_type: bytes) -> bool:
        if not self.media_types:
            return True
        media = content_type.split(b";", 1)[0].strip().lower().decode("latin-1")
        return any(media == t or (t.startswith("+") and media.endswith(t)) for t in self.media_types)


_TOKENISH = re.compile(r"[A-Za-z0-9_-]{20,}")


def masked_path(path: str) -> str:
    """The path without its query, at most 200 characters, long token-like segments masked."""
    return "/".join(_TOKENISH.sub("…", part) for part in path.split("/"))[:200]


class RequestGuard:
    """The one place for request body sizes: refuse a declared size over the path's limit at once,
    count a streamed body as it arrives and stop it at the limit, and refuse a wrong media type.

    A route may answer before it reads the body (an unknown link, a rate limit): then the connection
    is closed after the answer unless the declared size is within the limit, so the server never
    reads more than the limit of any body. Also counts requests and latency per route template
    (never the raw path, which may hold a capability or download token)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        rules: Sequence[BodyRule],
        default_limit: int,
        access_log: bool = True,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.rules = tuple(rules)
        self.default = BodyRule(re.compile(".*"), default_limit)
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        method: str = scope["method"]
        rule = next((r for r in self.rules if r.pattern.fullmatch(scope["path"])), self.default)
        body = _Body(scope, rule.limit)

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if not body.safe_to_keep_alive():
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            rejection = self._reject(rule, body)
            if rejection is not None:
                await rejection(scope, receive, send_wrapper)
            else:
                await self.app(scope, body.counted(receive), send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            template = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(method, template, status, elapsed, scope.get("idscan.mode", "none"))
            if self.access_log:
                extra = {
                    "method": method,
                    "route": template,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                }
                if template == "unmatched":
                    # Which path was asked for tells an operator what is probing or mistyped; a
                    # segment that could be a link token is masked (a mistyped hosted link holds one).
                    extra["path"] = masked_path(scope["path"])
                log.info("request", extra=extra)

    @staticmethod
    def _reject(rule: BodyRule, body: _Body) -> Response | None:
        # A declared size over the limit is answered at once; a streamed body is counted as it comes.
        if body.declared is not None and body.declared > rule.limit:
            return problem(413, "payload_too_large", f"The request body exceeds {rule.limit} bytes.")
        if body.present and not rule.accepts(body.content_type):
            return problem(415, "unsupported_media_type", rule.media_hint or "Unsupported media type.")
        return None


class _Body:
    """What the request declares about its body, and how much of it has been read."""

    def __init__(self, scope: Scope, limit: int) -> None:
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        self.limit = limit
        self.declared = int(length) if length is not None and length.isdigit() else None
        self.chunked = b"transfer-encoding" in headers
        self.present = self.chunked or (length is not None and length != b"0")
        self.content_type: bytes = headers.get(b"content-type", b"")
        self.expects_continue = headers.get(b"expect", b"").lower() == b"100-continue"
        self.seen = 0
        self.complete = not self.present

    def safe_to_keep_alive(self) -> bool:
        """After an answer, the server reads and drops what is left of the body to reuse the
        connection: allowed only for a declared size within the limit."""
        if self.complete:
            return True
        return not self.chunked and not self.expects_continue and (self.declared or 0) <= self.limit

    def counted(self, receive: Receive) -> Receive:
        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.seen += len(message.get("body", b""))
                if not message.get("more_body", False):
                    self.complete = True
                if self.seen > self.limit:
                    # An HTTPException passes through the route's body reading to our problem handler.
                    raise HTTPException(413, f"The request body exceeds {self.limit} bytes.")
            return message

        return counted
