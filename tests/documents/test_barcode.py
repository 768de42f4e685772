"""PDF417 decoding on generated US/Canadian backs, photographed like the other documents."""

from __future__ import annotations

import random

import numpy as np
import pytest

from idscan.documents.aamva import parse_aamva
from idscan.documents.barcode import read_pdf417
from idscan.documents.locate import locate
from tests.documents.synth import photograph
from tests.documents.synth.us_card import make_us_card

from .test_aamva import expected

CLEAN_SAMPLE = 100  # seeds 1000-1099: 100 of 100 decoded when this was written (99 % is the goal)


def _read_photo(image: np.ndarray) -> bytes | None:
    """As the reader does: the flattened card first, then the photo as taken."""
    located = locate(image, 1280)
    found = read_pdf417(located.image, image) if located.found else read_pdf417(image)
    return found.payload if found else None


@pytest.mark.parametrize("version", [1, 3, 8, 9, 10])
def test_flat_back_decodes_to_the_generated_record(version: int) -> None:
    card = make_us_card(version, version=version)
    found = read_pdf417(card.back.image)
    assert found is not None
    assert (found.image, found.variant) == (0, "as_is")
    assert found.payload == card.payload
    assert parse_aamva(found.payload) == expected(card.licence)
    x0, y0, x1, y1 = card.back.regions["barcode"]
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in found.corners)


def test_clean_photos_decode_at_least_99_percent() -> None:
    decoded = 0
    for seed in range(1000, 1000 + CLEAN_SAMPLE):
        card = make_us_card(seed)
        data = _read_photo(photograph(card.back.image, "easy", random.Random(seed)).image)
        if data is None:
            continue
        decoded += 1
        # a read is either the exact payload or nothing (PDF417 error correction)
        assert data == card.payload, seed
        assert parse_aamva(data) == expected(card.licence), seed
    assert decoded / CLEAN_SAMPLE >= 0.99, f"{decoded} of {CLEAN_SAMPLE}"


@pytest.mark.parametrize("level", ["medium", "hard"])
def test_harder_photos_decode_or_give_nothing(level: str) -> None:
    decoded = 0
    for seed in range(2000, 2010):
        card = make_us_card(seed)
        data = _read_photo(photograph(card.back.image, level, random.Random(seed)).image)
        if data is not None:
            assert data == card.payload, seed
            decoded += 1
    assert decoded >= 8


def test_no_barcode_gives_none() -> None:
    card = make_us_card(4)
    assert read_pdf417(card.front.image) is None
    assert read_pdf417(np.full((400, 600, 3), 255, np.uint8)) is None
    assert read_pdf417(np.zeros((8, 8, 3), np.uint8), np.zeros((100, 100), np.uint8)) is None
