"""EU driving licences (Directive 2006/126/EC card model) through the whole engine: a generated Dutch
and French card, front then back, photographed at the easy level. What the reader returns today is
asserted: the numbered fields, the categories table with its dates, the one-line zone (the
French front's, the Dutch back's) as source `mrz` compared with the print, the issuing state."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from idscan.documents.fields import latin
from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.rules import DocumentRules
from tests.documents.synth import _face, need_fonts, photograph
from tests.documents.synth.eu_licence import EuCard, make_eu_licence
from tests.support.factories import engines

Photos = tuple[bytes, bytes]
Read = tuple[EuCard, DocumentReading, Photos]


def _read(photos: Photos, today: dt.date) -> DocumentReading:
    return read_document(*photos, ReadParams(today=today, rules=DocumentRules(today=today)), engines())


@pytest.fixture(scope="module", params=[("NLD", 11), ("FRA", 12)], ids=["dutch", "french"])
def read(request: pytest.FixtureRequest) -> Read:
    need_fonts()
    state, seed = request.param
    card = make_eu_licence(seed, state=state, face=_face(seed))
    rng = random.Random(seed)
    photos = photograph(card.front.image, "easy", rng).data, photograph(card.back.image, "easy", rng).data
    today = card.licence.date_of_issue + dt.timedelta(days=30)  # a day the card is valid on
    return card, _read(photos, today), photos


def _value(reading: DocumentReading, name: str, source: str | None = None) -> str | None:
    field = reading.field(name)
    return field.value(source) if field else None


def test_the_printed_front_gives_a_licence_and_its_numbered_fields(read: Read) -> None:
    card, reading, _ = read
    lic = card.licence
    assert reading.code == "accepted"
    assert reading.document_type == "driving_license"
    assert _value(reading, "document_number", "visual") == lic.document_number
    for name, want in (
        ("surname", lic.surname),
        ("given_names", lic.given_names),
        ("place_of_birth", lic.place_of_birth),
    ):
        got = _value(reading, name, "visual")
        assert got is not None, name
        assert latin(got).replace("-", " ") == latin(want).replace("-", " "), name
    assert _value(reading, "date_of_birth", "visual") == lic.date_of_birth.isoformat()
    assert _value(reading, "date_of_issue", "visual") == lic.date_of_issue.isoformat()
    assert _value(reading, "date_of_expiry", "visual") == lic.date_of_expiry.isoformat()


def test_an_expired_licence_is_refused_by_its_printed_expiry(read: Read) -> None:
    card, _, photos = read
    late = card.licence.date_of_expiry + dt.timedelta(days=1)
    assert _read(photos, late).code == "document_expired"


def test_the_back_gives_the_categories_with_their_dates(read: Read) -> None:
    card, reading, _ = read
    field = reading.field("categories")
    assert field is not None
    assert [dict(i) for i in field.items] == [c.truth() for c in card.licence.categories]
    assert field.value() == "/".join(c.category for c in card.licence.categories)
    assert field.comparison == "match"  # field 9. of the front names the same categories


def test_the_zone_is_read_and_compared_with_the_print(read: Read) -> None:
    card, reading, _ = read
    lic = card.licence
    assert lic.zone is not None
    assert list(reading.mrz_lines) == [lic.zone]
    assert _value(reading, "document_number", "mrz") == lic.document_number
    number = reading.field("document_number")
    assert number is not None
    assert number.comparison == "match"
    if lic.state == "FRA":
        assert _value(reading, "date_of_expiry", "mrz") == lic.date_of_expiry.isoformat()


def test_the_issuing_state_is_known(read: Read) -> None:
    card, reading, _ = read
    assert reading.issuing_country == card.licence.state


def test_a_licence_whose_number_cannot_be_read_is_refused() -> None:
    need_fonts()
    card = make_eu_licence(12, state="DEU", face=_face(12))
    front = card.front.image.copy()
    x0, y0, x1, y1 = card.front.regions["document_number"]
    front[y0 - 2 : y1 + 2, x0 - 2 : x1 + 2] = front[y0 - 2, x1 + 40]  # the background beside it
    rng = random.Random(12)
    photos = photograph(front, "easy", rng).data, photograph(card.back.image, "easy", rng).data
    today = card.licence.date_of_issue + dt.timedelta(days=30)
    reading = _read(photos, today)
    assert reading.field("document_number") is None
    assert reading.field("surname") is not None  # the rest of the card still reads
    assert reading.code == "unknown_document"


@pytest.mark.parametrize(("state", "code"), [("DEU", "D"), ("ITA", "ITA")])
def test_a_one_letter_sign_is_read_from_the_flag(state: str, code: str) -> None:
    # the page read misses a lone letter among the stars; the flag's middle read alone does not
    need_fonts()
    card = make_eu_licence(31, state=state, face=_face(31))
    front = photograph(card.front.image, "easy", random.Random(31)).data
    reading = read_document(front, None, ReadParams(today=card.licence.date_of_issue), engines())
    assert reading.issuing_country == code
    country = reading.field("issuing_country_code")
    assert country is not None
    assert country.values[0].source == "visual"
