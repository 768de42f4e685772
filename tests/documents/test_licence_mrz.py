"""The one-line zone of ISO/IEC 18013 driving licences: its shape, its check digits, and what the
French and Dutch layouts hold."""

from __future__ import annotations

import datetime as dt

import pytest

from idscan.documents.licence_mrz import judge_zone, parse_licence_mrz
from idscan.documents.mrz.checkdigit import check_digit
from tests.documents.mrz.fixtures import ground_truth

TODAY = dt.date(2026, 1, 1)
DUTCH = "D1NLD15094962111659VW87Z78NB84"  # a specimen's zone (datacheckerbv/MRZParser's tests)
FRENCH = "D1FRA13AA000026181231MARTIN<<9"  # the EU licence specimen of shared/fixtures/mrz


def test_a_french_zone() -> None:
    found = parse_licence_mrz(FRENCH, TODAY)
    assert found is not None
    assert found.valid
    assert (found.issuing_country, found.bap_configuration) == ("FRA", "1")
    assert found.document_number == "13AA00002"
    assert found.document_number_check_valid
    assert found.date_of_expiry == dt.date(2018, 12, 31)
    assert found.surname == "MARTIN"


def test_a_dutch_zone() -> None:
    found = parse_licence_mrz(DUTCH, TODAY)
    assert found is not None
    assert found.valid
    assert found.document_number == "5094962111"
    assert found.document_number_check_valid is None  # the Dutch layout has no such digit
    assert found.date_of_expiry is None
    assert found.surname is None


@pytest.mark.parametrize("line", [DUTCH, FRENCH])
def test_one_misread_character_fails_the_check(line: str) -> None:
    for i in (5, 12, 20, 29):
        wrong = line[:i] + ("7" if line[i] != "7" else "8") + line[i + 1 :]
        found = parse_licence_mrz(wrong, TODAY)
        assert found is not None
        assert not found.valid, wrong


def test_the_french_number_has_its_own_check_digit() -> None:
    # the number's digit wrong, the last digit recomputed over it: the zone still fails
    body = FRENCH[:14] + "5" + FRENCH[15:29]
    found = parse_licence_mrz(body + check_digit(body), TODAY)
    assert found is not None
    assert found.check_digit_valid
    assert found.document_number_check_valid is False
    assert not found.valid


def test_another_states_data_is_kept_unread_and_still_checked() -> None:
    body = "D1DEU" + "B072RRE2I55" + "<" * 13
    found = parse_licence_mrz(body + check_digit(body), TODAY)
    assert found is not None
    assert found.valid
    assert found.national_data == "B072RRE2I55" + "<" * 13
    assert found.document_number is None


@pytest.mark.parametrize(
    "text",
    [
        FRENCH[:-1],  # 29 characters
        FRENCH + "<",
        "I" + FRENCH[1:],  # not a licence's document code
        "D2" + FRENCH[2:],  # not a configuration of ISO/IEC 18013-3
        "D1FR4" + FRENCH[5:],  # a country is three letters
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<",
    ],
)
def test_text_without_the_zones_shape_is_none(text: str) -> None:
    assert parse_licence_mrz(text, TODAY) is None


def test_blanks_and_small_letters_read_into_the_line() -> None:
    for text in ("D1FRA13AA00002 6181231 MARTIN<<9", FRENCH.lower()):
        found = parse_licence_mrz(text, TODAY)
        assert found is not None
        assert found.line == FRENCH


def test_the_licence_zones_of_the_real_fixtures() -> None:
    items = [i for i in ground_truth()["mrz"] if i["format"] == "DL"]
    if not items:
        pytest.skip("no driving-licence zone in the shared ground truth")
    for item in items:
        found = parse_licence_mrz(item["lines"][0], TODAY)
        assert found is not None
        assert found.valid == item["check_digits_valid"], item["file"]


def test_two_reads_of_a_zone_agreeing() -> None:
    verdict = judge_zone((FRENCH, FRENCH), TODAY)
    assert verdict.valid
    assert verdict.readers_agree
    assert verdict.zone is not None
    assert verdict.zone.document_number == "13AA00002"


def test_one_misread_is_outvoted_by_the_check_digits() -> None:
    misread = FRENCH.replace("MARTIN", "MARTlN").replace("l", "1")  # a letter read as a digit
    assert parse_licence_mrz(misread, TODAY) is not None
    assert not parse_licence_mrz(misread, TODAY).valid
    verdict = judge_zone((misread, FRENCH), TODAY)
    assert verdict.valid
    assert not verdict.readers_agree
    assert verdict.zone is not None
    assert verdict.zone.line == FRENCH


def test_no_valid_read_leaves_the_zone_invalid() -> None:
    broken = FRENCH[:-1] + "0"
    verdict = judge_zone((broken, ""), TODAY)
    assert verdict.zone is not None
    assert not verdict.valid
    assert judge_zone(("", "NOT A ZONE"), TODAY).zone is None


def test_two_valid_reads_that_differ_cancel_each_other() -> None:
    # another valid zone of the same shape: one of the two reads must be wrong
    other = DUTCH
    verdict = judge_zone((FRENCH, other), TODAY)
    assert not verdict.valid
