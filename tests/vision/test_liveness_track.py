"""Which of YuNet's faces on a sampled frame are faces: the person's, and another only where YuNet is
sure of it or FaceMesh finds a face there too. Boxes and meshes are written by hand (no models)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from idscan.vision.detection import DetectedFace
from idscan.vision.liveness_track import TrackParams, confirmed_faces
from idscan.vision.quality import FaceQuality

QUALITY = FaceQuality(100.0, 100.0, 120.0, 0.0, 0.0, 0.0, ())
MIN_SCORE = TrackParams().other_face_min_score


def face(x: float, y: float, side: float, score: float) -> DetectedFace:
    """A YuNet face whose box has its top-left corner at (x, y), on the detector's copy."""
    return DetectedFace((x, y, side, side), ((0.0, 0.0),) * 5, score, QUALITY)


def mesh(x0: float, y0: float, x1: float, y1: float) -> NDArray[np.float32]:
    """A FaceMesh face filling the box (x0, y0)-(x1, y1), in frame pixels."""
    xs, ys = np.meshgrid(np.linspace(x0, x1, 5), np.linspace(y0, y1, 5))
    return np.stack([xs.ravel(), ys.ravel(), np.zeros(25)], axis=1).astype(np.float32)


PERSON = mesh(200, 120, 440, 410)  # in a 640 px frame; the detector's copy is half that


def test_the_person_alone_is_one_face() -> None:
    assert confirmed_faces([face(105, 70, 110, 0.93)], [PERSON], 0.5, MIN_SCORE) == 1
    assert confirmed_faces([], [PERSON], 0.5, MIN_SCORE) == 0


def test_a_weak_face_in_the_background_is_not_a_second_person() -> None:
    found = [face(105, 70, 110, 0.93), face(0, 85, 88, 0.74)]
    assert confirmed_faces(found, [PERSON], 0.5, MIN_SCORE) == 1


def test_a_sure_second_face_counts_without_facemesh() -> None:
    found = [face(105, 70, 110, 0.93), face(240, 10, 60, MIN_SCORE)]
    assert confirmed_faces(found, [PERSON], 0.5, MIN_SCORE) == 2


def test_a_weak_face_counts_where_facemesh_sees_one_too() -> None:
    found = [face(105, 70, 110, 0.93), face(240, 10, 60, 0.75)]
    assert confirmed_faces(found, [PERSON, mesh(470, 10, 600, 150)], 0.5, MIN_SCORE) == 2
    # FaceMesh's face elsewhere (a ghost of its own) confirms nothing
    assert confirmed_faces(found, [PERSON, mesh(20, 250, 180, 410)], 0.5, MIN_SCORE) == 1


def test_the_persons_own_mesh_confirms_no_other_face() -> None:
    # a weak second box whose centre falls inside the person's face (a hand, a reflection)
    found = [face(105, 70, 110, 0.93), face(150, 120, 40, 0.72)]
    assert confirmed_faces(found, [PERSON], 0.5, MIN_SCORE) == 1
