"""The EU licence generator itself: its zones parse with valid check digits, every style prints its
fields, and the record is a plausible licence (what the reader tests and the benchmark rely on)."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from idscan.documents.licence_mrz import parse_licence_mrz
from tests.documents.synth import need_fonts
from tests.documents.synth.eu_licence import (
    CATEGORIES,
    STATES,
    STYLES,
    ZONE_ON_FRONT,
    make_eu_licence,
    random_eu_licence,
    zone_line,
    zone_name,
)

SEEDS = range(12)


@pytest.fixture(autouse=True)
def _fonts() -> None:
    need_fonts()


@pytest.mark.parametrize("state", ["NLD", "FRA"])
def test_the_zone_is_30_characters_whose_check_digits_the_parser_accepts(state: str) -> None:
    for seed in SEEDS:
        lic = make_eu_licence(seed, state=state).licence
        assert lic.zone is not None
        assert len(lic.zone) == 30
        parsed = parse_licence_mrz(lic.zone, lic.date_of_issue)
        assert parsed is not None, lic.zone
        assert parsed.valid, lic.zone
        assert parsed.issuing_country == state
        assert parsed.document_number == lic.document_number
        if state == "FRA":
            assert parsed.document_number_check_valid is True
            assert parsed.date_of_expiry == lic.date_of_expiry
            assert parsed.surname == zone_name(lic.surname)[:8].rstrip("<").replace("<", " ")


def test_a_changed_zone_character_fails_its_check_digit() -> None:
    lic = make_eu_licence(1, state="NLD").licence
    assert lic.zone is not None
    digit = lic.zone[20]
    other = "0" if digit != "0" else "1"
    broken = lic.zone[:20] + other + lic.zone[21:]
    parsed = parse_licence_mrz(broken, lic.date_of_issue)
    assert parsed is not None
    assert not parsed.valid


@pytest.mark.parametrize("state", STATES)
def test_every_style_prints_its_fields_and_the_back_its_table(state: str) -> None:
    style = STYLES[state]
    card = make_eu_licence(3, state=state)
    lic = card.licence
    printed = card.front.printed
    for name in (
        "surname",
        "given_names",
        "date_of_birth",
        "place_of_birth",
        "date_of_issue",
        "date_of_expiry",
    ):
        assert name in printed, name
        assert name in card.front.regions, name
    assert printed["document_number"] == lic.document_number
    assert printed["date_of_birth"] == lic.date_of_birth.strftime(style.date_format)
    assert printed["categories"] == lic.category_line
    assert ("personal_number" in printed) == (lic.personal_number is not None)
    assert ("address" in printed) == (lic.address is not None)
    assert (lic.zone is not None) == style.zone
    on_front = lic.state in ZONE_ON_FRONT
    assert card.front.mrz == ([lic.zone] if lic.zone and on_front else [])
    assert card.back.mrz == ([lic.zone] if lic.zone and not on_front else [])
    for cat in lic.categories:
        assert f"category_{cat.category}" in card.back.regions
    assert card.front.image.shape == card.back.image.shape == (540, 856, 3)
    assert card.front.image.mean(axis=(0, 1))[0] > card.front.image.mean(axis=(0, 1))[1]  # pink: red > green


def test_the_styles_differ_in_what_a_reader_must_cope_with() -> None:
    assert len(STATES) >= 4
    assert {s.date_format for s in STYLES.values()} >= {"%d.%m.%Y", "%d/%m/%Y"}
    assert len({s.rows for s in STYLES.values()}) >= 3
    assert len({s.fonts for s in STYLES.values()}) >= 3
    with_4d = {s.state for s in STYLES.values() if any("4d" in row for row in s.rows)}
    assert with_4d
    assert with_4d != set(STATES)


def test_the_record_is_a_plausible_licence() -> None:
    for seed in range(60):
        lic = random_eu_licence(random.Random(seed), STATES[seed % len(STATES)])
        assert lic.date_of_birth < lic.date_of_issue < lic.date_of_expiry
        assert "B" in [c.category for c in lic.categories]
        order = [CATEGORIES.index(c.category) for c in lic.categories]
        assert order == sorted(order)
        adult = lic.date_of_birth.replace(
            year=lic.date_of_birth.year + 18, day=min(lic.date_of_birth.day, 28)
        )
        for cat in lic.categories:
            assert adult <= cat.valid_from <= lic.date_of_issue
            assert cat.valid_until is None or cat.valid_from < cat.valid_until <= lic.date_of_expiry
        truth = lic.truth()
        assert truth["issuing_country"] == lic.state
        assert all(set(c) == {"category", "valid_from", "valid_until"} for c in truth["categories"])
        dt.date.fromisoformat(truth["date_of_birth"])


def test_same_seed_same_card_and_other_seeds_other_cards() -> None:
    a, b = make_eu_licence(5, state="DEU"), make_eu_licence(5, state="DEU")
    assert a.licence == b.licence
    assert np.array_equal(a.front.image, b.front.image)
    assert np.array_equal(a.back.image, b.back.image)
    numbers = {random_eu_licence(random.Random(seed), "DEU").document_number for seed in range(10)}
    assert len(numbers) == 10


def test_the_french_zone_of_the_eu_specimen_is_built_character_for_character() -> None:
    # the zone printed on the EU licence specimen (shared/fixtures/mrz), quoted in licence_mrz.py
    line = zone_line("FRA", "13AA00002", dt.date(2018, 12, 31), "MARTIN", random.Random(0))
    assert line == "D1FRA13AA000026181231MARTIN<<9"
    schroeder = zone_line("FRA", "13AA00002", dt.date(2018, 12, 31), "SCHRÖDER", random.Random(0))
    assert schroeder is not None
    assert schroeder[21:29] == "SCHROEDE"
    assert zone_name("NICOLÒ") == "NICOLO"
