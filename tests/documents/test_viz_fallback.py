"""Printed values found by what the MRZ says, when their labels were not read."""

from __future__ import annotations

from datetime import date

from idscan.documents.mrz import parse
from idscan.documents.viz_fallback import guided_fields, near_names
from tests.documents.mrz.factory import Holder, td3
from tests.documents.test_viz import line

MRZ = parse(td3(Holder()), today=date(2026, 11, 26))


def test_values_equal_to_the_mrz_are_found_without_labels() -> None:
    lines = [
        line("ERIKSSON", 200, 90, 280, 110),
        line("ANNA MARIA", 200, 115, 290, 135),
        line("12 AUG/AOUT 74", 200, 170, 310, 188),
        line("F", 200, 200, 215, 216),
        line("ZENITH", 300, 198, 360, 216),
        line("15 APR/AVR 12", 200, 260, 300, 278),
    ]
    found = {k: v.value for k, v in guided_fields(lines, MRZ, {}).items()}
    assert found["surname"] == "ERIKSSON"
    assert found["given_names"] == "ANNA MARIA"
    assert found["date_of_birth"] == "1974-08-12"
    assert found["sex"] == "F"
    # the ICAO layout prints the place of birth beside the sex
    assert found["place_of_birth"] == "ZENITH"


def test_place_of_birth_is_only_taken_from_the_sex_row() -> None:
    lines = [
        line("F", 200, 200, 215, 216),
        line("ZENITH", 300, 240, 360, 258),  # a row lower: not beside the sex
        line("15 APR/AVR 12", 240, 199, 330, 217),  # beside it, but a date
    ]
    assert "place_of_birth" not in guided_fields(lines, MRZ, {})


def test_near_names_offers_the_closest_print_and_nothing_far() -> None:
    lines = [
        line("ERIKSS0N", 200, 90, 280, 110),
        line("ERIKSSDN", 200, 60, 280, 80),
        line("ZENITH", 300, 198, 360, 216),
    ]
    misread = parse(td3(Holder(surname="ERIKSSDN")), today=date(2026, 11, 26))
    offered = near_names(lines, misread, ["surname", "given_names"])
    assert offered["surname"].text == "ERIKSSDN"  # the closest line (digits are never a name)
    assert "given_names" not in offered
    assert near_names([line("ZENITH", 0, 0, 50, 10)], misread, ["surname"]) == {}


def test_a_misread_birth_date_is_not_taken_for_the_issue_date() -> None:
    # born 1974-08-12, expiring 2012-04-15: "76" is the birth year misread, between the two
    misread_birth = line("12 AUG/AOUT 76", 200, 170, 310, 188)
    assert "date_of_issue" not in guided_fields([misread_birth], MRZ, {})
    # beside the real issue date, printed with a colon for its second dot, the issue date is found
    issued = line("15.04:2002", 200, 260, 300, 278)
    found = guided_fields([misread_birth, issued], MRZ, {})
    assert found["date_of_issue"].value == "2002-04-15"
