"""The issuing state of an EU licence from the sign in its flag."""

from __future__ import annotations

import cv2
import numpy as np

from idscan.documents.licence_sign import flag_box, sign_code, sign_country, sign_crop
from idscan.documents.ocr import TextLine


def line(text: str, x: float, y: float, w: float = 30, h: float = 30) -> TextLine:
    return TextLine(text, 0.95, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))


def test_the_sign_in_the_flag() -> None:
    shape = (380, 600)
    assert sign_country([line("PERMIS DE CONDUIRE", 150, 20, 200), line("F", 66, 40)], shape) == "FRA"
    assert sign_country([line("NL", 40, 40)], shape) == "NLD"
    assert sign_country([line("D", 40, 40)], shape) == "D"


def test_a_letter_elsewhere_is_not_a_sign() -> None:
    shape = (380, 600)
    assert sign_country([line("F", 400, 40)], shape) is None  # right half
    assert sign_country([line("B", 40, 300)], shape) is None  # bottom: a category
    assert sign_country([line("XY", 40, 40)], shape) is None


def _card_with_flag(sign: str) -> np.ndarray:
    card = np.full((540, 856, 3), (246, 214, 228), np.uint8)  # the card model's pink
    cv2.rectangle(card, (24, 20), (124, 100), (0, 51, 153), -1)
    cv2.putText(card, sign, (58, 74), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 3)
    return card


def test_the_flags_box_is_found_in_the_corner() -> None:
    box = flag_box(_card_with_flag("D"))
    assert box is not None
    x0, y0, x1, y1 = box
    assert abs(x0 - 24) <= 2
    assert abs(y0 - 20) <= 2
    assert abs(x1 - 125) <= 2
    assert abs(y1 - 101) <= 2
    crop = sign_crop(_card_with_flag("D"), box)
    assert crop.mean() > 127  # dark sign on a light ground
    plain = np.full((540, 856, 3), (246, 214, 228), np.uint8)
    assert flag_box(plain) is None
    blue_elsewhere = plain.copy()
    cv2.rectangle(blue_elsewhere, (600, 400), (700, 480), (0, 51, 153), -1)
    assert flag_box(blue_elsewhere) is None  # not in the top-left corner


def test_a_sign_read_alone() -> None:
    assert sign_code("+NL") == "NLD"
    assert sign_code("1") is None
    assert sign_code("1", alone=True) == "ITA"  # a lone stroke in the flag
    assert sign_code("XX", alone=True) is None
