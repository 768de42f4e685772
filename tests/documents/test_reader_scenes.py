"""Whole photos that one flat side does not cover: an open booklet, both card sides in one shot, a
frame that cuts the page's edges, faint MRZ print, EXIF orientations (tests/documents/synth/scenes.py).
Each seed here was refused before the engine learnt the scene; bench/documents.py --scenes-only
gives the rates per kind."""

from __future__ import annotations

import pytest

from tests.documents.synth import need_faces, need_fonts
from tests.documents.synth.scenes import make_scene
from tests.documents.test_reader import read


@pytest.mark.parametrize(
    ("scene", "seed", "level"),
    [
        # the padded MRZ crop of a small page holds half the next line: Tesseract read both as one
        ("booklet", 1001, "medium"),
        # a slanting page: the boxes of two MRZ lines overlap by more than half (taken as one line)
        ("side_by_side", 200001, "medium"),
        ("cropped", 300001, "medium"),
        # the page fills the photo; the only outline in it is the portrait's frame
        ("cropped", 300008, "hard"),
        ("faint", 400001, "medium"),
        ("exif", 500002, "hard"),
    ],
)
def test_scene_is_read_and_accepted(scene: str, seed: int, level: str) -> None:
    need_fonts()
    need_faces()
    shot = make_scene(seed, scene, level)
    reading = read(shot.data)
    assert list(reading.mrz_lines) == shot.mrz
    assert reading.code == "accepted"
    assert reading.document_type == shot.document.kind
