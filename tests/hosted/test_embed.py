"""embed.js: an integrator's page mounts the verification in an iframe and hears its events, and
only from that iframe."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from idscan.container import Container
from idscan.db import transaction
from idscan.models import Transaction
from idscan.transactions.states import TransactionState
from tests.conftest import Caller
from tests.support.browser import chromium, integrator_site
from tests.support.factories import create_transaction


def test_embed_js_is_served_as_a_public_module(client: TestClient) -> None:
    script = client.get("/id-scan/v1/embed.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["access-control-allow-origin"] == "*"
    assert "export const IdScan" in script.text
    types = client.get("/id-scan/v1/embed.d.ts")
    assert types.status_code == 200
    assert "mount(element: Element, url: string" in types.text


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


SHOP = """<!doctype html><title>shop</title><div id="box"></div>
<script type="module">
import {{ IdScan }} from "{service}/id-scan/v1/embed.js";
window.events = [];
const handle = IdScan.mount(document.getElementById("box"), {url}, {{
  onCompleted: (e) => window.events.push(["completed", e]),
  onExpired: (e) => window.events.push(["expired", e]),
}});
window.allow = handle.frame.allow;
// A forged message from this page itself must be ignored.
window.postMessage({{ source: "id-scan", event: "completed", transactionId: "forged" }}, "*");
IdScan.mount(document.body, "javascript:alert(1)", {{
  onError: (e) => window.events.push(["error", e.message]),
}});
</script>"""


@pytest.mark.browser
def test_a_shop_page_mounts_the_page_and_hears_only_its_events(
    browser: Browser, service: tuple[str, Caller], container: Container
) -> None:
    base, caller = service
    created = create_transaction(base, caller)
    with transaction(container.session_factory) as session:
        trx = session.get(Transaction, created["id"])
        assert trx is not None
        trx.state = TransactionState.EXPIRED  # the page tells its parent when it opens
    with integrator_site({"/shop": SHOP.format(service=base, url=json.dumps(created["url"]))}) as shop:
        page = browser.new_page()
        try:
            page.goto(f"{shop}/shop")
            page.wait_for_function(
                "window.events && window.events.some(e => e[0] === 'expired')", timeout=20000
            )
            events = page.evaluate("window.events")
            assert page.evaluate("window.allow") == "camera; fullscreen"
        finally:
            page.close()
    assert ["expired", {"transactionId": created["id"], "resultId": None}] in events
    assert not [e for e in events if e[0] == "completed"]  # the forged message was ignored
    assert ["error", "idscan: the verification url must use https"] in events


@pytest.mark.browser
def test_the_page_asks_the_server_for_nothing_it_lacks(browser: Browser, service: tuple[str, Caller]) -> None:
    base, caller = service
    created = create_transaction(base, caller)
    page = browser.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(created["url"])
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    assert failed == []  # no favicon.ico 404, no missing asset
