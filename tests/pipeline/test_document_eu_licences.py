"""An EU driving licence through the service: a generated Dutch card (its one-line zone on the back),
front and back in either order, the zone's values compared with the front, the categories with their
dates, the number masked on both sides' downloads and missing from both reports when redacted."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from fastapi.testclient import TestClient

from idscan.container import Container
from idscan.report import seal
from tests.conftest import Caller
from tests.documents.synth import _face, need_fonts, photograph
from tests.documents.synth.eu_licence import EuCard, make_eu_licence
from tests.pipeline.test_document import complete_in_order, complete_two_sided
from tests.pipeline.test_document_us_cards import _document_image, printed
from tests.report.test_routes import report_url, text_of


@pytest.fixture(scope="module")
def licence() -> tuple[EuCard, bytes, bytes]:
    need_fonts()
    # the first generated card still inside the largest expiry allowance on the day the test runs
    seed = next(
        s
        for s in range(21, 200)
        if make_eu_licence(s, state="NLD").licence.date_of_expiry > dt.date.today() - dt.timedelta(days=3000)
    )
    card = make_eu_licence(seed, state="NLD", face=_face(seed))
    rng = random.Random(seed)
    return card, photograph(card.front.image, "easy", rng).data, photograph(card.back.image, "easy", rng).data


@pytest.mark.parametrize("order", ["front_first", "back_first"])
def test_either_order_completes_with_the_zone_and_the_categories(
    client: TestClient,
    container: Container,
    caller: Caller,
    licence: tuple[EuCard, bytes, bytes],
    order: str,
) -> None:
    card, front, back = licence
    detail = complete_in_order(client, container, caller, front, back, order)
    task = detail["result"]["tasks"][0]
    fields = {f["field"]: f for f in task["result"]}
    lic = card.licence
    assert fields["document_type"]["values"][0]["value"] == "driving_license"
    number = fields["document_number"]
    assert number["values"] == [
        {"source": "mrz", "value": lic.document_number},
        {"source": "visual", "value": lic.document_number},
    ]
    assert number["comparison"] == "match"
    assert number["validity"] == "valid"
    assert fields["issuing_country_code"]["values"] == [{"source": "mrz", "value": "NLD"}]
    assert fields["date_of_birth"]["values"] == [{"source": "visual", "value": lic.date_of_birth.isoformat()}]
    assert fields["mrz"]["values"] == [{"source": "mrz", "value": lic.zone}]
    categories = fields["categories"]
    assert categories["comparison"] == "match"
    assert categories["items"] == [
        {
            "category": c.category,
            "valid_from": c.valid_from.isoformat(),
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
        }
        for c in lic.categories
    ]
    docs = [f for f in task["files"] if f["category"] == "document"]
    assert [f["name"] for f in docs] == [
        "Netherlands - Driving License",
        "Netherlands - Driving License Side B",
    ]
    assert {f["type"] for f in docs} == {"driving_license"}


def test_a_redacted_number_leaves_both_sides_and_both_reports(
    client: TestClient, container: Container, caller: Caller, licence: tuple[EuCard, bytes, bytes]
) -> None:
    card, front, back = licence
    lic = card.licence
    plain, _ = complete_two_sided(client, container, caller, front, back)
    # the control: unredacted, the number reads on the front and in the back's zone
    assert lic.document_number in printed(_document_image(client, caller, plain, "front"))
    assert lic.document_number in printed(_document_image(client, caller, plain, "back"))
    detail, _ = complete_two_sided(client, container, caller, front, back, redactFields=["document_number"])
    front_text = printed(_document_image(client, caller, detail, "front"))
    assert lic.document_number not in front_text
    assert re.sub(r"\s", "", lic.surname).upper() in front_text
    assert lic.document_number not in printed(_document_image(client, caller, detail, "back"))
    simple = client.get(report_url(detail, "simple"), headers=caller.headers())
    extended = client.get(report_url(detail, "extended"), headers=caller.headers())
    for report in (simple, extended):
        assert report.status_code == 200
        text = text_of(report.content)
        assert lic.document_number not in text
        assert lic.surname in text
        assert "(mrz)" in text.lower()
        assert "redacted" in text
    assert not seal.verify(simple.content).intact  # only the extended report is sealed
    assert seal.verify(extended.content, [container.seal.certificate]).intact
