"""examples/shop: the integrator's example shop against the real service, in real Chromium.

The service runs with its embedded job worker and, as in every test, with
`webhooks.allow_private_targets` (the shop listens on 127.0.0.1); the shop runs in the same process
on its own port with a test-mode credential, so the hosted page offers the scripted outcomes."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from examples.shop.app import Config, Shop, create_app, outcome_of
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext
from standardwebhooks.webhooks import Webhook

from idscan.auth import service as auth_service
from idscan.client import IdScanClient
from idscan.config import Settings
from idscan.container import Container
from idscan.db import transaction
from tests.support.browser import chromium, free_port, screenshot, serving
from tests.support.live import live_service
from tests.support.runtime import eventually

SPECIMEN_NUMBER = re.compile(r"[A-Z]{2}[0-9]{7}")


@pytest.fixture
def idscan(settings: Settings) -> Iterator[tuple[str, Container]]:
    """The service on a real port with its job worker."""
    with live_service(settings) as running:
        yield running


@contextmanager
def running_shop(idscan: tuple[str, Container], tasks: tuple[str, ...]) -> Iterator[tuple[str, Shop]]:
    """The example shop, as `python examples/shop/app.py` runs it, with a test-mode credential."""
    base, container = idscan
    with transaction(container.session_factory) as session:
        key = auth_service.create_credential(session, container.keyring, "shop", test=True)
    port = free_port()
    config = Config(
        idscan_url=base,
        kid=key.kid,
        secret=key.secret,
        port=port,
        public_url=f"http://127.0.0.1:{port}",
        tasks=tasks,
    )
    with IdScanClient(base, key.kid, key.secret) as client:
        state = Shop(config, client)
        state.register_webhook()  # as main() does at startup
        with serving(create_app(state), port) as url:
            yield url, state


@pytest.fixture
def shop(idscan: tuple[str, Container]) -> Iterator[tuple[str, Shop]]:
    with running_shop(idscan, ("document_scan",)) as running:
        yield running


@pytest.fixture
def face_shop(idscan: tuple[str, Container]) -> Iterator[tuple[str, Shop]]:
    """The shop configured with every task (SHOP_TASKS=document_scan,face_liveness,face_match)."""
    with running_shop(idscan, ("document_scan", "face_liveness", "face_match")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Browser, shop: tuple[str, Shop]) -> Iterator[BrowserContext]:
    """A fresh browser context, closed before the shop and the service stop."""
    opened = browser.new_context()
    yield opened
    opened.close()


def the_verification(shop: Shop) -> tuple[str, str]:
    """The shop's one transaction and the document number idscan read from its specimen."""
    assert len(shop.verifications) == 1
    (transaction_id,) = shop.verifications
    detail = shop.idscan.get_transaction(transaction_id)
    assert detail.state == "completed"
    assert detail.result_id is not None
    result = shop.idscan.get_result(transaction_id, detail.result_id)
    (document,) = [t for t in result["tasks"] if t["type"] == "document_scan"]
    (number,) = [f["values"][0]["value"] for f in document["result"] if f["field"] == "document_number"]
    assert SPECIMEN_NUMBER.fullmatch(number), number
    return transaction_id, number


def webhook_said_completed(shop: Shop, transaction_id: str) -> bool:
    """The shop keeps an event only once its signature checked out."""
    return any(
        e["type"] == "transaction.state.updated"
        and (e.get("transaction") or {}).get("id") == transaction_id
        and e["transaction"]["state"] == "completed"
        for e in list(shop.events.values())
    )


@pytest.mark.browser
def test_the_embedded_verification_ends_verified_with_the_document_number(
    context: BrowserContext, shop: tuple[str, Shop]
) -> None:
    url, state = shop
    page = context.new_page()
    ours = (f"{url}/", f"{state.config.idscan_url}/", "data:")
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(ours) else outside.append(r.url))
    page.goto(url)
    page.get_by_role("button", name="Verify").click()
    frame = page.wait_for_selector("#verification iframe").content_frame()
    assert frame is not None
    # The buttons work once the page's scripts have run (a click before is lost).
    frame.wait_for_url(f"{state.config.idscan_url}/**", wait_until="load")
    frame.click('button[data-test-outcome="document_valid"]')
    page.wait_for_selector('#outcome[data-state="verified"]', timeout=45_000)
    screenshot(page, "example-shop-embedded-verified")
    transaction_id, number = the_verification(state)
    assert f"document number {number}" in (page.text_content("#outcome") or "")
    eventually(lambda: webhook_said_completed(state, transaction_id), timeout=20)
    assert outside == []  # the page asks only the shop and the idscan service


