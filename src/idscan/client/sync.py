"""The synchronous client: one httpx.Client, a fresh short-lived token per request."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import httpx

from idscan.auth.tokens import issue
from idscan.client import requests
from idscan.client.errors import from_response
from idscan.testmode import schemas as testmode
from idscan.transactions import schemas as trx
from idscan.webhooks import schemas as hooks


class IdScanClient:
    """`IdScanClient("https://idscan.example", kid, secret)`; use it as a context manager or `close()`."""

    def __init__(
        self,
        base_url: str,
        kid: str,
        secret: str,
        *,
        timeout: float = 30.0,
        token_ttl: int = 60,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._kid, self._secret, self._ttl = kid, secret, token_ttl
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport, follow_redirects=False
        )

    def __enter__(self) -> IdScanClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, call: requests.Call) -> Any:
        headers = {"Authorization": f"Bearer {issue(self._kid, self._secret, ttl=self._ttl)}"}
        response = self._http.request(
            call.method, call.path, params=call.params, json=call.json, headers=headers
        )
        if response.status_code >= 400:
            raise from_response(
                response.status_code, _json_or_none(response), response.headers.get("retry-after")
            )
        return call.parse(response.content) if call.parse is not None else None

    def create_transaction(
        self, request: trx.TransactionCreate | Mapping[str, Any]
    ) -> trx.TransactionCreated:
        """Create a transaction; the answer holds the page `url` to show the end user."""
        result: trx.TransactionCreated = self._call(requests.create_transaction(request))
        return result

    def get_transaction(self, transaction_id: str) -> trx.TransactionOut:
        """A transaction with its tasks (and its `url` while pending)."""
        result: trx.TransactionOut = self._call(requests.get_transaction(transaction_id))
        return result

    def list_transactions(
        self,
        *,
        state: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        cursor: str | None = None,
        limit: int = 20,
    ) -> trx.TransactionPage:
        """One page of the account's transactions, newest first; pass `next_cursor` on."""
        result: trx.TransactionPage = self._call(
            requests.list_transactions(
                state=state,
                created_after=created_after,
                created_before=created_before,
                cursor=cursor,
                limit=limit,
            )
        )
        return result

    def cancel_transaction(self, transaction_id: str) -> None:
        """Cancel (when pending) and erase the transaction's personal data now."""
        self._call(requests.cancel_transaction(transaction_id))

    def get_result(self, transaction_id: str, result_id: str) -> dict[str, Any]:
        """The result body (API section 3): every field with its sources, validity and comparison."""
        result: dict[str, Any] = self._call(requests.get_result(transaction_id, result_id))
        return result

    def get_report(
        self, transaction_id: str, result_id: str, kind: Literal["simple", "extended"] = "simple"
    ) -> bytes:
        """The audit report PDF; `extended` is sealed and available until the transaction expires."""
        result: bytes = self._call(requests.get_report(transaction_id, result_id, kind))
        return result

    def download(self, url_or_token: str) -> bytes:
        """A file of a result (a document image with the redactions applied, the portrait, the selfie)."""
        result: bytes = self._call(requests.download(url_or_token))
        return result

    def create_webhook(self, request: hooks.WebhookCreate | Mapping[str, Any]) -> hooks.WebhookOut:
        """Subscribe a URL; the answer holds the signing `secret`."""
        result: hooks.WebhookOut = self._call(requests.create_webhook(request))
        return result

    def list_webhooks(self) -> hooks.WebhookList:
        """The account's webhooks."""
        result: hooks.WebhookList = self._call(requests.list_webhooks())
        return result

    def get_webhook(self, webhook_id: str) -> hooks.WebhookOut:
        """One webhook."""
        result: hooks.WebhookOut = self._call(requests.get_webhook(webhook_id))
        return result

    def update_webhook(
        self, webhook_id: str, request: hooks.WebhookUpdate | Mapping[str, Any]
    ) -> hooks.WebhookOut:
        """Change a webhook's URL, events or headers."""
        result: hooks.WebhookOut = self._call(requests.update_webhook(webhook_id, request))
        return result

    def delete_webhook(self, webhook_id: str) -> None:
        """Stop delivering to a webhook."""
        self._call(requests.delete_webhook(webhook_id))

    def list_deliveries(
        self, webhook_id: str, *, cursor: str | None = None, limit: int = 20
    ) -> hooks.DeliveryPage:
        """A webhook's delivery log, newest first: each attempt's status or error."""
        result: hooks.DeliveryPage = self._call(
            requests.list_deliveries(webhook_id, cursor=cursor, limit=limit)
        )
        return result

    def simulate(self, transaction_id: str, outcome: str) -> testmode.SimulateOut:
        """Test keys only: drive a test transaction to an outcome (`document_valid`, ...) through the
        real pipeline; the result and webhooks follow as for a real capture."""
        result: testmode.SimulateOut = self._call(requests.simulate(transaction_id, outcome))
        return result

    def test_webhook(self, webhook_id: str) -> hooks.DeliveryOut:
        """Send a signed `webhook.ping` now and get its delivery back."""
        result: hooks.DeliveryOut = self._call(requests.test_webhook(webhook_id))
        return result

    def retry_delivery(self, webhook_id: str, delivery_id: str) -> hooks.DeliveryOut:
        """Send a delivery's event again now."""
        result: hooks.DeliveryOut = self._call(requests.retry_delivery(webhook_id, delivery_id))
        return result


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
