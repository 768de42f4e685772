"""The API's calls as plain request descriptions, shared by the sync and the async client, and the
parsing of their answers into the server's own wire models (so client and server cannot drift)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel

from idscan.testmode import schemas as testmode
from idscan.transactions import schemas as trx
from idscan.webhooks import schemas as hooks

API = "/id-scan/v1"
Method = Literal["GET", "POST", "PATCH", "PUT", "DELETE"]


@dataclass(frozen=True, slots=True)
class Call:
    method: Method
    path: str  # below the service's base URL
    params: Mapping[str, str | int] = field(default_factory=dict)
    json: Any = None
    # How to read a 2xx answer: a wire model, raw bytes, or nothing.
    parse: Callable[[bytes], Any] | None = None


def _model(model: type[BaseModel]) -> Callable[[bytes], Any]:
    return model.model_validate_json


def _json(body: bytes) -> Any:
    import json

    return json.loads(body)


def _raw(body: bytes) -> bytes:
    return body


def _body(value: BaseModel | Mapping[str, Any]) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dict(value)


def _id(value: str) -> str:
    return quote(value, safe="")


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def create_transaction(request: trx.TransactionCreate | Mapping[str, Any]) -> Call:
    return Call("POST", f"{API}/transactions", json=_body(request), parse=_model(trx.TransactionCreated))


def get_transaction(transaction_id: str) -> Call:
    return Call("GET", f"{API}/transactions/{_id(transaction_id)}", parse=_model(trx.TransactionOut))


def list_transactions(
    *,
    state: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Call:
    params: dict[str, str | int] = {"limit": limit}
    for key, value in (
        ("state", state),
        ("createdAfter", _time(created_after)),
        ("createdBefore", _time(created_before)),
        ("cursor", cursor),
    ):
        if value is not None:
            params[key] = value
    return Call("GET", f"{API}/transactions", params=params, parse=_model(trx.TransactionPage))


def cancel_transaction(transaction_id: str) -> Call:
    return Call("DELETE", f"{API}/transactions/{_id(transaction_id)}")


def get_result(transaction_id: str, result_id: str) -> Call:
    return Call("GET", f"{API}/transactions/{_id(transaction_id)}/results/{_id(result_id)}", parse=_json)


def get_report(transaction_id: str, result_id: str, kind: Literal["simple", "extended"]) -> Call:
    path = f"{API}/transactions/{_id(transaction_id)}/results/{_id(result_id)}/report"
    return Call("GET", path, params={"type": kind}, parse=_raw)


def download(url_or_token: str) -> Call:
    token = url_or_token.rstrip("/").rsplit("/", 1)[-1]
    return Call("GET", f"{API}/downloads/{_id(token)}", parse=_raw)


def create_webhook(request: hooks.WebhookCreate | Mapping[str, Any]) -> Call:
    return Call("POST", f"{API}/webhooks", json=_body(request), parse=_model(hooks.WebhookOut))


def list_webhooks() -> Call:
    return Call("GET", f"{API}/webhooks", parse=_model(hooks.WebhookList))


def get_webhook(webhook_id: str) -> Call:
    return Call("GET", f"{API}/webhooks/{_id(webhook_id)}", parse=_model(hooks.WebhookOut))


def update_webhook(webhook_id: str, request: hooks.WebhookUpdate | Mapping[str, Any]) -> Call:
    return Call(
        "PATCH", f"{API}/webhooks/{_id(webhook_id)}", json=_body(request), parse=_model(hooks.WebhookOut)
    )


def delete_webhook(webhook_id: str) -> Call:
    return Call("DELETE", f"{API}/webhooks/{_id(webhook_id)}")


def list_deliveries(webhook_id: str, *, cursor: str | None = None, limit: int = 20) -> Call:
    params: dict[str, str | int] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
    path = f"{API}/webhooks/{_id(webhook_id)}/deliveries"
    return Call("GET", path, params=params, parse=_model(hooks.DeliveryPage))


def test_webhook(webhook_id: str) -> Call:
    return Call("POST", f"{API}/webhooks/{_id(webhook_id)}/test", parse=_model(hooks.DeliveryOut))


def retry_delivery(webhook_id: str, delivery_id: str) -> Call:
    path = f"{API}/webhooks/{_id(webhook_id)}/deliveries/{_id(delivery_id)}/retry"
    return Call("POST", path, parse=_model(hooks.DeliveryOut))


def simulate(transaction_id: str, outcome: str) -> Call:
    # Sent as given: the server judges it (a 422 names the outcomes it knows).
    body = {"outcome": str(outcome)}
    path = f"{API}/test/transactions/{_id(transaction_id)}/simulate"
    return Call("POST", path, json=body, parse=_model(testmode.SimulateOut))
