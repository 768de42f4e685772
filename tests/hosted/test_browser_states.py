"""Every state of the hosted pages in real Chromium, at a phone size (390x844) and in the
integrator's 650 px iframe, in the three languages: an axe-core audit with no violations, no request
to another origin, and a screenshot of each in test-artifacts/screenshots/.

The states are set in the database (no job worker runs), so each is stable while it is audited;
the camera states use Chromium's fake camera playing a still of a document or a face. One server
and one browser per camera picture serve the whole module (SQLite only: what is checked here is the
page, which is the same on either database)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from idscan.app import create_app
from idscan.bootstrap import build_container
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.clock import utcnow
from idscan.lib.ids import new_uuid
from idscan.models import DocumentScan, LivenessSession, Transaction
from tests.conftest import Caller, make_settings, migrated_database
from tests.documents.synth import fixtures_dir, make_document, need_faces, need_fonts
from tests.documents.synth.camera import background
from tests.support.axe import audit, axe_script
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, free_port, need_chromium, screenshot, serving
from tests.support.factories import create_transaction

pytestmark = pytest.mark.browser
LOCALES = ("en-US", "nl-NL", "fr-FR")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
# The integrator's iframe: min-width 650 px (API section 6), on a desktop.
DESKTOP = {"viewport": {"width": 650, "height": 900}}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
ALL_TASKS = ["document_scan", "face_liveness", "face_match"]


@dataclass
class Site:
    base: str
    caller: Caller
    container: Container

    def create(self, locale: str, **body: Any) -> dict[str, Any]:
        return create_transaction(self.base, self.caller, **{"tasks": ALL_TASKS, "locale": locale, **body})

    def change(self, trx: dict[str, Any], edit: Callable[[Any, Transaction], None]) -> None:
        with transaction(self.container.session_factory) as session:
            row = session.get(Transaction, trx["id"])
            assert row is not None
            edit(session, row)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from idscan.auth import service as auth_service

    need_chromium()
    axe_script()
    tmp = tmp_path_factory.mktemp("states")
    url, drop = migrated_database("sqlite", tmp)
    port = free_port()
    settings = make_settings(tmp / "data", url, port=port, public_base_url=f"http://127.0.0.1:{port}")
    container = build_container(settings)
    with transaction(container.session_factory) as session:
        new = auth_service.create_credential(session, container.keyring, "acme")
    caller = Caller(account_id=new.account_id, kid=new.kid, secret=new.secret)
    try:
        with serving(create_app(settings, container=container, run_jobs=False), port) as base:
            yield Site(base, caller, container)
    finally:
        container.close()
        drop()


def launch(playwright: Any, video: Path | None = None) -> Browser:
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    if video is not None:
        args.append(f"--use-file-for-fake-video-capture={video}")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)  # type: ignore[no-any-return]


def open_context(browser: Browser, size: str, **extra: Any) -> BrowserContext:
    options = dict(SIZES[size])
    if size == "phone":
        options["user_agent"] = IPHONE
    context = browser.new_context(**options, **extra)
    context.add_init_script(path=str(axe_script()))
    return context


class Audit:
    """Audits pages and keeps every finding, so one run reports all the states that fail."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.findings: list[str] = []
        self.count = 0

    def watch(self, page: Page) -> None:
        def check(request: Any) -> None:
            url = request.url
            if not url.startswith((self.base, "data:", "blob:")):
                self.findings.append(f"{page.url}: request to another origin: {url}")

        page.on("request", check)

    def check(self, page: Page, name: str) -> None:
        page.wait_for_timeout(150)  # let the last status event and layout settle
        self.count += 1
        for line in audit(page):
            self.findings.append(f"{name}: {line}")
        screenshot(page, name)

    def assert_clean(self) -> None:
        assert self.findings == [], "\n".join(self.findings)


def jpeg_file() -> dict[str, Any]:
    """A photo of a light card on a dark table, as a file chooser hands it over."""
    image = background(800, 600, random.Random(3))
    cv2.rectangle(image, (120, 110), (680, 470), (236, 232, 224), thickness=-1)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return {"name": "card.jpg", "mimeType": "image/jpeg", "buffer": data.tobytes()}


# --- states set in the database -----------------------------------------------------------------


def attempt(code: str | None) -> Callable[[Any, Transaction], None]:
    def edit(session: Any, trx: Transaction) -> None:
        session.add(
            DocumentScan(
                id=new_uuid(),
                transaction_id=trx.id,
                created_at=utcnow(),
                source="camera",
                code=code,
                processed_at=utcnow() if code else None,
            )
        )

    return edit


