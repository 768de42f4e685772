"""A US or Canadian card through the service: front and back in either order, the barcode's fields
in the result, the address only when asked for, the barcode and the number masked on the downloads
when redaction asks, and both reports without the redacted value, naming the barcode as the source.
Each test runs on both databases (the `settings` fixture)."""

from __future__ import annotations

import io
import json
import random
import re
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from idscan.container import Container
from idscan.documents.barcode import read_pdf417
from idscan.models import DocumentScan
from idscan.pipeline.outcome import reading_aad
from idscan.report import seal
from tests.conftest import Caller
from tests.documents.synth import photograph
from tests.documents.synth.us_card import UsCard, make_us_card
from tests.pipeline.test_document import complete_in_order, complete_two_sided
from tests.report.test_routes import report_url, text_of
from tests.support.factories import engines


@pytest.fixture(scope="module")
def licence() -> tuple[UsCard, bytes, bytes]:
    card = make_us_card(2, subfile="DL")  # Ontario/BC-style: a Canadian licence, year-first dates
    rng = random.Random(2)
    return card, photograph(card.front.image, "easy", rng).data, photograph(card.back.image, "easy", rng).data


@pytest.mark.parametrize("order", ["front_first", "back_first"])
def test_either_order_completes_with_the_barcodes_fields(
    client: TestClient,
    container: Container,
    caller: Caller,
    licence: tuple[UsCard, bytes, bytes],
    order: str,
) -> None:
    card, front, back = licence
    detail = complete_in_order(client, container, caller, front, back, order)
    assert detail["tasks"][0]["attempts"] == 1
    task = detail["result"]["tasks"][0]
    fields = {f["field"]: f for f in task["result"]}
    lic = card.licence
    assert fields["document_number"]["values"][0] == {"source": "barcode", "value": lic.document_number}
    assert {"source": "visual", "value": lic.document_number} in fields["document_number"]["values"]
    assert fields["document_number"]["comparison"] == "match"
    assert fields["surname"]["comparison"] == "match"
    assert fields["date_of_birth"]["values"][0]["value"] == lic.date_of_birth.isoformat()
    assert fields["issuing_country_code"]["values"] == [{"source": "barcode", "value": "CAN"}]
    assert "address" not in fields  # only when extractFields asks for it
    with container.session_factory() as session:  # nor is it kept sealed with the attempts
        scans = session.scalars(select(DocumentScan).where(DocumentScan.transaction_id == detail["id"]))
        kept = [
            json.loads(container.keyring.open(scan.reading_sealed, aad=reading_aad(scan.id)))
            for scan in scans
            if scan.reading_sealed is not None
        ]
    assert len(kept) == 2
    assert [f for k in kept for f in k["fields"] if f["field"] == "address"] == []
    docs = [f for f in task["files"] if f["category"] == "document"]
    assert [f["name"] for f in docs] == ["Canada - Driving License", "Canada - Driving License Side B"]
    assert {f["type"] for f in docs} == {"driving_license"}


def _document_image(client: TestClient, caller: Caller, detail: dict[str, Any], side: str) -> np.ndarray:
    """The downloaded document image of the card's `side` ("front" or "back")."""
    files = detail["result"]["tasks"][0]["files"]
    docs = [f for f in files if f["category"] == "document"]
    (wanted,) = [f for f in docs if f["name"].endswith("Side B") == (side == "back")]
    got = client.get(wanted["url"].removeprefix("http://testserver"), headers=caller.headers())
    assert got.status_code == 200
    return np.asarray(Image.open(io.BytesIO(got.content)).convert("RGB"))


def printed(image: np.ndarray) -> str:
    """Every line the OCR reads on `image`, upper case, without spaces: a printed value masked on
    it is not in there."""
    return " ".join(re.sub(r"\s", "", line.text).upper() for line in engines().ocr().read(image))


def test_address_on_request_and_the_barcode_masked_when_it_is_redacted(
    client: TestClient, container: Container, caller: Caller, licence: tuple[UsCard, bytes, bytes]
) -> None:
    card, front, back = licence
    asked, _ = complete_two_sided(
        client, container, caller, front, back, extractFields=["address", "surname", "document_image"]
    )
    fields = {f["field"]: f for f in asked["result"]["tasks"][0]["result"]}
    assert set(fields) == {"address", "surname"}
    assert card.licence.street in fields["address"]["values"][0]["value"]
    assert fields["address"]["values"][0]["source"] == "barcode"
    # unredacted, the downloads still carry a readable barcode and number; redacted, they do not
    assert read_pdf417(_document_image(client, caller, asked, "back")) is not None
    assert card.licence.document_number in printed(_document_image(client, caller, asked, "front"))
    redacted, _ = complete_two_sided(client, container, caller, front, back, redactFields=["address"])
    assert read_pdf417(_document_image(client, caller, redacted, "back")) is None


def test_a_redacted_number_leaves_the_downloads_and_both_reports(
    client: TestClient, container: Container, caller: Caller, licence: tuple[UsCard, bytes, bytes]
) -> None:
    card, front, back = licence
    lic = card.licence
    detail, _ = complete_two_sided(client, container, caller, front, back, redactFields=["document_number"])
    # the barcode encodes the number: it is masked whole; on the front, the number and not the name
    assert read_pdf417(_document_image(client, caller, detail, "back")) is None
    front_text = printed(_document_image(client, caller, detail, "front"))
    assert lic.document_number not in front_text
    assert re.sub(r"\s", "", lic.surname).upper() in front_text
    simple = client.get(report_url(detail, "simple"), headers=caller.headers())
    extended = client.get(report_url(detail, "extended"), headers=caller.headers())
    for report in (simple, extended):
        assert report.status_code == 200
        text = text_of(report.content)
        assert lic.document_number not in text
        assert lic.surname in text
        assert "(barcode)" in text  # each value's source, the barcode's first
        assert "redacted" in text
    assert not seal.verify(simple.content).intact  # only the extended report is sealed
    assert seal.verify(extended.content, [container.seal.certificate]).intact
