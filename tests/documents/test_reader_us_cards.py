"""US and Canadian cards through the whole engine: the barcode on the back is the document's data,
the printed front is compared with it, and the two sides pair in either order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest

from idscan.documents.barcode import read_pdf417
from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.redact import redact
from idscan.documents.rules import DocumentRules, Level
from tests.documents.synth import _face, need_faces, photograph
from tests.documents.synth.aamva import random_licence
from tests.documents.synth.us_card import UsCard, make_us_card, render_back, render_front
from tests.support.factories import engines


def _day(card: UsCard) -> dt.date:
    return card.licence.date_of_issue + dt.timedelta(days=30)  # a day the card is valid on


def _photos(card: UsCard, level: str, seed: int) -> tuple[bytes, bytes]:
    rng = random.Random(seed)
    return photograph(card.front.image, level, rng).data, photograph(card.back.image, level, rng).data


def _read(card: UsCard, front: bytes, back: bytes | None, **rules: object) -> DocumentReading:
    today = _day(card)
    params = ReadParams(today=today, rules=DocumentRules(today=today, **rules))  # type: ignore[arg-type]
    return read_document(front, back, params, engines())


@pytest.fixture(scope="module", params=[(3, "ID"), (2, "DL")], ids=["us-id-card", "canadian-licence"])
def card(request: pytest.FixtureRequest) -> tuple[UsCard, tuple[bytes, bytes]]:
    seed, subfile = request.param
    made = make_us_card(seed, subfile=subfile)
    return made, _photos(made, "easy", seed)


def test_both_sides_in_either_order_give_the_barcodes_fields(
    card: tuple[UsCard, tuple[bytes, bytes]],
) -> None:
    made, (front, back) = card
    lic = made.licence
    for first, second in ((front, back), (back, front)):
        reading = _read(made, first, second)
        assert reading.code == "accepted"
        assert reading.document_type == made.document_type
        assert reading.issuing_country == lic.country
        assert sorted(s.side for s in reading.sides) == ["back", "front"]
        expected = {
            "document_number": lic.document_number,
            "surname": lic.surname,
            "given_names": lic.given_names,
            "date_of_birth": lic.date_of_birth.isoformat(),
            "date_of_expiry": lic.date_of_expiry.isoformat(),
            "date_of_issue": lic.date_of_issue.isoformat(),
            "sex": lic.sex,
            "issuing_country_code": lic.country,
        }
        for name, value in expected.items():
            field = reading.field(name)
            assert field is not None, name
            assert field.values[0].source == "barcode", name
            assert field.value("barcode") == value, name
        # every printed value the front carries was read and agrees
        for name in ("document_number", "surname", "given_names", "date_of_birth", "date_of_expiry", "sex"):
            field = reading.field(name)
            assert field is not None, name
            assert field.comparison == "match", name
        address = reading.field("address")
        assert address is not None
        assert lic.street in (address.value("barcode") or "")
        passed = {c.name: c.passed for c in reading.checks}
        assert passed == {"barcode_read": True, "barcode_matches_print": True}


def test_one_side_asks_for_the_other(card: tuple[UsCard, tuple[bytes, bytes]]) -> None:
    made, (front, back) = card
    assert _read(made, front, None).code == "front_side_provided_back_side_required"
    alone = _read(made, back, None)
    assert alone.code == "back_side_provided_front_side_required"
    assert alone.sides[0].side == "back"


def test_the_transactions_rules_apply_to_the_barcodes_dates(card: tuple[UsCard, tuple[bytes, bytes]]) -> None:
    made, (front, back) = card
    lic = made.licence
    late = lic.date_of_expiry + dt.timedelta(days=1)
    params = ReadParams(today=late, rules=DocumentRules(today=late))
    assert read_document(front, back, params, engines()).code == "document_expired"
    age = (_day(made) - lic.date_of_birth).days // 366
    assert _read(made, front, back, minimum_age=age + 2).code == "age_below_minimum"
    assert _read(made, front, back, maximum_age=max(0, age - 2)).code == "age_above_maximum"


def test_a_front_that_prints_another_name_says_mismatch() -> None:
    made = make_us_card(5, subfile="DL")
    altered = dataclasses.replace(made.licence, surname="WILLIAMSON")
    fake = UsCard(made.licence, made.payload, render_front(altered, None, random.Random(5)), made.back)
    front, back = _photos(fake, "easy", 5)
    basic = _read(fake, front, back)
    surname = basic.field("surname")
    assert surname is not None
    assert surname.comparison == "mismatch"
    assert surname.value("barcode") == made.licence.surname
    assert surname.value("visual") == "WILLIAMSON"
    assert basic.code == "accepted"  # the basic level reports a mismatch, as for an MRZ
    assert {c.name: c.passed for c in basic.checks}["barcode_matches_print"] is False
    assert _read(fake, front, back, level=Level.ADVANCED).code == "comparison_mismatch"


def test_the_front_of_another_card_is_refused() -> None:
    made = make_us_card(6, subfile="DL")
    other = make_us_card(7, subfile="DL")
    front, _ = _photos(other, "easy", 7)
    _, back = _photos(made, "easy", 6)
    assert _read(made, front, back).code == "unknown_type_back"


def test_a_pdf417_without_card_data_is_no_card() -> None:
    rng = random.Random(8)
    lic = random_licence(rng, subfile="DL")
    back = render_back(b"BOARDING PASS M1DOE/JOHN EABC123 AMSJFKKL 0641", rng)
    data = photograph(back.image, "easy", rng).data
    params = ReadParams(today=lic.date_of_issue, rules=DocumentRules(today=lic.date_of_issue))
    reading = read_document(data, None, params, engines())
    assert reading.code not in ("accepted", "back_side_provided_front_side_required")
    assert reading.field("document_number") is None


def test_the_barcode_search_is_part_of_the_work_budget(card: tuple[UsCard, tuple[bytes, bytes]]) -> None:
    made, (_front, back) = card
    today = _day(made)
    params = ReadParams(today=today, rules=DocumentRules(today=today), max_barcode_reads=0)
    reading = read_document(back, None, params, engines())
    assert "barcode" in reading.sides[0].skipped
    assert reading.code not in ("accepted", "back_side_provided_front_side_required")


def test_redacting_the_address_masks_the_barcode_and_the_printed_address(
    card: tuple[UsCard, tuple[bytes, bytes]],
) -> None:
    made, (front, back) = card
    reading = _read(made, front, back)
    sides = {s.side: s for s in reading.sides}
    assert read_pdf417(sides["back"].image) is not None
    for name in ("address", "document_number", "date_of_birth"):
        masked = redact(sides["back"].image, sides["back"].regions, [name])
        assert read_pdf417(masked) is None, name
    # the street line and the city line of the print
    assert len(sides["front"].regions["address"]) == 2
    kept = redact(sides["back"].image, sides["back"].regions, ["signature"])
    assert np.array_equal(kept, sides["back"].image)


def test_the_portrait_for_a_face_match_comes_from_the_front() -> None:
    need_faces()
    made = make_us_card(9, subfile="DL", face=_face(9))
    front, back = _photos(made, "easy", 9)
    today = _day(made)
    params = ReadParams(today=today, rules=DocumentRules(today=today), require_portrait=True)
    reading = read_document(back, front, params, engines())
    assert reading.code == "accepted"
    assert reading.portrait is not None
    faceless = make_us_card(9, subfile="DL")
    front, back = _photos(faceless, "easy", 9)
    assert read_document(front, back, params, engines()).code == "portrait_not_found"