def tasks_done(*types: str) -> Callable[[Any, Transaction], None]:
    def edit(session: Any, trx: Transaction) -> None:
        for task in trx.tasks:
            if task.type in types:
                task.state = "completed"

    return edit


def failed_liveness(session: Any, trx: Transaction) -> None:
    tasks_done("document_scan")(session, trx)
    now = utcnow()
    session.add(
        LivenessSession(
            id=new_uuid(),
            transaction_id=trx.id,
            nonce=new_uuid(),
            plan={},
            created_at=now,
            expires_at=now + timedelta(minutes=5),
            submitted_at=now,
            processed_at=now,
            passed=False,
            reasons=["no_face", "multiple_faces"],
        )
    )


def closed(state: str) -> Callable[[Any, Transaction], None]:
    def edit(session: Any, trx: Transaction) -> None:
        tasks_done(*ALL_TASKS)(session, trx)
        trx.state = state
        if state == "completed":
            trx.result_id = new_uuid()
            trx.completed_at = utcnow()

    return edit


STATIC: dict[str, Callable[[Any, Transaction], None] | None] = {
    "document-choose": None,
    "document-checking": attempt(None),
    "document-rejected": attempt("image_glare"),
    "document-back-side": attempt("front_side_provided_back_side_required"),
    "liveness-intro": tasks_done("document_scan"),
    "liveness-retry": failed_liveness,
    "waiting": tasks_done("document_scan", "face_liveness"),
    "completed": closed("completed"),
    "expired": closed("expired"),
    "cancelled": closed("cancelled"),
}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_state_passes_axe_in_every_language(site: Site, size: str) -> None:
    report = Audit(site.base)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for scheme in ("light", "dark"):
                context = open_context(browser, size, color_scheme=scheme)
                page = context.new_page()
                report.watch(page)
                # Dark mode: every state once (English); light mode: every state in every language.
                for locale in LOCALES if scheme == "light" else ("en-US",):
                    tag = f"{size}-{locale}" + ("-dark" if scheme == "dark" else "")
                    audit_states(site, page, locale, tag, report)
                context.close()
        finally:
            browser.close()
    report.assert_clean()
    per_language = len(STATIC) + 4 + (size == "desktop")
    assert report.count == (len(LOCALES) + 1) * per_language


def audit_states(site: Site, page: Page, locale: str, tag: str, report: Audit) -> None:
    for name, edit in STATIC.items():
        trx = site.create(locale)
        if edit is not None:
            site.change(trx, edit)
        page.goto(trx["url"])
        page.wait_for_selector("h1")
        if name == "document-rejected":
            page.wait_for_selector("#status:not([hidden])")
        report.check(page, f"{name}-{tag}")
        if name == "document-rejected":
            # The preview of the next photo shows the hint of the last one beside it.
            page.set_input_files("#document", files=[jpeg_file()])
            page.wait_for_selector("#preview:not([hidden]) #attempt-hint:not([hidden])")
            report.check(page, f"document-preview-{tag}")
    # The phone that finished, and the links that lead nowhere.
    trx = site.create(locale)
    site.change(trx, closed("completed"))
    page.goto(trx["url"] + "?device=phone")
    report.check(page, f"completed-on-phone-{tag}")
    page.goto(f"{site.base}/{locale.lower()}/identifications/{'A' * 50}")
    report.check(page, f"unknown-link-{tag}")
    page.goto(f"{site.base}/{locale.lower()}/handoffs/{'B' * 50}")
    report.check(page, f"handoff-unknown-{tag}")
    if tag.startswith("phone"):
        return
    # The QR code for the phone, from the desktop.
    trx = site.create(locale)
    page.goto(trx["url"])
    page.click("#use-phone")
    page.wait_for_selector("#qr:not([hidden])")
    report.check(page, f"handoff-qr-{tag}")


# --- the camera states: Chromium's fake camera plays a still picture ------------------------------

VIDEO_SIZE = (720, 960)  # portrait, as the phone's 3:4 viewfinder shows it (no cropping)
# Where the page's frame falls on that picture at 390 px wide: 7 % from each side, the passport
# page's proportions (125 x 88 mm), centred (flow.css .viewfinder .frame).
FRAME = (50, 262, 670, 698)


def write_still(path: Path, image: np.ndarray, frames: int = 5) -> Path:
    """A short Y4M file of one picture (BGR); Chromium loops it."""
    height, width = image.shape[:2]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F25:1 Ip A1:1 C420jpeg\n".encode())
        planes = cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420).tobytes()
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def document_still(path: Path, box: tuple[int, int, int, int]) -> Path:
    """The passport's photo page lying on a table, filling `box` of the picture."""
    need_fonts()
    need_faces()
    page = make_document(31, kind="passport", country="NLD").sides[0].image
    table = background(*VIDEO_SIZE, random.Random(8))
    x0, y0, x1, y1 = box
    table[y0:y1, x0:x1] = cv2.resize(cv2.cvtColor(page, cv2.COLOR_RGB2BGR), (x1 - x0, y1 - y0))
    return write_still(path, table)


