"""Where the signature is masked: under a signature label, or right of an EU licence's field 7."""

from __future__ import annotations

from idscan.documents.ocr import TextLine
from idscan.documents.signature import licence_signature_boxes, signature_boxes


def line(text: str, x: float, y: float, w: float = 120, h: float = 20) -> TextLine:
    return TextLine(text, 0.95, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))


def test_the_area_under_a_signature_label() -> None:
    [box] = signature_boxes([line("Handtekening / Signature", 100, 300, 200)], (600, 900))
    x0, y0, x1, y1 = box
    assert y0 == 320  # from the label's bottom edge down
    assert y1 > 360
    assert x0 < 100 < x1


def test_a_scribble_under_the_label_widens_the_area() -> None:
    label = line("Signature", 100, 300)
    scribble = line("wwm", 90, 330, 500, 60)
    [box] = signature_boxes([label, scribble], (600, 900))
    assert box[2] >= 591
    assert box[3] >= 391


def test_no_label_no_area() -> None:
    assert signature_boxes([line("1. MARTIN", 10, 10)], (600, 900)) == ()


def test_an_eu_licences_field_seven() -> None:
    [box] = licence_signature_boxes([line("7.", 200, 250, 20)], (400, 600))
    x0, y0, x1, y1 = box
    assert x0 < 200 < x1
    assert x1 >= 200 + 14 * 20 - 1
    assert y0 < 250 < 270 < y1  # taller than the printed row
    assert licence_signature_boxes([line("5. 13AA00002", 200, 250)], (400, 600)) == ()
    assert licence_signature_boxes([line("17.03.2030", 200, 250)], (400, 600)) == ()
