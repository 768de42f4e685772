"""The narrow seam between the seal and a timestamp authority (RFC 3161 over HTTP).

`seal.py` only sees `TimestampClient.request(query_der) -> reply_der`; tests hand it a local
server's URL, and any failure to get a reply becomes `TimestampUnavailableError` (503), because a
configured TSA that cannot be reached must fail the request rather than seal at a lower level.
"""

from __future__ import annotations

from typing import Protocol

import httpx

from idscan.errors import ServiceUnavailableError


class TimestampUnavailableError(ServiceUnavailableError):
    default_detail = "The timestamp authority is not reachable; the report was not sealed."


class TimestampClient(Protocol):
    def request(self, query_der: bytes) -> bytes:
        """Send a DER TimeStampReq, return the DER TimeStampResp; raise TimestampUnavailableError."""
        ...


class HttpTimestampClient:
    """RFC 3161 over HTTP(S) POST. The URL comes from the operator's settings, never from a
    request, so it may point at an internal TSA; redirects are not followed. One connection pool
    per instance (a seal asks twice: once to size the signature, once for the real token)."""

    def __init__(self, url: str, timeout_seconds: float = 10.0) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self._client: httpx.Client | None = None

    def request(self, query_der: bytes) -> bytes:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout_seconds, follow_redirects=False)
        try:
            reply = self._client.post(
                self.url,
                content=query_der,
                headers={
                    "Content-Type": "application/timestamp-query",
                    "Accept": "application/timestamp-reply",
                },
            )
        except httpx.HTTPError as exc:
            raise TimestampUnavailableError(f"Timestamp authority {self.url}: {type(exc).__name__}") from exc
        if reply.status_code != 200 or not reply.content:
            raise TimestampUnavailableError(f"Timestamp authority {self.url} answered {reply.status_code}.")
        return reply.content

    def __enter__(self) -> HttpTimestampClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
