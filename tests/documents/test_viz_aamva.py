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


def _values(lines: list[TextLine]) -> dict[str, str]:
    return {k: v.value for k, v in aamva_front_fields(lines).items()}


def test_labels_over_their_values_and_two_labels_over_two_values() -> None:
    # a label line over its value; `4d Customer Identifier 4b Exp` heads two columns
    lines = [
        _line("1 FAMILY NAME", 200, 100, w=110, h=18),
        _line("SAMPLE", 208, 117, w=84, h=20),
        _line("2 GIVEN NAMES", 200, 140, w=110, h=18),
        _line("THOMAS", 208, 157, w=80, h=19),
        _line("ALEXANDER", 208, 175, w=114, h=19),  # given names run on to a second line
        _line("8 ADDRESS", 200, 198, w=70, h=18),
        _line("123 MAIN ST", 208, 215, w=120, h=19),
        _line("3 DOB", 200, 240, w=40, h=14),
        _line("04/24/1976", 215, 251, w=67, h=16),
        _line("4d Customer Identifier 4b Exp", 200, 270, w=157, h=15),
        _line("15-239-1250", 218, 284, w=75, h=15),
        _line("04/24/2028", 334, 284, w=64, h=14),
        _line("15 SEX 16 HGT", 200, 310, w=106, h=21),
        _line("F 5'-05\"", 215, 324, w=94, h=24),
    ]
    assert _values(lines) == {
        "surname": "SAMPLE",
        "given_names": "THOMAS ALEXANDER",
        "date_of_birth": "1976-04-24",
        "document_number": "15-239-1250",
        "date_of_expiry": "2028-04-24",
        "sex": "F",
    }


def test_several_labels_on_one_line_and_values_in_the_box_to_the_right() -> None:
    lines = [
        _line("DOB: 08-16-1960 SEX: M", 238, 220, w=231, h=27),
        _line("ISSUED: 02-01-2013 HGT: 5-08", 239, 241, w=275, h=27),
        _line("EXPIRES: 07-10-2021", 239, 263, w=197, h=27),
        _line("4d DL NO.999999999 3 DOB 02/22/1954", 223, 300, w=428, h=35),
        _line("4a ISS", 221, 350, w=58, h=22),
        _line("02/22/2018", 299, 347, w=121, h=25),
    ]
    found = _values(lines)
    assert found == {
        "date_of_birth": "1960-08-16",  # month first: never 8 April... nor the 16th month
        "sex": "M",
        "date_of_issue": "2013-02-01",
        "date_of_expiry": "2021-07-10",
        "document_number": "999999999",
    }


def test_labels_printed_against_their_values() -> None:
    lines = [
        _line("DLI1234568", 221, 89, w=164, h=37),
        _line("EXP01-05-2014", 223, 128, w=173),
        _line("LNCARDHOLDER", 224, 160, w=191),
        _line("FNIMA", 225, 186, w=72),
        _line("D.O.8.01-05-1948", 212, 144 + 100, w=193),  # an 8 for the B
        _line("iss01-05-2010", 213, 275 + 100, w=164),
        _line("SEXMHT 5-05", 407, 277 + 100, w=132),
    ]
    assert _values(lines) == {
        "document_number": "I1234568",
        "date_of_expiry": "2014-01-05",
        "surname": "CARDHOLDER",
        "given_names": "IMA",
        "date_of_birth": "1948-01-05",
        "date_of_issue": "2010-01-05",
        "sex": "M",
    }
    # a word that merely begins with a label is still a word
    assert _values([_line("LNDON", 0, 0), _line("FNORD", 0, 40), _line("DLUGOSZ", 0, 80)]) == {}


