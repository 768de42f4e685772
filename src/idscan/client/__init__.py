"""A Python client for the idscan API (and any service compatible with it).

    from idscan.client import IdScanClient

    with IdScanClient("https://idscan.example", KID, SECRET) as idscan:
        created = idscan.create_transaction({"tasks": ["document_scan"], "locale": "nl-NL"})
        # show created.url to the end user (iframe or redirect); later, on the webhook:
        detail = idscan.get_transaction(created.id)
        if detail.state == "completed":
            result = idscan.get_result(created.id, detail.result_id)

Each call signs a fresh short-lived token (HS256, the credential's key ID in `kid`). Answers are the
server's own wire models (`idscan.transactions.schemas`, `idscan.webhooks.schemas`); the result body
is returned as JSON (API section 3). Errors raise `IdScanError` subclasses built from problem+json.
`AsyncIdScanClient` has the same calls, awaited. `verify_webhook` checks a delivery on your side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from idscan.client.aio import AsyncIdScanClient
from idscan.client.errors import (
    ConflictError,
    GoneError,
    IdScanError,
    NotFoundError,
    PayloadTooLargeError,
    Problem,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    ValidationFailedError,
    WebhookSignatureError,
)
from idscan.client.sync import IdScanClient


def verify_webhook(secret: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """The event of a delivery your endpoint received, after checking its Standard Webhooks signature
    and timestamp against the webhook's `secret`; raises WebhookSignatureError otherwise. Pass the
    raw body, exactly as received."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    try:
        event: dict[str, Any] = Webhook(secret).verify(body, {k.lower(): v for k, v in headers.items()})
    except WebhookVerificationError as exc:
        raise WebhookSignatureError(str(exc)) from exc
    return event


__all__ = [
    "AsyncIdScanClient",
    "ConflictError",
    "GoneError",
    "IdScanClient",
    "IdScanError",
    "NotFoundError",
    "PayloadTooLargeError",
    "Problem",
    "RateLimitedError",
    "ServerError",
    "UnauthorizedError",
    "ValidationFailedError",
    "WebhookSignatureError",
    "verify_webhook",
]
