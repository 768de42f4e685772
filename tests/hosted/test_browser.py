"""The hosted flow in real Chromium: iframe + postMessage, redirect, QR hand-off, hints, languages,
a two-sided US licence to its redacted downloads and reports.

Screenshots of each state land in test-artifacts/screenshots/ (not committed)."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page

from idscan.config import Settings
from idscan.documents.barcode import read_pdf417
from idscan.documents.reader import read_document
from idscan.documents.reading import ReadParams
from idscan.report import seal
from tests.conftest import Caller
from tests.documents.synth import make_document, need_faces, need_fonts, photograph
from tests.documents.synth.us_card import UsCard, make_us_card
from tests.pipeline.test_document_us_cards import printed
from tests.report.test_routes import text_of
from tests.support.browser import (
    chromium,
    integrator_site,
    screenshot,
)
from tests.support.factories import create_transaction, engines
from tests.support.live import live_service

pytestmark = pytest.mark.browser
API = "/id-scan/v1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Browser, service: tuple[str, Caller]) -> Iterator[BrowserContext]:
    """A fresh browser context per test, closed even when the test fails, and before the service
    stops (open pages hold status streams)."""
    opened = browser.new_context()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def passport(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    path = tmp_path_factory.mktemp("photos") / "passport.jpg"
    path.write_bytes(photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data)
    return path


def create(base: str, caller: Caller, **body: Any) -> dict[str, Any]:
    # Every sample document has expired: accept them (the integrator's allowedExpiration).
    return create_transaction(
        base, caller, **{"settings": {"documentScan": {"allowedExpiration": 3650}}, **body}
    )


def result_of(base: str, caller: Caller, transaction_id: str) -> dict[str, Any]:
    detail = httpx.get(f"{base}{API}/transactions/{transaction_id}", headers=caller.headers()).json()
    assert detail["state"] == "completed"
    result: dict[str, Any] = httpx.get(
        f"{base}{API}/transactions/{transaction_id}/results/{detail['resultId']}", headers=caller.headers()
    ).json()
    return {"detail": detail, "result": result}


def upload(page: Page, photo: Path) -> None:
    page.set_input_files("#document", str(photo))
    page.click("#upload button[type=submit]")


def test_iframe_integration_receives_post_message(
    context: BrowserContext, browser: Browser, service: tuple[str, Caller], passport: Path
) -> None:
    base, caller = service
    parent = """<!doctype html><title>shop</title><script>
      window.messages = [];
      window.addEventListener("message", (e) => window.messages.push({origin: e.origin, data: e.data}));
    </script><iframe id="idv" allow="camera; fullscreen" style="min-width:650px;height:600px"></iframe>"""
    with integrator_site({"/": parent}) as shop:
        trx = create(base, caller, allowedOrigins=[shop], locale="en-US")
        page = context.new_page()
        page.goto(shop)
        page.eval_on_selector("#idv", "(frame, url) => frame.src = url", trx["url"])
        frame = page.frame_locator("#idv")
        frame.locator("h1").wait_for()
        screenshot(page, "iframe-start")
        frame.locator("#document").set_input_files(str(passport))
        frame.locator("#upload button[type=submit]").click()
        page.wait_for_function("window.messages.length > 0", timeout=90_000)
        screenshot(page, "iframe-completed")
        messages = page.evaluate("window.messages")
        page.close()
    outcome = result_of(base, caller, trx["id"])
    assert messages == [
        {
            "origin": base,
            "data": {
                "source": "id-scan",
                "event": "completed",
                "transactionId": trx["id"],
                "resultId": outcome["detail"]["resultId"],
            },
        }
    ]
    fields = {f["field"] for f in outcome["result"]["tasks"][0]["result"]}
    assert {"document_number", "surname", "date_of_birth"} <= fields


def test_redirect_integration_gets_trxid_and_resultid(
    context: BrowserContext, browser: Browser, service: tuple[str, Caller], passport: Path
) -> None:
    base, caller = service
    with integrator_site({}) as shop:
        trx = create(
            base, caller, returnUrl=f"{shop.replace('localhost', '127.0.0.1')}/done?order=7", locale="nl-NL"
        )
        page = context.new_page()
        page.goto(trx["url"])
        upload(page, passport)
        page.wait_for_url("**/done?**", timeout=90_000)
        landed = page.url
        page.close()
    detail = result_of(base, caller, trx["id"])["detail"]
    assert landed.endswith(f"/done?order=7&trxid={trx['id']}&resultid={detail['resultId']}")


def test_rejected_attempt_shows_its_hint_in_each_language(
    context: BrowserContext, browser: Browser, service: tuple[str, Caller]
) -> None:
    base, caller = service
    expected = {
        "en-US": "This file cannot be used.",
        "nl-NL": "Dit bestand is niet bruikbaar.",
        "fr-FR": "Ce fichier est inutilisable.",
    }
    for locale, hint in expected.items():
        trx = create(base, caller, locale=locale)
        page = context.new_page()
        page.goto(trx["url"])
        page.set_input_files(
            "#document", files=[{"name": "x.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo"}]
        )
        page.click("#upload button[type=submit]")
        page.wait_for_function(
            "text => document.getElementById('status').textContent.includes(text)", arg=hint, timeout=60_000
        )
        screenshot(page, f"rejected-{locale}")
        page.close()


def test_qr_hand_off_to_a_phone(
    context: BrowserContext, browser: Browser, service: tuple[str, Caller], passport: Path
) -> None:
    base, caller = service
    with integrator_site({}) as shop:
        trx = create(base, caller, returnUrl=f"{shop}/done", mobileOnly=True)
        desktop = context.new_page()
        desktop.goto(trx["url"])
        desktop.wait_for_selector("#qr:not([hidden])")
        assert desktop.locator("#document").count() == 0  # mobileOnly: the desktop offers only the QR code
        screenshot(desktop, "handoff-desktop")
        handoff_url = desktop.get_attribute("#qr", "data-url")
        assert handoff_url is not None

        phone_context = browser.new_context(
            viewport={"width": 390, "height": 844},
            user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
            is_mobile=True,
            has_touch=True,
        )
        phone = phone_context.new_page()
        phone.goto(handoff_url)
        assert "device=phone" in phone.url
        upload(phone, passport)
        phone.wait_for_selector("#status:has-text('Done')", timeout=90_000)
        screenshot(phone, "handoff-phone-done")
        desktop.wait_for_url(f"{shop}/done?**", timeout=30_000)  # the desktop finishes when the phone does

        again = phone_context.new_page()
        response = again.goto(handoff_url)
        assert response is not None
        assert response.status == 410  # single use
        phone_context.close()
        desktop.close()


def test_expired_and_unknown_links_show_a_clear_page(
    context: BrowserContext, browser: Browser, service: tuple[str, Caller]
) -> None:
    base, _ = service
    page = context.new_page()
    response = page.goto(f"{base}/fr-fr/identifications/{'A' * 50}")
    assert response is not None
    assert response.status == 404
    assert "Ce lien n'est pas valide." in page.inner_text("main")
    screenshot(page, "unknown-link")
    page.close()


def test_a_rate_limited_upload_says_so_in_the_page_language(
    browser: Browser, limited_service: tuple[str, Caller]
) -> None:
    base, caller = limited_service
    trx = create(base, caller, locale="nl-NL")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(trx["url"])
        bad = {"name": "x.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo"}
        page.set_input_files("#document", files=[bad])
        page.click("#upload button[type=submit]")
        # The first photo is judged; the second, within the minute, is refused before any work.
        page.wait_for_selector("#status:has-text('Dit bestand is niet bruikbaar.')", timeout=60_000)
        page.set_input_files("#document", files=[bad])
        page.click("#upload button[type=submit]")
        page.wait_for_selector("#status:has-text('Te veel pogingen in korte tijd.')", timeout=30_000)
        screenshot(page, "rate-limited-nl-NL")
    finally:
        context.close()


def test_a_photo_over_the_limit_is_refused_before_it_is_sent(
    browser: Browser, guarded_service: tuple[str, Caller]
) -> None:
    base, caller = guarded_service
    trx = create(base, caller, locale="en-US")
    context = browser.new_context()
    try:
        page = context.new_page()
        posted: list[str] = []
        page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
        page.goto(trx["url"])
        big = {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + bytes(2 * 1024 * 1024)}
        page.set_input_files("#document", files=[big])
        page.click("#upload button[type=submit]")
        page.wait_for_selector("#status:has-text('The photo is too large.')", timeout=30_000)
        assert posted == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def us_licence(tmp_path_factory: pytest.TempPathFactory) -> tuple[UsCard, Path, Path]:
    need_fonts()
    card = make_us_card(5, subfile="DL", jurisdiction="NY")
    rng = random.Random(5)
    photos = tmp_path_factory.mktemp("licence")
    front, back = photos / "front.jpg", photos / "back.jpg"
    front.write_bytes(photograph(card.front.image, "easy", rng).data)
    back.write_bytes(photograph(card.back.image, "easy", rng).data)
    return card, front, back


def _download(base: str, caller: Caller, file: dict[str, Any]) -> np.ndarray:
    got = httpx.get(file["url"], headers=caller.headers())
    assert got.status_code == 200
    assert file["url"].startswith(base)
    return np.asarray(Image.open(io.BytesIO(got.content)).convert("RGB"))


def test_a_us_licence_front_then_back_to_its_redacted_downloads_and_reports(
    browser: Browser, settings: Settings, caller: Caller, us_licence: tuple[UsCard, Path, Path]
) -> None:
    card, front, back = us_licence
    lic = card.licence
    with live_service(settings) as (base, container), integrator_site({}) as shop:
        trx = create(
            base,
            caller,
            locale="nl-NL",
            returnUrl=f"{shop}/done",
            settings={
                "documentScan": {
                    "allowedExpiration": 3650,  # the generated card may have expired
                    "redactFields": ["document_number", "address"],
                    "extractFields": [
                        "address",
                        "document_number",
                        "surname",
                        "date_of_birth",
                        "document_image",
                    ],
                }
            },
        )
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(trx["url"])
            upload(page, front)
            # the front alone: the page asks for the back, in the page's language
            page.wait_for_selector(
                "#status:has-text('Maak nu een foto van de achterkant van het document.')", timeout=60_000
            )
            assert page.is_visible('.howto[data-kind="back"]')
            screenshot(page, "licence-back-asked-nl-NL")
            upload(page, back)
            page.wait_for_url(f"{shop}/done?**", timeout=60_000)
        finally:
            context.close()
        outcome = result_of(base, caller, trx["id"])
        task = outcome["result"]["tasks"][0]
        assert task["state"] == "completed"
        fields = {f["field"]: f for f in task["result"]}
        assert set(fields) == {"address", "document_number", "surname", "date_of_birth"}
        number = fields["document_number"]
        assert number["values"][0] == {"source": "barcode", "value": lic.document_number}
        assert {"source": "visual", "value": lic.document_number} in number["values"]
        assert number["comparison"] == "match"
        assert fields["surname"]["comparison"] == "match"
        assert lic.street in fields["address"]["values"][0]["value"]
        docs = {f["name"]: f for f in task["files"] if f["category"] == "document"}
        assert set(docs) == {"United States - Driving License", "United States - Driving License Side B"}
        assert {f["type"] for f in docs.values()} == {"driving_license"}

        # the barcode encodes the number and the address: the downloaded back holds none that reads
        # (the same photo flattened as the service does, unmasked, gives its barcode)
        unmasked = read_document(back.read_bytes(), None, ReadParams(today=dt.date.today()), engines())
        assert read_pdf417(unmasked.sides[0].image) is not None
        assert read_pdf417(_download(base, caller, docs["United States - Driving License Side B"])) is None
        # the front's printed number is masked, the surname beside it still reads
        front_text = printed(_download(base, caller, docs["United States - Driving License"]))
        assert re.sub(r"\s", "", lic.surname).upper() in front_text
        assert lic.document_number.upper() not in front_text

        reports = {
            kind: httpx.get(
                f"{base}{API}/transactions/{trx['id']}/results/{outcome['detail']['resultId']}/report",
                params={"type": kind},
                headers=caller.headers(),
            )
            for kind in ("simple", "extended")
        }
        certificate = container.seal.certificate
    for kind, response in reports.items():
        assert response.status_code == 200, kind
        text = text_of(response.content)
        assert lic.document_number not in text, kind
        assert lic.street not in text, kind
        # in the transaction's language: the surname read from the barcode, the masked fields named
        assert lic.surname in text, kind
        assert "(streepjescode)" in text, kind
        assert "afgeschermd" in text, kind
    # pyHanko's synchronous validation starts an event loop, and Playwright's sync API already runs
    # one in this thread: verify in another
    with ThreadPoolExecutor(1) as pool:
        assert not pool.submit(seal.verify, reports["simple"].content).result().intact
        status = pool.submit(seal.verify, reports["extended"].content, [certificate]).result()
    assert status.intact
    assert status.trusted
