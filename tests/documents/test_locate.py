"""Finding and flattening the card in a photo, and the geometry of quarter turns."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from idscan.documents.locate import Located, locate
from tests.documents.synth import make_document, need_fonts, photograph


def corner_error(photo_h: np.ndarray, found: Located, card_shape: tuple[int, ...]) -> float:
    """Largest distance (as a share of the flattened width) between where the true card corners land
    and the flattened image's corners, over the four rotations of the corner order."""
    h, w = card_shape[:2]
    corners = np.float32([[[0, 0], [w, 0], [w, h], [0, h]]])
    mapped = cv2.perspectiveTransform(corners, found.homography @ photo_h)[0]
    rh, rw = found.image.shape[:2]
    target = np.float32([[0, 0], [rw, 0], [rw, rh], [0, rh]])
    return min(float(np.abs(np.roll(mapped, k, axis=0) - target).max()) / rw for k in range(4))


@pytest.mark.parametrize(("seed", "level"), [(1, "easy"), (4, "medium"), (7, "hard"), (10, "medium")])
def test_card_is_found_and_flattened(seed: int, level: str) -> None:
    need_fonts()
    side = make_document(seed, with_face=False).sides[0]
    photo = photograph(side.image, level, random.Random(seed))
    found = locate(photo.image)
    assert found.found
    assert found.fully_visible
    assert corner_error(photo.homography, found, side.image.shape) < 0.03
    assert found.image.shape[1] > found.image.shape[0]  # always landscape


def test_a_photo_without_an_outline_is_read_whole() -> None:
    flat = np.full((600, 900, 3), 200, np.uint8)
    cv2.putText(flat, "NO CARD EDGE HERE", (50, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, (0, 0, 0), 4)
    found = locate(flat)
    assert not found.found
    assert found.image.shape == flat.shape


def test_a_card_cut_by_the_frame_is_not_fully_visible() -> None:
    need_fonts()
    side = make_document(3, kind="passport", with_face=False).sides[0]
    canvas = np.full((1200, 1600, 3), 60, np.uint8)
    h, _w = side.image.shape[:2]
    canvas[300 : 300 + h, 900:1600] = side.image[:, :700]  # the right part lies outside the photo
    found = locate(canvas)
    assert not (found.found and found.fully_visible)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_turning_keeps_the_homography_consistent(k: int) -> None:
    rng = np.random.default_rng(k)
    image = rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)
    base = Located(image, np.eye(3), found=False, fully_visible=True)
    turned = base.turned(k)
    assert np.array_equal(turned.image, np.rot90(image, k))
    for x, y in [(0, 0), (59, 0), (13, 27)]:
        u, v, s = turned.homography @ np.array([x, y, 1.0])
        assert np.array_equal(turned.image[round(v / s), round(u / s)], image[y, x])
