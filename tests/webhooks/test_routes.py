"""Webhook CRUD, validation and the delivery log over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook as Verifier

from idscan.config import Settings
from idscan.container import Container
from idscan.webhooks.tasks import run_delivery
from tests.conftest import Caller
from tests.support.rawdb import assert_not_stored
from tests.support.receiver import running_receiver

URL = "/id-scan/v1/webhooks"


def test_create_defaults_and_secret(client: TestClient, caller: Caller) -> None:
    response = client.post(URL, json={"url": "https://hooks.example/idscan"}, headers=caller.headers())
    assert response.status_code == 201
    body = response.json()
    assert body["url"] == "https://hooks.example/idscan"
    assert body["events"] == ["transaction.state.updated", "task.state.updated"]
    assert body["headers"] == {}
    assert body["secret"].startswith("whsec_")
    assert set(body) == {"id", "url", "events", "headers", "secret", "createdAt", "updatedAt"}


def test_crud_round_trip(client: TestClient, caller: Caller) -> None:
    created = client.post(
        URL,
        json={"url": "https://a.example/h", "events": ["task.state.updated"], "headers": {"X-Api-Key": "k"}},
        headers=caller.headers(),
    ).json()
    one = client.get(f"{URL}/{created['id']}", headers=caller.headers()).json()
    assert one == created
    listed = client.get(URL, headers=caller.headers()).json()["items"]
    assert [w["id"] for w in listed] == [created["id"]]
    patched = client.patch(
        f"{URL}/{created['id']}", json={"url": "https://b.example/h"}, headers=caller.headers()
    ).json()
    assert patched["url"] == "https://b.example/h"
    assert patched["events"] == ["task.state.updated"]
    assert patched["headers"] == {"X-Api-Key": "k"}
    assert patched["secret"] == created["secret"]
    assert client.delete(f"{URL}/{created['id']}", headers=caller.headers()).status_code == 204
    assert client.get(f"{URL}/{created['id']}", headers=caller.headers()).status_code == 404


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"url": "http://hooks.example/x"}, "url"),
        ({"url": "ftp://hooks.example/x"}, "url"),
        ({"url": "https://hooks.example/x", "events": []}, "events"),
        ({"url": "https://hooks.example/x", "events": ["transaction.created"]}, "events[0]"),
        ({"url": "https://hooks.example/x", "headers": {"webhook-signature": "x"}}, "headers"),
        ({"url": "https://hooks.example/x", "headers": {"Bad Header": "x"}}, "headers"),
        ({"url": "https://hooks.example/x", "headers": {"X-A": "a\r\nInjected: 1"}}, "headers"),
        ({"url": "https://hooks.example/x", "secret": "mine"}, "secret"),
        ({}, "url"),
    ],
)
def test_invalid_webhooks(client: TestClient, caller: Caller, body: dict[str, object], path: str) -> None:
    response = client.post(URL, json=body, headers=caller.headers())
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == [path]


def test_private_targets_refused_unless_allowed(settings, container, caller: Caller) -> None:  # type: ignore[no-untyped-def]
    from idscan.app import create_app

    strict = settings.model_copy(
        update={"webhooks": settings.webhooks.model_copy(update={"allow_private_targets": False})}
    )
    container.settings = strict
    with TestClient(create_app(strict, container=container, run_jobs=False)) as strict_client:
        for url in (
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://[::1]/x",
            "https://169.254.169.254/x",
            "http://localhost:8080/x",
        ):
            response = strict_client.post(URL, json={"url": url}, headers=caller.headers())
            assert response.status_code == 422, url
        ok = strict_client.post(URL, json={"url": "https://93.184.216.34/x"}, headers=caller.headers())
        assert ok.status_code == 201


def test_loopback_http_allowed_when_operator_allows(client: TestClient, caller: Caller) -> None:
    response = client.post(URL, json={"url": "http://127.0.0.1:9999/x"}, headers=caller.headers())
    assert response.status_code == 201


def test_webhooks_are_per_account(
    client: TestClient, caller: Caller, make_caller: Callable[..., Caller]
) -> None:
    created = client.post(URL, json={"url": "https://a.example/h"}, headers=caller.headers()).json()
    other = make_caller("globex")
    assert client.get(f"{URL}/{created['id']}", headers=other.headers()).status_code == 404
    assert client.patch(f"{URL}/{created['id']}", json={}, headers=other.headers()).status_code == 404
    assert client.delete(f"{URL}/{created['id']}", headers=other.headers()).status_code == 404
    assert client.get(f"{URL}/{created['id']}/deliveries", headers=other.headers()).status_code == 404
    assert client.get(URL, headers=other.headers()).json()["items"] == []


def test_state_change_records_a_pending_delivery(client: TestClient, caller: Caller) -> None:
    hook = client.post(URL, json={"url": "https://a.example/h"}, headers=caller.headers()).json()
    only_tasks = client.post(
        URL, json={"url": "https://b.example/h", "events": ["task.state.updated"]}, headers=caller.headers()
    ).json()
    trx = client.post(
        "/id-scan/v1/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
    ).json()
    client.delete(f"/id-scan/v1/transactions/{trx['id']}", headers=caller.headers())
    deliveries = client.get(f"{URL}/{hook['id']}/deliveries", headers=caller.headers()).json()
    assert len(deliveries["items"]) == 1
    item = deliveries["items"][0]
    assert item["eventType"] == "transaction.state.updated"
    assert item["state"] == "pending"
    assert item["attempts"] == []
    # Not subscribed to transaction events: nothing to deliver.
    none = client.get(f"{URL}/{only_tasks['id']}/deliveries", headers=caller.headers()).json()
    assert none["items"] == []


def test_the_delivery_log_shows_each_attempt(
    client: TestClient, container: Container, caller: Caller
) -> None:
    hook = client.post(URL, json={"url": "https://hooks.invalid/h"}, headers=caller.headers()).json()
    trx = client.post(
        "/id-scan/v1/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
    ).json()
    client.delete(f"/id-scan/v1/transactions/{trx['id']}", headers=caller.headers())
    (pending,) = client.get(f"{URL}/{hook['id']}/deliveries", headers=caller.headers()).json()["items"]
    run_delivery(container, pending["id"], 1)  # `.invalid` never resolves
    (item,) = client.get(f"{URL}/{hook['id']}/deliveries", headers=caller.headers()).json()["items"]
    assert item["state"] == "pending"
    assert item["failureReason"] is None
    assert item["nextAttempt"] is not None
    (attempt,) = item["attempts"]
    assert attempt["number"] == 1
    assert attempt["outcome"] == "network_error"
    assert attempt["host"] == "hooks.invalid"
    assert attempt["error"] == "ConnectError: cannot resolve hooks.invalid"
    assert attempt["responseStatus"] is None
    run_delivery(container, pending["id"], 1)  # attempt 1 was made and recorded: not again
    (item,) = client.get(f"{URL}/{hook['id']}/deliveries", headers=caller.headers()).json()["items"]
    assert len(item["attempts"]) == 1


def test_custom_header_values_are_stored_sealed(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    created = client.post(
        URL,
        json={"url": "https://a.example/h", "headers": {"Authorization": "Bearer shop-api-key-1"}},
        headers=caller.headers(),
    ).json()
    assert_not_stored(settings.database_url, "shop-api-key-1")
    patched = client.patch(
        f"{URL}/{created['id']}", json={"headers": {"X-Api-Key": "shop-api-key-2"}}, headers=caller.headers()
    ).json()
    assert patched["headers"] == {"X-Api-Key": "shop-api-key-2"}
    assert_not_stored(settings.database_url, "shop-api-key-1", "shop-api-key-2")
    assert client.get(f"{URL}/{created['id']}", headers=caller.headers()).json()["headers"] == {
        "X-Api-Key": "shop-api-key-2"
    }
    cleared = client.patch(f"{URL}/{created['id']}", json={"headers": {}}, headers=caller.headers()).json()
    assert cleared["headers"] == {}


def test_a_ping_is_sent_at_once_signed_and_answered_with_its_delivery(
    client: TestClient, caller: Caller
) -> None:
    with running_receiver([200]) as receiver:
        hook = client.post(URL, json={"url": receiver.url}, headers=caller.headers()).json()
        response = client.post(f"{URL}/{hook['id']}/test", headers=caller.headers())
        (received,) = receiver.requests
    assert response.status_code == 200, response.text
    sent = response.json()
    assert (sent["eventType"], sent["state"], sent["failureReason"]) == ("webhook.ping", "succeeded", None)
    (attempt,) = sent["attempts"]
    assert (attempt["responseStatus"], attempt["outcome"], attempt["error"]) == (200, "success", None)
    body = Verifier(hook["secret"]).verify(received.body, received.headers)
    assert body == {"id": sent["eventId"], "type": "webhook.ping", "webhook": {"id": hook["id"]}} | {
        "created": body["created"]
    }
    listed = client.get(f"{URL}/{hook['id']}/deliveries", headers=caller.headers()).json()["items"]
    assert [d["id"] for d in listed] == [sent["id"]]


def test_a_failed_ping_is_not_retried(client: TestClient, caller: Caller) -> None:
    with running_receiver([503]) as receiver:
        hook = client.post(URL, json={"url": receiver.url}, headers=caller.headers()).json()
        sent = client.post(f"{URL}/{hook['id']}/test", headers=caller.headers()).json()
    assert (sent["state"], sent["failureReason"], sent["nextAttempt"]) == ("failed", "not_retried", None)
    assert sent["attempts"][0]["responseStatus"] == 503


def schema(container: Container) -> str:
    return "" if container.settings.is_sqlite else "dbos."


def test_retry_sends_a_delivery_again_now(
    client: TestClient, container: Container, caller: Caller, make_caller: Callable[..., Caller]
) -> None:
    with running_receiver([500, 500, 200]) as receiver:
        hook = client.post(URL, json={"url": receiver.url}, headers=caller.headers()).json()
        trx = client.post(
            "/id-scan/v1/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
        ).json()
        client.delete(f"/id-scan/v1/transactions/{trx['id']}", headers=caller.headers())
        (pending,) = client.get(f"{URL}/{hook['id']}/deliveries", headers=caller.headers()).json()["items"]
        run_delivery(container, pending["id"], 1)  # 500: a retry is scheduled
        path = f"{URL}/{hook['id']}/deliveries/{pending['id']}/retry"
        other = make_caller("other")
        assert client.post(path, headers=other.headers()).status_code == 404
        failed_again = client.post(path, headers=caller.headers()).json()  # 500 again
        assert failed_again["state"] == "pending"
        assert failed_again["nextAttempt"] is not None  # it keeps its schedule
        with container.session_factory() as session:
            jobs_now = {
                str(j)
                for j in session.scalars(
                    text(f"SELECT workflow_uuid FROM {schema(container)}workflow_status")
                )
            }
        assert f"delivery:{pending['id']}:3" in jobs_now  # the schedule moved to the next attempt
        done = client.post(path, headers=caller.headers()).json()  # 200
        run_delivery(container, pending["id"], 3)  # the scheduled job finds it settled
        assert len(receiver.requests) == 3
    assert (done["state"], done["failureReason"], done["nextAttempt"]) == ("succeeded", None, None)
    assert [a["responseStatus"] for a in done["attempts"]] == [500, 500, 200]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # one event, sent again
