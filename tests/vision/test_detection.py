from typing import Any

import cv2
import numpy as np
import pytest

from idscan.vision.detection import detect_faces
from idscan.vision.sessions import VisionModels
from tests.vision.synth.portraits import card_portrait

OBAMA = "faces/facerec__obama__obama.jpg"


def test_golden_box_landmarks_and_score(load: Any, models: VisionModels) -> None:
    faces = detect_faces(load(OBAMA), models.detector())
    assert len(faces) == 1
    face = faces[0]
    # Recorded with YuNet 2023mar int8bq on OpenCV 4.11; a few pixels of drift are tolerated.
    np.testing.assert_allclose(face.box, (370.4, 90.9, 239.6, 328.9), atol=6)
    assert face.score == pytest.approx(0.946, abs=0.02)
    (lx, ly), (rx, ry) = face.landmarks[0], face.landmarks[1]
    assert lx < rx
    assert abs(ly - ry) < 15
    assert face.quality.acceptable, face.quality.issues


def test_small_card_portraits_are_found(load: Any, models: VisionModels) -> None:
    portrait = card_portrait(load(OBAMA), models, size=(120, 150), seed=1)
    assert portrait.shape[:2] == (150, 120)
    faces = detect_faces(portrait, models.detector())
    assert len(faces) == 1
    assert 40 < faces[0].box[2] < 120


def test_quality_verdict_flags_blur_and_darkness(load: Any, models: VisionModels) -> None:
    image = load(OBAMA)
    blurred = cv2.GaussianBlur(image, (0, 0), 9)
    dark = (image * 0.12).astype(np.uint8)
    blurred_face = detect_faces(blurred, models.detector())[0]
    assert "face_blurry" in blurred_face.quality.issues
    dark_faces = detect_faces(dark, models.detector())
    assert dark_faces
    assert "face_too_dark" in dark_faces[0].quality.issues


def test_no_face_in_a_blank_image(models: VisionModels) -> None:
    assert detect_faces(np.full((480, 640, 3), 127, np.uint8), models.detector()) == []


def test_turned_face_is_not_frontal(load: Any, models: VisionModels) -> None:
    face = detect_faces(load("faces/facerec__obama__obama1.jpg"), models.detector())[0]
    assert "face_not_frontal" in face.quality.issues
