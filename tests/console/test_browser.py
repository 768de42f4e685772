"""The operator's story in real Chromium, on both databases: set up an admin with a setup link,
sign in with password + TOTP, find a test transaction by its document number, open it, resend a
webhook delivery, erase it; a viewer sees no image and gets 403 on an image URL; a form without its
CSRF token fails; the audit log shows each action. Every page is audited with axe-core (0
violations) and photographed into test-artifacts/screenshots/console-*.png."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest
from playwright.sync_api import Page

from idscan.config import Settings
from idscan.console import users
from idscan.container import Container
from idscan.db import transaction
from tests.conftest import Caller
from tests.console.conftest import PASSWORD
from tests.support.axe import audit, axe_script
from tests.support.browser import chromium, need_chromium, screenshot
from tests.support.factories import API, create_transaction
from tests.support.live import live_service
from tests.support.receiver import running_receiver
from tests.support.runtime import eventually
from tests.testmode.test_specimen import need_fonts

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TASKS = ["document_scan", "face_liveness", "face_match"]


@pytest.fixture
def served(settings: Settings, test_caller: Caller) -> Iterator[tuple[str, Container]]:
    with live_service(settings) as running:
        yield running


class Checked:
    """Audits each page with axe and takes its screenshot; keeps every finding."""

    def __init__(self) -> None:
        self.findings: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        self.findings += [f"{name}: {line}" for line in audit(page)]
        screenshot(page, f"console-{name}")


def api(base: str, caller: Caller, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{base}{API}{path}", headers=caller.headers(), timeout=30, **kwargs)


def sign_in(page: Page, base: str, email: str, code: str) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/transactions")


def test_the_operator_story(served: tuple[str, Container], test_caller: Caller) -> None:
    need_chromium()
    need_fonts()
    axe_script()
    base, container = served
    with transaction(container.session_factory) as session:
        admin_link = users.create(session, "ops@example.org", users.Role.ADMIN).setup_token
        viewer_link = users.create(session, "viewer@example.org", users.Role.VIEWER).setup_token
    checked = Checked()
    with running_receiver() as receiver, chromium() as browser:
        hook = api(base, test_caller, "POST", "/webhooks", json={"url": receiver.url})
        assert hook.status_code == 201
        trx = create_transaction(base, test_caller, tasks=TASKS)["id"]
        for outcome, task in (("document_valid", "document_scan"), ("liveness_passed", None)):
            assert (
                api(
                    base, test_caller, "POST", f"/test/transactions/{trx}/simulate", json={"outcome": outcome}
                ).status_code
                == 202
            )

            def reached(task: str | None = task) -> bool:
                body = api(base, test_caller, "GET", f"/transactions/{trx}").json()
                if task is None:
                    return bool(body["state"] == "completed")
                return any(t["type"] == task and t["state"] == "completed" for t in body["tasks"])

            eventually(reached, timeout=120, interval=0.5)
        receiver.wait_for(4)
        done = api(base, test_caller, "GET", f"/transactions/{trx}").json()
        result = api(base, test_caller, "GET", f"/transactions/{trx}/results/{done['resultId']}").json()
        number = next(
            f["values"][0]["value"] for f in result["tasks"][0]["result"] if f["field"] == "document_number"
        )

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(path=str(axe_script()))
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())

        # The admin follows the setup link: password and TOTP enrolment.
        page.goto(f"{base}/console/setup/{admin_link}")
        checked(page, "setup")
        secret = page.locator("#totp-secret").inner_text()
        page.get_by_label("New password").fill(PASSWORD)
        page.get_by_label("The same password again").fill(PASSWORD)
        # Codes by explicit step: enrol with this step's, sign in with the next (inside the drift
        # window), so that a 30 s boundary during the test changes nothing.
        step = int(time.time() // 30)
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(step * 30))
        page.get_by_role("button", name="Save and go to sign-in").click()
        page.wait_for_url("**/console/login")
        checked(page, "login")
        sign_in(page, base, "ops@example.org", pyotp.TOTP(secret).at((step + 1) * 30))
        checked(page, "transactions")

        # Find the transaction by its document number, and open it.
        page.get_by_label("Transaction ID, result ID or document number").fill(number.lower())
        page.get_by_role("button", name="Apply").click()
        page.get_by_role("link", name=trx).click()
        page.wait_for_url(f"**/console/transactions/{trx}")
        images = page.locator("main img")
        assert images.count() >= 2  # redacted document side, portrait and selfie
        for i in range(images.count()):
            images.nth(i).scroll_into_view_if_needed()
            assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        checked(page, "transaction")
        image_url = images.first.get_attribute("src")
        assert image_url is not None

        # Resend a delivery through the retry path.
        before = len(receiver.requests)
        page.get_by_role("button", name="Send again now").first.click()
        page.wait_for_url("**?done=resent")
        receiver.wait_for(before + 1)
        assert "Sent again" in page.locator("#flash").inner_text()

        # A form without its CSRF token fails (the session cookie alone is not enough).
        csrf_less = context.request.post(
            f"{base}/console/transactions/{trx}/erase", form={"reason": "no token", "confirm": trx[:8]}
        )
        assert csrf_less.status == 403
        wrong = context.request.post(
            f"{base}/console/transactions/{trx}/erase",
            form={"reason": "x", "confirm": trx[:8], "csrf": "0" * 64},
        )
        assert wrong.status == 403

        # A viewer, in another browser context: no image on the page, 403 on the image URL.
        viewer = browser.new_context(viewport={"width": 1280, "height": 900})
        viewer.add_init_script(path=str(axe_script()))
        vpage = viewer.new_page()
        vpage.goto(f"{base}/console/setup/{viewer_link}")
        vpage.get_by_label("New password").fill(PASSWORD)
        vpage.get_by_label("The same password again").fill(PASSWORD)
        vpage.get_by_role("button", name="Save and go to sign-in").click()
        vpage.wait_for_url("**/console/login")
        sign_in(vpage, base, "viewer@example.org", "")
        vpage.goto(f"{base}/console/transactions/{trx}")
        assert vpage.locator("img").count() == 0
        checked(vpage, "transaction-viewer")
        assert viewer.request.get(f"{base}{image_url}").status == 403
        viewer.close()

        # Erase, with a reason and the typed confirmation.
        page.get_by_label("Reason").fill("Customer asked for erasure")
        page.get_by_label(f"Type {trx[:8]} to confirm").fill(trx[:8])
        page.get_by_role("button", name="Erase now").click()
        page.wait_for_url("**?done=erased")
        assert "erased" in page.locator("#trx-state").inner_text()
        assert page.locator("main img").count() == 0
        assert context.request.get(f"{base}{image_url}").status == 410

        # The audit log shows every action, and the overview draws its charts.
        page.goto(f"{base}/console/audit")
        actions = page.locator("#audit .audit-action").all_inner_texts()
        for action in ("setup", "login", "search_document_number", "view_image", "resend_delivery", "erase"):
            assert action in actions, action
        checked(page, "audit")
        page.goto(f"{base}/console/overview")
        assert page.locator("svg.chart").count() >= 4
        checked(page, "overview")
        for path, name in (("/console/accounts", "accounts"), ("/console/users", "users")):
            page.goto(f"{base}{path}")
            checked(page, name)
        page.goto(f"{base}/console/accounts/{test_caller.account_id}")
        checked(page, "account")
        page.goto(f"{base}/console/transactions?lang=fr-FR")
        checked(page, "transactions-fr")
        page.goto(f"{base}/console/overview?lang=nl-NL")
        checked(page, "overview-nl")

    assert checked.findings == [], "\n".join(checked.findings)