@pytest.mark.browser
def test_the_redirect_variant_comes_back_to_return_verified(
    context: BrowserContext, shop: tuple[str, Shop]
) -> None:
    url, state = shop
    page = context.new_page()
    page.goto(f"{url}/?mode=redirect")
    page.get_by_role("button", name="Verify").click()
    # The hosted page itself; its buttons work once its scripts have run (a click before is lost).
    page.wait_for_url(f"{state.config.idscan_url}/**", wait_until="load")
    page.click('button[data-test-outcome="document_valid"]')
    page.wait_for_url(re.compile(re.escape(f"{url}/return?trxid=") + ".*resultid="), timeout=45_000)
    page.wait_for_selector('#outcome[data-state="verified"]', timeout=20_000)
    screenshot(page, "example-shop-redirect-verified")
    transaction_id, number = the_verification(state)
    assert f"document number {number}" in (page.text_content("#outcome") or "")
    assert state.verifications[transaction_id].outcome == {
        "state": "verified",
        "documentNumber": number,
        "reasons": [],
    }


def test_the_webhook_alone_settles_a_failed_verification(face_shop: tuple[str, Shop]) -> None:
    url, state = face_shop
    with httpx.Client(base_url=url) as customer:  # keeps the shop's session cookie
        transaction_id = customer.post("/verifications", params={"mode": "embed"}).json()["transactionId"]
        state.idscan.simulate(transaction_id, "document_valid")  # what the page's buttons do
        eventually(lambda: state.idscan.get_transaction(transaction_id).tasks[0].state == "completed", 30)
        state.idscan.simulate(transaction_id, "face_mismatch")
        # Nobody asks the shop: the webhook makes it read the result.
        eventually(lambda: state.verifications[transaction_id].outcome is not None, 30)
        assert webhook_said_completed(state, transaction_id)
        answer = customer.get(f"/verifications/{transaction_id}").json()
        assert httpx.get(f"{url}/verifications/{transaction_id}").status_code == 404  # another browser
    assert answer["state"] == "not_verified"
    assert any(reason.startswith("face_match_") for reason in answer["reasons"]), answer


def test_the_webhook_is_registered_once(shop: tuple[str, Shop]) -> None:
    _, state = shop
    secret = state.webhook_secret
    state.register_webhook()  # again, as a restart does
    hooks = [h for h in state.idscan.list_webhooks().items if h.url == state.config.webhook_url]
    assert len(hooks) == 1
    assert state.webhook_secret == secret == hooks[0].secret


SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    signature = Webhook(secret).sign("msg_1", now, body.decode())
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


@pytest.fixture
def offline_shop() -> Iterator[tuple[TestClient, Shop]]:
    """The shop without a service: only its webhook endpoint is exercised."""
    config = Config(idscan_url="http://127.0.0.1:9", kid="kid", secret="secret")
    with IdScanClient(config.idscan_url, config.kid, config.secret) as client:
        state = Shop(config, client, webhook_secret=SECRET)
        yield TestClient(create_app(state)), state


def test_the_shop_refuses_a_webhook_with_a_bad_signature(offline_shop: tuple[TestClient, Shop]) -> None:
    client, state = offline_shop
    body = json.dumps(
        {"id": "evt_1", "type": "webhook.ping", "created": "2026-01-01T00:00:00+00:00"}
    ).encode()
    other = "whsec_" + base64.b64encode(bytes(32)).decode()
    for headers in (signed(body, other), {**signed(body), "webhook-id": "msg_2"}, {}):
        response = client.post("/webhooks/idscan", content=body, headers=headers)
        assert response.status_code == 400, headers
    tampered = body.replace(b"ping", b"pong")
    assert client.post("/webhooks/idscan", content=tampered, headers=signed(body)).status_code == 400
    assert state.events == {}
    assert client.post("/webhooks/idscan", content=body, headers=signed(body)).status_code == 204
    assert list(state.events) == ["evt_1"]


def test_a_verification_belongs_to_the_browser_that_started_it(offline_shop: tuple[TestClient, Shop]) -> None:
    client, _ = offline_shop
    assert client.get("/verifications/some-id").status_code == 404
    assert client.get("/return", params={"trxid": "some-id", "resultid": "r"}).status_code == 404


def test_the_outcome_is_verified_only_when_every_task_passed() -> None:
    def field(name: str, value: str, validity: str = "valid") -> dict[str, Any]:
        return {"field": name, "validity": validity, "values": [{"source": "mrz", "value": value}]}

    document = {
        "type": "document_scan",
        "state": "completed",
        "result": [field("document_number", "XY1234567")],
    }
    assert outcome_of({"tasks": [document]}) == {
        "state": "verified",
        "documentNumber": "XY1234567",
        "reasons": [],
    }
    failed = {**document, "state": "failed", "result": [field("date_of_expiry", "2020-01-01", "invalid")]}
    face = {"type": "face_match", "state": "completed", "passed": False}
    assert outcome_of({"tasks": [failed, face]})["reasons"] == [
        "document_scan_failed",
        "date_of_expiry_invalid",
        "face_match_not_passed",
    ]
