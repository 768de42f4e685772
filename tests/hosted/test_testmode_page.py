"""The hosted page of a test transaction: a TEST banner, and buttons that drive the real pipeline
to a chosen outcome; a live transaction's page has neither, and its link refuses them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from tests.conftest import Caller
from tests.support.axe import audit, axe_script
from tests.support.browser import chromium, screenshot
from tests.support.factories import API, create_transaction
from tests.testmode.test_specimen import need_fonts

FACES = ["document_scan", "face_liveness", "face_match"]


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_only_a_test_transactions_page_has_the_banner_and_buttons(
    client: TestClient, caller: Caller, test_caller: Caller
) -> None:
    test = create_transaction(client, test_caller, tasks=FACES, locale="nl-NL")
    page = client.get(_path(test["url"])).text
    assert 'id="test-mode-banner"' in page
    assert "Testmodus" in page
    # The buttons of the step the transaction is at: the document first.
    for outcome in ("document_valid", "document_expired", "document_mrz_invalid", "document_unreadable"):
        assert f'data-test-outcome="{outcome}"' in page
    assert 'data-test-outcome="liveness_passed"' not in page
    live = create_transaction(client, caller, tasks=FACES)
    live_page = client.get(_path(live["url"])).text
    assert "test-mode-banner" not in live_page
    assert "data-test-outcome" not in live_page
    refused = client.post(f"{_path(live['url'])}/test-outcome", json={"outcome": "document_valid"})
    assert refused.status_code == 404
    bad = client.post(f"{_path(test['url'])}/test-outcome", json={"outcome": "passport_of_the_pope"})
    assert bad.status_code == 422


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.mark.browser
def test_the_buttons_take_a_test_transaction_to_completion(
    browser: Browser, test_service: tuple[str, Caller]
) -> None:
    need_fonts()
    base, caller = test_service
    trx = create_transaction(base, caller, tasks=FACES, locale="fr-FR")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(path=str(axe_script()))
    try:
        page = context.new_page()
        page.goto(trx["url"])
        banner = page.locator("#test-mode-banner")
        assert "TEST" in banner.inner_text()
        assert audit(page) == []
        screenshot(page, "test-mode-document-fr")
        page.click('[data-test-outcome="document_valid"]')
        page.wait_for_selector("#liveness:not([hidden])", timeout=90_000)
        # The page's own status poll may show the next step before testmode.js reloads the page,
        # which then drops the document's buttons.
        page.wait_for_selector('[data-test-outcome="document_valid"]', state="detached", timeout=90_000)
        assert page.locator('[data-test-outcome="document_valid"]').count() == 0
        assert page.locator('[data-test-outcome="face_mismatch"]').count() == 1
        assert audit(page) == []
        screenshot(page, "test-mode-liveness-fr")
        page.click('[data-test-outcome="liveness_passed"]')
        page.wait_for_selector("body[data-state='completed']", timeout=90_000)
    finally:
        context.close()
    detail = httpx.get(f"{base}{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "completed"
    assert {t["state"] for t in detail["tasks"]} == {"completed"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"outcome": 7}',
        b'{"outcome": ["document_valid"]}',
        b'{"outcome": NaN}',
        b'{"outcome": "document_valid", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"outcome": "' + b"a" * 2_000_000 + b'"}',
        b"not json",
    ],
)
def test_the_page_route_refuses_what_a_hostile_page_sends(
    client: TestClient, test_caller: Caller, body: bytes
) -> None:
    trx = create_transaction(client, test_caller)
    answer = client.post(
        f"{_path(trx['url'])}/test-outcome", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code in (400, 413, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    detail = client.get(f"{API}/transactions/{trx['id']}", headers=test_caller.headers()).json()
    assert detail["tasks"][0]["documentScans"] == []  # nothing was queued
