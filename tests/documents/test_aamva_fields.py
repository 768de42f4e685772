"""Result fields from a card's barcode, compared with its print."""

from __future__ import annotations

import datetime as dt

from idscan.documents.aamva import AamvaRecord, Address
from idscan.documents.aamva_fields import address_boxes, address_text, barcode_fields, same_text
from idscan.documents.ocr import TextLine
from idscan.documents.viz import VisualField

RECORD = AamvaRecord(
    iin="636014",
    version=10,
    jurisdiction_version=0,
    subfile="DL",
    country="USA",
    document_number="D1234567",
    surname="O'BRIEN",
    given_names="MARY ANN",
    date_of_birth=dt.date(1990, 1, 31),
    date_of_expiry=dt.date(2030, 1, 31),
    date_of_issue=dt.date(2022, 1, 31),
    sex="F",
    address=Address("123 MAIN ST", "SACRAMENTO", "CA", "95814"),
)
TODAY = dt.date(2026, 11, 25)


def _printed(name: str, value: str) -> VisualField:
    return VisualField(name, value, value, (0, 0, 10, 10))


def test_barcode_alone_gives_every_field_with_source_barcode() -> None:
    fields = {f.field: f for f in barcode_fields(RECORD, {}, document_type="driving_license", today=TODAY)}
    assert fields["document_type"].value("barcode") == "driving_license"
    assert fields["issuing_country"].value() == "United States"
    assert fields["issuing_country_code"].value() == "USA"
    assert fields["date_of_birth"].value() == "1990-01-31"
    assert fields["age"].value() == "36"
    assert fields["address"].value() == "123 MAIN ST, SACRAMENTO, CA 95814"
    assert all(f.comparison == "not_performed" for f in fields.values())
    assert all(v.source == "barcode" for f in fields.values() for v in f.values)
    assert fields["date_of_expiry"].validity == "valid"
    assert fields["surname"].validity == "not_checked"


def test_print_is_compared_field_by_field() -> None:
    printed = {
        "surname": _printed("surname", "O BRIEN"),  # OCR read the apostrophe as a blank
        "given_names": _printed("given_names", "MARY ANN"),
        "document_number": _printed("document_number", "D1234568"),
        "date_of_birth": _printed("date_of_birth", "1990-01-31"),
        "sex": _printed("sex", "M"),
    }
    fields = {
        f.field: f for f in barcode_fields(RECORD, printed, document_type="driving_license", today=TODAY)
    }
    assert fields["surname"].comparison == "match"
    assert fields["given_names"].comparison == "match"
    assert fields["date_of_birth"].comparison == "match"
    assert fields["document_number"].comparison == "mismatch"
    assert fields["sex"].comparison == "mismatch"
    assert [v.source for v in fields["sex"].values] == ["barcode", "visual"]
    assert fields["date_of_expiry"].comparison == "not_performed"


def test_address_lines_are_found_by_their_text() -> None:
    assert address_text(RECORD) == "123 MAIN ST, SACRAMENTO, CA 95814"
    assert same_text("SACRAMENTO, CA 95814", "SACRAMENTO CA 95814")
    assert same_text("123 MAlN ST", "123 MAIN ST")  # one OCR slip
    assert not same_text("DOB 01/31/1990", "123 MAIN ST")
    assert not same_text("", "123 MAIN ST")


def _line(text: str, y: float) -> TextLine:
    return TextLine(text, 0.9, ((10.0, y), (300.0, y), (300.0, y + 20), (10.0, y + 20)))


def test_address_lines_are_masked_generously() -> None:
    """A redacted front must not show the address: a labelled or badly read address line, and any
    line carrying the postal code, are masked; the other lines are not."""
    lines = [
        _line("8 123 MA1N SI", 40),  # AAMVA's field number and two OCR slips: below the comparison's 0.85
        _line("SACRAMENT0 C4 95814-0000", 70),  # the city misread; the postal code carries it
        _line("ORGAN DONOR", 100),
        _line("DOB 01/31/1990", 130),
        _line("CLASS C", 160),
    ]
    assert not same_text(lines[0].text, "123 MAIN ST")
    masked = {box[1] for box in address_boxes(lines, RECORD)}
    assert masked == {40, 70}
