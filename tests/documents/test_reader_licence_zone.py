"""The EU licence specimen of shared/fixtures (a French card that prints the ISO/IEC 18013 zone on its
front): the zone read by both readers, its values put first and compared with the print, the
categories of field 9., and the front asking for the back."""

from __future__ import annotations

import datetime as dt

import pytest

from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from tests.documents.mrz.fixtures import fixtures_dir, ground_truth
from tests.support.factories import engines

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def french() -> tuple[DocumentReading, dict[str, object]]:
    entry = next((e for e in ground_truth()["mrz"] if e["format"] == "DL"), None)
    if entry is None:
        pytest.skip("no driving licence with a one-line zone in the shared fixtures")
    data = (fixtures_dir() / entry["file"]).read_bytes()
    return read_document(data, None, ReadParams(today=TODAY), engines()), entry


def test_the_zone_is_read_and_checked(french: tuple[DocumentReading, dict[str, object]]) -> None:
    reading, entry = french
    assert reading.document_type == "driving_license"
    assert reading.mrz_lines == tuple(entry["lines"])  # type: ignore[arg-type]
    assert reading.mrz_format == "DL"
    assert reading.mrz_accepted
    mrz = reading.field("mrz")
    assert mrz is not None
    assert mrz.validity == "valid"


def test_the_zone_confirms_the_print(french: tuple[DocumentReading, dict[str, object]]) -> None:
    reading, _ = french
    for name in ("document_number", "surname", "date_of_expiry"):
        found = reading.field(name)
        assert found is not None, name
        assert [v.source for v in found.values] == ["mrz", "visual"], name
        assert found.comparison == "match", (name, found.values)
    code = reading.field("issuing_country_code")
    assert code is not None
    assert code.value("mrz") == "FRA"
    assert reading.issuing_country == "FRA"


def test_categories_of_field_nine(french: tuple[DocumentReading, dict[str, object]]) -> None:
    reading, _ = french
    categories = reading.field("categories")
    assert categories is not None
    codes = [i["category"] for i in categories.items]
    assert {"B", "BE", "AM"} <= set(codes)
    assert categories.comparison == "not_performed"  # the back (its table) is not here


def test_the_front_asks_for_the_back_and_masks_the_zones_number(
    french: tuple[DocumentReading, dict[str, object]],
) -> None:
    reading, _ = french
    assert reading.code == "front_side_provided_back_side_required"
    side = reading.sides[0]
    number_boxes = side.regions["document_number"]
    zone = side.regions["mrz"][0]
    # the printed number and its stretch of the zone (inside the zone's row)
    assert any(b[1] >= zone[1] - 2 and b[3] <= zone[3] + 2 for b in number_boxes)
    assert any(b[3] < zone[1] for b in number_boxes)