def face_still(path: Path) -> Path:
    root = fixtures_dir()
    if root is None:
        pytest.skip("no fixture faces")
    face = cv2.imread(str(root / "faces" / "facerec__biden__biden2.jpg"))
    height, width = face.shape[:2]
    side = min(width, height * 3 // 4)
    crop = face[:, (width - side) // 2 : (width + side) // 2]
    return write_still(path, cv2.resize(crop, (480, 640)))


def source_of_last_attempt(site: Site, trx: dict[str, Any]) -> str | None:
    with site.container.session_factory() as session:
        scans = session.query(DocumentScan).filter_by(transaction_id=trx["id"]).all()
        return scans[-1].source if scans else None


def test_the_camera_frame_waits_until_the_document_is_inside(site: Site, tmp_path: Path) -> None:
    """Camera view in every language and size (a document beside the frame: no auto-capture);
    the shutter takes the photo anyway, and "Use this photo" sends it as a camera photo."""
    video = document_still(tmp_path / "beside.y4m", (20, 40, 300, 237))
    report = Audit(site.base)
    with sync_playwright() as playwright:
        browser = launch(playwright, video)
        try:
            for size in SIZES:
                context = open_context(browser, size)
                page = context.new_page()
                report.watch(page)
                for locale in LOCALES:
                    trx = site.create(locale)
                    page.goto(trx["url"])
                    page.click("input[value=id_card]")
                    page.click("#use-camera")
                    page.wait_for_function("() => document.getElementById('document-video').readyState >= 2")
                    page.wait_for_timeout(1500)  # five checks: none sees the document inside
                    assert page.is_visible("#camera")
                    assert not page.is_visible("#preview")
                    report.check(page, f"document-camera-{size}-{locale}")
                page.click("#take-photo")
                page.wait_for_selector("#preview:not([hidden])")
                with page.expect_response(lambda r: r.url.endswith("/documents")) as sent:
                    page.click("#upload button[type=submit]")
                assert sent.value.status == 202
                assert source_of_last_attempt(site, trx) == "camera"
                context.close()
        finally:
            browser.close()
    report.assert_clean()


def test_auto_capture_when_the_document_is_steady_inside_the_frame(site: Site, tmp_path: Path) -> None:
    video = document_still(tmp_path / "inside.y4m", FRAME)
    report = Audit(site.base)
    with sync_playwright() as playwright:
        browser = launch(playwright, video)
        try:
            context = open_context(browser, "phone")
            page = context.new_page()
            report.watch(page)
            trx = site.create("en-US")
            page.goto(trx["url"])
            page.click("#use-camera")
            started = time.monotonic()
            page.wait_for_selector("#preview:not([hidden])", timeout=15_000)  # nobody pressed the shutter
            assert time.monotonic() - started < 10
            assert page.get_attribute("#preview-image", "src").startswith("blob:")  # type: ignore[union-attr]
            assert not page.is_visible("#camera")  # the camera is off once the photo is taken
            report.check(page, "document-auto-captured-phone-en-US")
            with page.expect_response(lambda r: r.url.endswith("/documents")) as sent:
                page.click("#upload button[type=submit]")
            assert sent.value.status == 202
            assert source_of_last_attempt(site, trx) == "camera"
            context.close()
        finally:
            browser.close()
    report.assert_clean()


def test_liveness_oval_prompt_and_ring_in_every_language(site: Site, tmp_path: Path) -> None:
    video = face_still(tmp_path / "face.y4m")
    report = Audit(site.base)
    with sync_playwright() as playwright:
        browser = launch(playwright, video)
        try:
            for size in SIZES:
                context = open_context(browser, size)
                for locale in LOCALES:
                    page = context.new_page()
                    report.watch(page)
                    trx = site.create(locale)
                    site.change(trx, tasks_done("document_scan"))
                    page.goto(trx["url"])
                    page.click("#start-liveness")
                    page.wait_for_selector("#prompt:not(:empty)")
                    page.wait_for_function(
                        "() => Number(document.getElementById('ring-progress').ariaValueNow) > 5"
                    )
                    report.check(page, f"liveness-running-{size}-{locale}")
                    page.close()  # mid-check: nothing is sent
                context.close()
        finally:
            browser.close()
    report.assert_clean()
