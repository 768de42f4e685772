"""The printed front of a US or Canadian card: its short labels and North American dates."""

from __future__ import annotations

import datetime as dt

import pytest

from idscan.documents.ocr import TextLine
from idscan.documents.viz_aamva import aamva_front_fields, front_subfile, north_american_date


def _line(text: str, x: int, y: int, w: int = 200, h: int = 30) -> TextLine:
    return TextLine(text, 0.99, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01/31/1990", dt.date(1990, 1, 31)),  # USA: month first
        ("03/04/1990", dt.date(1990, 3, 4)),  # never 3 April read as 4 March
        ("1990/01/31", dt.date(1990, 1, 31)),  # Canada: year first
        ("2O24/12/14", dt.date(2024, 12, 14)),  # an O between digits is a zero
        ("31/01/1990", None),  # a European order is no North American date
        ("02/30/1990", None),
        ("1990", None),
    ],
)
def test_north_american_dates(text: str, day: dt.date | None) -> None:
    assert north_american_date(text) == day


def test_labels_with_their_values_on_the_line_or_to_the_right() -> None:
    lines = [
        _line("DL S631706690743", 320, 100),
        _line("LN", 320, 150, w=30),
        _line("MARTINEZ-LOPEZ", 362, 148),
        _line("FN JOHN QUINCY", 320, 200),
        _line("DOB 03/04/1991", 320, 250),
        _line("EXP 09/16/2030", 320, 300),
        _line("SEX F", 320, 350),
    ]
    found = aamva_front_fields(lines)
    assert {k: v.value for k, v in found.items()} == {
        "document_number": "S631706690743",
        "surname": "MARTINEZ-LOPEZ",
        "given_names": "JOHN QUINCY",
        "date_of_birth": "1991-03-04",
        "date_of_expiry": "2030-09-16",
        "sex": "F",
    }
    assert found["surname"].box == (362, 148, 562, 178)  # the value's own box, for redaction
    assert front_subfile(lines) == "DL"
    assert front_subfile([_line("ID X7483378", 0, 0)]) == "ID"


def test_a_few_short_words_are_not_an_aamva_front() -> None:
    # a European card may print `ID` or `EXP`; two such fields are not enough
    lines = [_line("ID CARD 123456", 0, 0), _line("EXP 01/02/2030", 0, 40), _line("IDENTITY CARD", 0, 80)]
    assert aamva_front_fields(lines) == {}
    # words that merely begin with a label are no labels
    assert aamva_front_fields([_line("LNDON", 0, 0), _line("FNORD", 0, 40), _line("DOBSON", 0, 80)]) == {}


def test_aamva_field_numbers_before_the_labels_and_alone() -> None:
    lines = [
        _line("4d DLN I1234568", 320, 100),
        _line("1 LN CARDHOLDER", 320, 150),
        _line("2 FN IMA", 320, 200),
        _line("3 DOB 08/31/1977", 320, 250),
        _line("4b 08/31/2030", 320, 300),  # the expiry under its number alone
        _line("15 SEX F", 320, 350),
        _line("8 2570 24TH STREET", 320, 400),  # the address: a number, not a field of ours
    ]
    found = {k: v.value for k, v in aamva_front_fields(lines).items()}
    assert found == {
        "document_number": "I1234568",
        "surname": "CARDHOLDER",
        "given_names": "IMA",
        "date_of_birth": "1977-08-31",
        "date_of_expiry": "2030-08-31",
        "sex": "F",
    }
    assert front_subfile(lines) == "DL"


def test_field_numbers_alone_do_not_make_an_aamva_front() -> None:
    # an EU licence numbers its fields too (and there 4d is the personal number, 5 the licence's)
    lines = [
        _line("1. MUSTERMANN", 0, 0),
        _line("2. ERIKA", 0, 40),
        _line("3. 12.08.1974 BERLIN", 0, 80),
        _line("4a 01.02.2015", 0, 120),
        _line("4b 01.02.2030", 0, 160),
        _line("4d 123456789", 0, 200),
    ]
    assert aamva_front_fields(lines) == {}
