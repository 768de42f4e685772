"""Redaction: solid fill of the printed value, its MRZ stretch, the signature and the portrait."""

from __future__ import annotations

import datetime as dt
import random

import cv2
import numpy as np
import pytest

from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.redact import FILL, UnknownRedactionFieldError, mrz_char_boxes, redact
from tests.documents.synth import Document, make_document, need_faces, need_fonts, photograph
from tests.support.factories import engines

FIELDS = ["personal_number", "document_number", "date_of_birth", "signature", "portrait"]


def test_fill_is_solid_and_the_input_untouched() -> None:
    image = np.full((100, 200, 3), 128, np.uint8)
    out = redact(image, {"document_number": [(20, 40, 80, 60)]}, ["document_number", "portrait"])
    assert (out[40:60, 20:80] == FILL).all()
    assert (image == 128).all()
    assert (out[:30] == 128).all()


def test_unknown_field_is_refused() -> None:
    with pytest.raises(UnknownRedactionFieldError):
        redact(np.zeros((4, 4, 3), np.uint8), {}, ["surname"])


def test_mrz_character_boxes_follow_the_pitch() -> None:
    assert mrz_char_boxes((100, 10, 540, 40), 44, 0, 9) == (95, 10, 195, 40)


@pytest.fixture(scope="module")
def passport() -> tuple[Document, np.ndarray, DocumentReading]:
    need_fonts()
    need_faces()
    doc = make_document(21, kind="passport", country="NLD")
    photo = photograph(doc.sides[0].image, "easy", random.Random(5))
    reading = read_document(photo.data, None, ReadParams(today=dt.date(2026, 11, 25)), engines())
    return doc, photo.homography, reading


def _card_to_flat(
    box: tuple[int, int, int, int], card_to_photo: np.ndarray, reading: DocumentReading
) -> np.ndarray:
    x0, y0, x1, y1 = box
    pts = np.float32([[[x, y] for x in np.linspace(x0, x1, 6) for y in np.linspace(y0, y1, 4)]])
    to_flat = np.array(reading.sides[0].homography) @ card_to_photo
    return np.asarray(cv2.perspectiveTransform(pts, to_flat)[0])


def test_no_pixel_of_a_redacted_field_survives(
    passport: tuple[Document, np.ndarray, DocumentReading],
) -> None:
    doc, card_to_photo, reading = passport
    side = reading.sides[0]
    out = redact(side.image, side.regions, FIELDS)
    truth = doc.sides[0]
    boxes = {
        name: [truth.regions[name]]
        for name in ("personal_number", "document_number", "date_of_birth", "signature", "portrait")
    }
    for name in ("personal_number", "document_number", "date_of_birth"):
        boxes[name].append(truth.mrz_regions[name])
    for name, card_boxes in boxes.items():
        for box in card_boxes:
            # sample the true box (shrunk by 2 card pixels for resampling) in flattened coordinates
            x0, y0, x1, y1 = box
            pts = _card_to_flat((x0 + 2, y0 + 2, x1 - 2, y1 - 2), card_to_photo, reading)
            for u, v in pts:
                px = out[round(v), round(u)]
                assert tuple(px) == FILL, f"{name} pixel at {(u, v)} survived"


def test_fields_not_asked_for_stay_readable(passport: tuple[Document, np.ndarray, DocumentReading]) -> None:
    doc, card_to_photo, reading = passport
    side = reading.sides[0]
    out = redact(side.image, side.regions, ["personal_number"])
    pts = _card_to_flat(doc.sides[0].regions["surname"], card_to_photo, reading)
    assert not all(tuple(out[round(v), round(u)]) == FILL for u, v in pts)
