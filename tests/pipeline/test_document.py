"""A document attempt end to end: hosted upload, the pipeline steps, the result and downloads."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from idscan.container import Container
from idscan.models import DocumentScan, Event
from idscan.pipeline import document
from tests.conftest import Caller
from tests.documents.synth import make_document, need_faces, need_fonts, photograph
from tests.support import hostile_images as hostile
from tests.support.factories import create_transaction
from tests.support.rawdb import assert_not_stored

API = "/id-scan/v1"


@pytest.fixture(scope="module")
def passport_photo() -> tuple[Any, bytes]:
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    return doc, photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data


def create(client: TestClient, caller: Caller, **settings: Any) -> dict[str, Any]:
    return create_transaction(client, caller, settings={"documentScan": settings})


def upload(client: TestClient, url: str, data: bytes, source: str = "file") -> Any:
    path = url.removeprefix("http://testserver")
    return client.post(
        f"{path}/documents",
        files={"file": ("photo.jpg", data, "image/jpeg")},
        data={"source": source},
        headers={"Accept": "application/json"},
    )


def process(container: Container, attempt_id: str) -> DocumentScan:
    document.run(container, attempt_id)
    with container.session_factory() as session:
        scan = session.get(DocumentScan, attempt_id)
        assert scan is not None
        return scan


def complete_two_sided(
    client: TestClient, container: Container, caller: Caller, first: bytes, second: bytes, **scan: Any
) -> tuple[dict[str, Any], list[str]]:
    """A document_scan transaction through two uploads (a card's two sides, in the order given):
    its details with the result under "result", and the attempt codes. Generated cards may have
    expired before today: the largest expiry allowance lets them through."""
    trx = create(client, caller, allowedExpiration=3650, **scan)
    codes = []
    for photo in (first, second):
        attempt = upload(client, trx["url"], photo).json()
        codes.append(process(container, attempt["attemptId"]).code)
    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "completed", codes
    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    ).json()
    return detail | {"result": result}, codes


def complete_in_order(
    client: TestClient, container: Container, caller: Caller, front: bytes, back: bytes, order: str
) -> dict[str, Any]:
    """`complete_two_sided` with the sides in `order` ("front_first" or "back_first"): the first
    upload asks for the other side, the second is accepted. The details, with the result."""
    first, second = (front, back) if order == "front_first" else (back, front)
    detail, codes = complete_two_sided(client, container, caller, first, second)
    assert codes == [
        "front_side_provided_back_side_required"
        if order == "front_first"
        else "back_side_provided_front_side_required",
        "accepted",
    ]
    return detail


def test_accepted_passport_completes_with_result_and_redacted_downloads(
    client: TestClient, container: Container, caller: Caller, passport_photo: tuple[Any, bytes]
) -> None:
    doc, photo = passport_photo
    # The generated passport expired in April 2026: the allowance lets it through.
    trx = create(client, caller, redactFields=["document_number"], allowedExpiration=3650)
    response = upload(client, trx["url"], photo)
    assert response.status_code == 202
    attempt_id = response.json()["attemptId"]

    pending = client.get(f"{API}/transactions/{trx['id']}/results/none", headers=caller.headers())
    assert pending.status_code == 409
    assert pending.json()["code"] == "transaction_not_completed"

    scan = process(container, attempt_id)
    assert scan.code == "accepted"
    process(container, attempt_id)  # a repeated run changes nothing

    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "completed"
    assert detail["tasks"][0]["state"] == "completed"
    assert detail["tasks"][0]["attempts"] == 1
    assert detail["tasks"][0]["attemptsInvoiced"] == 1
    assert detail["tasks"][0]["documentScans"] is None  # listed only while pending

    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    )
    assert result.status_code == 200
    body = result.json()
    assert body["id"] == trx["id"]
    task = body["tasks"][0]
    assert task["type"] == "document_scan"
    assert task["state"] == "completed"
    fields = {f["field"]: f for f in task["result"]}
    number = fields["document_number"]
    assert {"source": "mrz", "value": doc.identity.document_number} in number["values"]
    assert number["validity"] == "valid"
    (document_file,) = [f for f in task["files"] if f["category"] == "document"]
    assert document_file["type"] == "passport"
    assert document_file["name"] == "Netherlands - Passport"

    image = client.get(document_file["url"].removeprefix("http://testserver"), headers=caller.headers())
    assert image.status_code == 200
    assert_not_stored(container.settings.database_url, document_file["url"].rsplit("/", 1)[1])
    assert image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size[0] > 500

    with container.session_factory() as session:
        events = [e.body for e in session.scalars(select(Event).order_by(Event.created_at))]
    assert [e["type"] for e in events] == ["task.state.updated", "transaction.state.updated"]
    assert events[1]["transaction"] == {"id": trx["id"], "state": "completed", "resultId": detail["resultId"]}


def test_unreadable_uploads_fail_the_task_after_five_attempts(
    client: TestClient, container: Container, caller: Caller
) -> None:
    trx = create(client, caller)
    for attempt in range(1, 6):
        response = upload(client, trx["url"], b"this is not an image")
        assert response.status_code == 202
        scan = process(container, response.json()["attemptId"])
        assert scan.code == "unsupported_file"
        detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
        assert detail["tasks"][0]["attempts"] == attempt
        assert detail["tasks"][0]["attemptsInvoiced"] == 0
    assert detail["state"] == "completed"
    assert detail["tasks"][0]["state"] == "failed"
    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    )
    assert result.json()["tasks"][0]["state"] == "failed"
    assert upload(client, trx["url"], b"more").status_code == 410


def test_bombs_and_formats_off_the_list_are_unsupported_files(
    client: TestClient, container: Container, caller: Caller
) -> None:
    # Each is judged from its header in the worker: an attempt with its hint, never a decode.
    trx = create(client, caller)
    for data in (
        hostile.png_claiming(8000, 6000),
        hostile.jpeg_claiming(30000, 30000),
        hostile.tiff_blank16(600, 600),
        hostile.gif_claiming(65000, 65000),
        b"<!doctype html><p>not a photo",
    ):
        response = upload(client, trx["url"], data)
        assert response.status_code == 202
        assert process(container, response.json()["attemptId"]).code == "unsupported_file"


def test_attempts_are_listed_while_pending(client: TestClient, container: Container, caller: Caller) -> None:
    trx = create(client, caller)
    attempt_id = upload(client, trx["url"], b"\x89PNG\r\n\x1a\n truncated").json()["attemptId"]
    process(container, attempt_id)
    scans = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()["tasks"][0][
        "documentScans"
    ]
    assert len(scans) == 1
    assert scans[0]["code"] == "unsupported_file"
    assert scans[0]["source"] == "file"
    assert scans[0]["linked"] is False
    assert scans[0]["files"] == []  # nothing derived from an unreadable file; the raw upload is never served


def test_capture_source_must_be_allowed(client: TestClient, caller: Caller) -> None:
    trx = create(client, caller, captureSources=["camera"])
    response = upload(client, trx["url"], b"x", source="file")
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "source"


def test_second_upload_waits_for_the_first_verdict(client: TestClient, caller: Caller) -> None:
    trx = create(client, caller)
    assert upload(client, trx["url"], b"one").status_code == 202
    assert upload(client, trx["url"], b"two").status_code == 409


def test_expired_document_is_refused_with_its_code(
    client: TestClient, container: Container, caller: Caller, passport_photo: tuple[Any, bytes]
) -> None:
    trx = create(client, caller)
    scan = process(container, upload(client, trx["url"], passport_photo[1]).json()["attemptId"])
    assert scan.code == "document_expired"
    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "pending"
    (attempt,) = detail["tasks"][0]["documentScans"]
    assert attempt["code"] == "document_expired"
    assert {f["type"] for f in attempt["files"]} >= {"document_front"}
    # The attempt's download links work, and the database holds neither them nor their tokens.
    for file in attempt["files"]:
        image = client.get(file["url"].removeprefix("http://testserver"), headers=caller.headers())
        assert image.headers["content-type"] == "image/jpeg"
    assert_not_stored(
        container.settings.database_url, *(f["url"].rsplit("/", 1)[1] for f in attempt["files"])
    )


def test_erasure_makes_results_and_downloads_gone(
    client: TestClient, container: Container, caller: Caller, passport_photo: tuple[Any, bytes]
) -> None:
    trx = create(client, caller, allowedExpiration=3650)
    process(container, upload(client, trx["url"], passport_photo[1]).json()["attemptId"])
    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    )
    url = result.json()["tasks"][0]["files"][0]["url"].removeprefix("http://testserver")
    assert client.delete(f"{API}/transactions/{trx['id']}", headers=caller.headers()).status_code == 204
    assert client.get(url, headers=caller.headers()).status_code in (404, 410)
    gone = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    )
    assert gone.status_code == 410
    with container.session_factory() as session:
        assert all(s.reading_sealed is None for s in session.scalars(select(DocumentScan)))


@pytest.fixture(scope="module")
def id_card_photos() -> tuple[Any, bytes, bytes]:
    need_fonts()
    need_faces()
    doc = make_document(12, kind="identity_card", country="NLD")
    rng = random.Random(12)
    front = photograph(doc.sides[0].image, "medium", rng, turns=1).data
    back = photograph(doc.sides[1].image, "medium", rng, turns=3).data
    return doc, front, back


@pytest.mark.parametrize("order", ["front_first", "back_first"])
def test_two_sided_card_asks_for_the_other_side_then_links_it(
    client: TestClient,
    container: Container,
    caller: Caller,
    id_card_photos: tuple[Any, bytes, bytes],
    order: str,
) -> None:
    doc, front, back = id_card_photos
    first, second = (front, back) if order == "front_first" else (back, front)
    trx = create(client, caller, allowedExpiration=3650)
    one = upload(client, trx["url"], first).json()
    assert one["linked"] is False
    expected = (
        "front_side_provided_back_side_required"
        if order == "front_first"
        else "back_side_provided_front_side_required"
    )
    assert process(container, one["attemptId"]).code == expected
    two = upload(client, trx["url"], second).json()
    assert two["linked"] is True
    assert process(container, two["attemptId"]).code == "accepted"

    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "completed"
    assert detail["tasks"][0]["attempts"] == 1  # the linked side completes the first attempt
    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    )
    files = [f for f in result.json()["tasks"][0]["files"] if f["category"] == "document"]
    assert [f["name"] for f in files] == ["Netherlands - Identity Card", "Netherlands - Identity Card Side B"]
    assert {f["type"] for f in files} == {"identity_card"}
    fields = {f["field"]: f for f in result.json()["tasks"][0]["result"]}
    assert {"source": "mrz", "value": doc.identity.document_number} in fields["document_number"]["values"]
