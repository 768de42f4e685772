"""The published OpenAPI document states the rules the server enforces: what it refuses the schema
refuses, and what the schema allows the server accepts (the fuzzing test checks this at large)."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Caller

API = "/id-scan/v1"


def _schema_allows(client: TestClient, name: str, value: Any) -> bool:
    document = client.app.openapi()  # type: ignore[attr-defined]
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return bool(jsonschema_rs.validator_for(schema).is_valid(value))


def _send(client: TestClient, caller: Caller, name: str, body: dict[str, Any]) -> int:
    if name == "TransactionCreate":
        return client.post(f"{API}/transactions", json=body, headers=caller.headers()).status_code
    if name == "WebhookCreate":
        return client.post(f"{API}/webhooks", json=body, headers=caller.headers()).status_code
    hook = client.post(f"{API}/webhooks", json={"url": "https://a.example/h"}, headers=caller.headers())
    return client.patch(
        f"{API}/webhooks/{hook.json()['id']}", json=body, headers=caller.headers()
    ).status_code


SCAN = {"tasks": ["document_scan"]}
REFUSED: list[tuple[str, dict[str, Any]]] = [
    ("TransactionCreate", {"tasks": []}),
    ("TransactionCreate", {"tasks": ["face_liveness"]}),
    ("TransactionCreate", {"tasks": ["document_scan", "document_scan"]}),
    ("TransactionCreate", {**SCAN, "allowedOrigins": ["https://a.example; script-src *"]}),
    ("TransactionCreate", {**SCAN, "allowedOrigins": ["https://a.example", "https://a.example"]}),
    ("TransactionCreate", {**SCAN, "locale": "de-DE"}),
    ("TransactionCreate", {**SCAN, "returnUrl": "https://a.example/a b"}),
    ("TransactionCreate", {**SCAN, "expiresIn": "3600"}),
    ("TransactionCreate", {**SCAN, "settings": {"documentScan": {"captureSources": ["file", "file"]}}}),
    ("WebhookCreate", {"url": ""}),
    ("WebhookCreate", {"url": "ftp://a.example/h"}),
    ("WebhookCreate", {"url": "https://a.example/h", "events": []}),
    ("WebhookCreate", {"url": "https://a.example/h", "headers": {"Host": "x"}}),
    ("WebhookCreate", {"url": "https://a.example/h", "headers": {"webhook-id": "x"}}),
    ("WebhookCreate", {"url": "https://a.example/h", "headers": {"X-Key": " padded"}}),
    ("WebhookUpdate", {"events": []}),
    ("WebhookUpdate", {"url": ""}),
]
ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("TransactionCreate", {"tasks": ["face_liveness", "document_scan"], "locale": "NL-nl"}),
    ("TransactionCreate", {**SCAN, "expiresIn": 7200.0, "allowedOrigins": ["http://localhost:3000"]}),
    ("TransactionCreate", {**SCAN, "returnUrl": "https://Shop.example:8443/done?x=1#y"}),
    ("WebhookCreate", {"url": "https://a.example/h", "headers": {"X-Key": "a b\tc"}}),
    ("WebhookUpdate", {"events": ["task.state.updated"], "url": None}),
]


@pytest.mark.parametrize(("name", "body"), REFUSED, ids=[f"{n}-{b}" for n, b in REFUSED])
def test_what_the_server_refuses_the_schema_refuses(
    client: TestClient, caller: Caller, name: str, body: dict[str, Any]
) -> None:
    assert _send(client, caller, name, body) == 422
    assert not _schema_allows(client, name, body)


@pytest.mark.parametrize(("name", "body"), ACCEPTED, ids=[f"{n}-{b}" for n, b in ACCEPTED])
def test_what_the_schema_allows_the_server_accepts(
    client: TestClient, caller: Caller, name: str, body: dict[str, Any]
) -> None:
    assert _schema_allows(client, name, body)
    assert _send(client, caller, name, body) in (200, 201)


def test_a_cursor_has_a_published_form(client: TestClient, caller: Caller) -> None:
    for _ in range(2):
        client.post(f"{API}/transactions", json=SCAN, headers=caller.headers())
    page = client.get(f"{API}/transactions", params={"limit": 1}, headers=caller.headers()).json()
    document = client.app.openapi()  # type: ignore[attr-defined]
    parameter = next(
        p for p in document["paths"][f"{API}/transactions"]["get"]["parameters"] if p["name"] == "cursor"
    )
    validator = jsonschema_rs.validator_for(parameter["schema"])
    assert validator.is_valid(page["nextCursor"])
    assert not validator.is_valid("junk")
    refused = client.get(f"{API}/transactions", params={"cursor": "junk"}, headers=caller.headers())
    assert refused.status_code == 422


def test_links_lead_from_a_transaction_to_its_result_and_report(client: TestClient) -> None:
    document = client.app.openapi()  # type: ignore[attr-defined]
    links = document["paths"][f"{API}/transactions/{{transaction_id}}"]["get"]["responses"]["200"]["links"]
    operations = {
        op["operationId"]: (method, path)
        for path, item in document["paths"].items()
        for method, op in item.items()
    }
    assert operations[links["GetResult"]["operationId"]] == (
        "get",
        f"{API}/transactions/{{transaction_id}}/results/{{result_id}}",
    )
    assert links["GetReport"]["parameters"] == {
        "transaction_id": "$response.body#/id",
        "result_id": "$response.body#/resultId",
    }
