"""One delivery attempt: sign the event with Standard Webhooks, send it, record the outcome."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    error: str | None


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
    # Custom headers first: the signature headers must win over anything an integrator set.
    headers = {**custom_headers, **signed_headers(secret, event_id, now, payload)}
    try:
        response = client.post(url, payload, headers)
    except OutboundRequestRefusedError as exc:
        return AttemptOutcome(False, "refused", None, 0, exc.detail)
    except httpx.TimeoutException:
        return AttemptOutcome(False, "timeout", None, 0, "timeout")
    except httpx.HTTPError as exc:
        # The exception text names the host at most; never a body.
        return AttemptOutcome(False, "network_error", None, 0, type(exc).__name__)
    ok = 200 <= response.status < 300
    return AttemptOutcome(
        ok,
        "success" if ok else "http_error",
        response.status,
        response.duration_ms,
        None if ok else f"HTTP {response.status}",
    )
