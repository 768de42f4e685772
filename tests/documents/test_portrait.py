"""The holder's photo: found with YuNet, framed to the printed photo, large enough for face match."""

from __future__ import annotations

import numpy as np
import pytest

from idscan.documents.portrait import MIN_PORTRAIT, find_portrait
from tests.documents.synth import make_document, need_faces, need_fonts
from tests.support.factories import engines


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


@pytest.mark.parametrize(("seed", "kind"), [(2, "passport"), (3, "identity_card"), (9, "td2_identity_card")])
def test_portrait_crop_matches_the_printed_photo(seed: int, kind: str) -> None:
    need_fonts()
    need_faces()
    side = make_document(seed, kind=kind).sides[0]
    found = find_portrait(side.image, engines().vision)
    assert found is not None
    assert iou(found.box, side.regions["portrait"]) > 0.7
    assert found.large_enough  # the synthetic cards print photos of at least 240 x 300 px
    assert found.size[0] >= MIN_PORTRAIT[0]
    assert found.image.shape[:2] == (found.size[1], found.size[0])
    assert found.problem is None  # a sharp printed photo can be compared


@pytest.mark.parametrize(("damage", "problem"), [("glare", "portrait_obscured"), ("blur", "portrait_blurry")])
def test_a_portrait_too_poor_to_compare_is_flagged_for_a_retake(damage: str, problem: str) -> None:
    need_fonts()
    need_faces()
    import cv2

    side = make_document(3, kind="identity_card").sides[0]
    x0, y0, x1, y1 = side.regions["portrait"]
    card = side.image.copy()
    if damage == "glare":
        centre = ((x0 + x1) // 2, y0 + int(0.42 * (y1 - y0)))
        cv2.ellipse(card, centre, ((x1 - x0) // 4, (y1 - y0) // 7), 0, 0, 360, (250, 250, 250), -1)
    else:
        card[y0:y1, x0:x1] = cv2.GaussianBlur(card[y0:y1, x0:x1], (0, 0), 9)
    found = find_portrait(card, engines().vision)
    assert found is not None  # still a face, but not one to compare
    assert found.problem == problem


def test_small_portraits_are_reported_as_such() -> None:
    need_fonts()
    need_faces()
    import cv2

    side = make_document(2, kind="passport").sides[0]
    small = cv2.resize(side.image, (side.image.shape[1] // 3, side.image.shape[0] // 3))
    found = find_portrait(small, engines().vision)
    assert found is not None
    assert not found.large_enough


def test_no_face_no_portrait() -> None:
    need_fonts()
    assert (
        find_portrait(make_document(2, kind="passport", with_face=False).sides[0].image, engines().vision)
        is None
    )
    assert find_portrait(np.full((300, 400, 3), 128, np.uint8), engines().vision) is None
