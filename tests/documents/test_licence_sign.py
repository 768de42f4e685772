"""The issuing state of an EU licence from the sign in its flag."""

from __future__ import annotations

from idscan.documents.licence_sign import sign_country
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