def test_spelled_out_labels() -> None:
    lines = [
        _line("License # 123456789", 188, 101, w=186, h=26),
        _line("ISSUED 03/01/2007", 401, 105, w=165, h=19),
        _line("Date of Birth 03/01/1957", 188, 122, w=205, h=26),
        _line("EXPIRES 03/01/2011", 402, 127, w=163, h=19),
        _line("Lic. No:", 447, 300, w=64, h=24),
        _line("Customer identifier", 219, 409, w=126, h=20),
        _line("S-000-000-000-000", 218, 425, w=207, h=27),
        _line("Dáte of exp", 565, 418, w=77, h=23),
    ]
    assert _values(lines) == {
        "document_number": "123456789",
        "date_of_issue": "2007-03-01",
        "date_of_birth": "1957-03-01",
        "date_of_expiry": "2011-03-01",
    }


def test_numbered_name_lines_only_as_a_pair() -> None:
    front = [
        _line("4d 12345678", 220, 60),
        _line("3 DOB 02/11/1974", 220, 350),
        _line("4b EXP 02/11/2030", 400, 350),
        _line("4a ISS 10/31/2015", 400, 320),
    ]
    pair = [_line("2 IMA GEORGIA", 221, 108, h=26), _line("1 SAMPLE", 221, 131, h=28)]
    found = _values(front + pair)
    assert (found["surname"], found["given_names"], found["document_number"]) == (
        "SAMPLE",
        "IMA GEORGIA",
        "12345678",
    )
    # `1 WONDERFUL DRIVE` alone is an address line with a house number, not a surname
    assert "surname" not in _values([*front, _line("1 WONDERFUL DRIVE", 221, 131)])
    # the number decides: `2 DL ADULT NON REAL ID` is a given name, not a licence number
    names = [_line("1 SAMPLE", 155, 79, h=14), _line("2 DL ADULT NON REAL ID", 154, 92, h=15)]
    found = _values(front + names)
    assert found["given_names"] == "DL ADULT NON REAL ID"
    assert found["document_number"] == "12345678"


def test_unlabelled_name_lines_are_left_out() -> None:
    # `CONNOR` over `SAMPLE`: given name first on one state's card, surname first on another's
    lines = [
        _line("NO.1234567", 257, 119),
        _line("DOB 01-05-1948", 212, 144),
        _line("CONNOR", 214, 173, w=93),
        _line("SAMPLE", 214, 194, w=95),
        _line("EXP 01-05-2014", 433, 143),
        _line("ISS 01-05-2010", 213, 275),
    ]
    found = _values(lines)
    assert "surname" not in found
    assert "given_names" not in found
    assert found["document_number"] == "1234567"


def test_english_words_alone_do_not_make_an_aamva_front() -> None:
    # an ID card's front in English (its MRZ on the back) prints these too
    lines = [
        _line("Date of birth 01/02/1990", 0, 0),
        _line("Sex F", 0, 40),
        _line("Date of issue 03/04/2020", 0, 80),
        _line("Family name", 0, 120),
        _line("SMITH", 0, 150),
    ]
    assert aamva_front_fields(lines) == {}


def test_dates_that_cannot_all_be_right_are_dropped() -> None:
    lines = [
        _line("DL 1234567", 0, 0),
        _line("DOB 01/31/2016", 0, 40),  # born after the card was issued: one date is another's
        _line("ISS 01/31/2015", 0, 80),
        _line("EXP 01/31/2023", 0, 120),
        _line("SEX M", 0, 160),
    ]
    assert _values(lines) == {"document_number": "1234567", "sex": "M"}


def test_one_printed_value_belongs_to_one_label() -> None:
    # `ISS` over nothing of its own: the birth date under `DOB` beside it is not its value too
    lines = [
        _line("DL 1234567", 0, 0),
        _line("DOB", 0, 40, w=40, h=20),
        _line("ISS", 30, 40, w=40, h=20),
        _line("01/31/1990", 5, 58, w=90, h=20),
        _line("EXP 01/31/2030", 0, 120),
    ]
    found = _values(lines)
    assert found["date_of_birth"] == "1990-01-31"
    assert "date_of_issue" not in found
