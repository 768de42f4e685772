"""One delivery attempt: sign the event with Standard Webhooks, send it, record the outcome."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from standardwebhooks.webhooks import Webhook as Signer

from idscan.errors import OutboundRequestRefusedError
from idscan.lib.http import OutboundClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    ok: bool
    outcome: str  # success | http_error | timeout | network_error | refused
    status: int | None
    duration_ms: int
    error: str | None  # error class and message, or "HTTP <status>"
    host: str | None = None
    # Set when no later attempt can succeed: refused (private target), invalid_url, gone (410).
    final_reason: str | None = None


def _describe(exc: Exception) -> str:
    # The class and the library's message (a host name and an OS error at most; never a body).
    message = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def encode_body(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(secret: str, event_id: str, when: datetime, payload: bytes) -> dict[str, str]:
    signature = Signer(secret).sign(event_id, when, payload.decode())
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }


def attempt(
    client: OutboundClient,
    *,
    url: str,
    secret: str,
    custom_headers: dict[str, str],
    event_id: str,
    body: dict[str, Any],
    now: datetime,
) -> AttemptOutcome:
    payload = encode_body(body)
    host = urlsplit(url).hostname
    # Custom headers first: the signature headers must win over anything an integrator set.
    headers = {**custom_headers, **signed_headers(secret, event_id, now, payload)}
    try:
        response = client.post(url, payload, headers)
    except OutboundRequestRefusedError as exc:
        final = "invalid_url" if exc.reason == "invalid_url" else "refused"
        return AttemptOutcome(False, "refused", None, 0, exc.detail, host, final)
    except httpx.TimeoutException as exc:
        return AttemptOutcome(False, "timeout", None, 0, _describe(exc), host)
    except httpx.HTTPError as exc:
        return AttemptOutcome(False, "network_error", None, 0, _describe(exc), host)
    ok = 200 <= response.status < 300
    return AttemptOutcome(
        ok,
        "success" if ok else "http_error",
        response.status,
        response.duration_ms,
        None if ok else f"HTTP {response.status}",
        host,
        # 410 Gone: the receiver says the endpoint is gone for good (the Standard Webhooks advice).
        "gone" if response.status == 410 else None,
    )
