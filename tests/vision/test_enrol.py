"""A document portrait too poor to compare gets a code naming why, never a silent low score."""

from typing import Any

import cv2
import numpy as np
import pytest

from idscan.vision.enrol import EnrolParams, EnrolProblem, check_portrait
from idscan.vision.matching import MatchParams, compare_faces
from idscan.vision.sessions import VisionModels
from tests.vision.synth.portraits import card_portrait

OBAMA, OBAMA2 = "faces/facerec__obama__obama.jpg", "faces/facerec__obama__obama2.jpg"
BIDEN = "faces/facerec__biden__biden.jpg"


@pytest.fixture(scope="module")
def portrait(load: Any, models: VisionModels) -> Any:
    return card_portrait(load(OBAMA2), models, size=(180, 225), seed=2)


def test_a_good_portrait_is_compared(portrait: Any, load: Any, models: VisionModels) -> None:
    verdict = check_portrait(portrait, models)
    assert verdict is not None
    assert verdict.problem is None, verdict
    match = compare_faces(portrait, load(OBAMA), models)
    assert match.problem is None
    assert match.result is not None
    assert match.result.passed


def test_a_blurred_portrait_is_refused_as_blurry(portrait: Any, load: Any, models: VisionModels) -> None:
    blurred = cv2.GaussianBlur(portrait, (0, 0), 8)
    match = compare_faces(blurred, load(OBAMA), models)
    assert match.result is None  # no score at all, rather than a low one
    assert match.problem == EnrolProblem.PORTRAIT_BLURRY
    assert match.enrol is not None
    assert match.enrol.sharpness < 15


def test_glare_across_the_face_is_refused_as_obscured(portrait: Any, models: VisionModels) -> None:
    h, w = portrait.shape[:2]
    glare = portrait.copy()
    cv2.ellipse(glare, (w // 2, int(h * 0.45)), (w // 3, h // 6), 0, 0, 360, (250, 250, 250), -1)
    verdict = check_portrait(glare, models)
    assert verdict is not None
    assert verdict.problem == EnrolProblem.PORTRAIT_OBSCURED


def test_a_tiny_portrait_is_refused_as_too_small(portrait: Any, models: VisionModels) -> None:
    tiny = cv2.resize(portrait, None, fx=0.12, fy=0.12, interpolation=cv2.INTER_AREA)
    canvas = np.full((200, 200, 3), 230, np.uint8)  # the crop as the reader would frame it
    canvas[80 : 80 + tiny.shape[0], 80 : 80 + tiny.shape[1]] = tiny
    verdict = check_portrait(canvas, models)
    if verdict is None:
        pytest.skip("YuNet no longer finds a face this small: nothing to judge")
    assert verdict.problem == EnrolProblem.PORTRAIT_TOO_SMALL


def test_only_a_failed_comparison_is_blamed_on_the_portrait(
    portrait: Any, load: Any, models: VisionModels
) -> None:
    # every portrait counts as poor here: a match despite that stands; a non-match names the problem
    strict = MatchParams(enrol=EnrolParams(min_feature_norm=100.0))
    same = compare_faces(portrait, load(OBAMA), models, strict)
    assert same.result is not None
    assert same.result.passed
    assert same.problem is None
    other = compare_faces(portrait, load(BIDEN), models, strict)
    assert other.result is None
    assert other.problem == EnrolProblem.PORTRAIT_OBSCURED


def test_every_enrol_problem_is_an_attempt_code() -> None:
    from idscan.documents.codes import AttemptCode

    assert {p.value for p in EnrolProblem} <= {c.value for c in AttemptCode}
