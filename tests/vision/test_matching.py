import dataclasses
from typing import Any

import numpy as np
import pytest

from idscan.config import VisionSettings
from idscan.vision.detection import detect_faces
from idscan.vision.matching import (
    DEFAULT_FUSION,
    DEFAULT_THRESHOLD,
    SFACE_THRESHOLD,
    Fusion,
    MatchParams,
    compare_faces,
    cosine,
    embed_largest_face,
    fused_similarity,
    match_embeddings,
    resnet_vector,
    similarity_to_score,
)
from idscan.vision.sessions import VisionModels
from tests.vision.synth.portraits import card_portrait

OBAMA, OBAMA2 = "faces/facerec__obama__obama.jpg", "faces/facerec__obama__obama2.jpg"
BIDEN = "faces/facerec__biden__biden.jpg"
CALIBRATED_THRESHOLD = 0.302  # bench/faces.py, docs/models.md
GOLD_SAME_BAND = (0.5, 0.75)
GOLD_OTHER_BAND = (-0.05, 0.22)


def test_score_is_half_at_the_threshold_and_monotonic() -> None:
    p = MatchParams()
    assert similarity_to_score(p.threshold, p) == pytest.approx(0.5)
    sims = np.linspace(-1, 1, 201)
    scores = [similarity_to_score(float(s), p) for s in sims]
    assert scores == sorted(scores)
    assert scores[0] == 0.0
    assert scores[-1] == 1.0
    strict = MatchParams(threshold=0.5)
    assert similarity_to_score(0.45, strict) < 0.5 < similarity_to_score(0.55, strict)


def test_embeddings_are_unit_length_and_deterministic(load: Any, models: VisionModels) -> None:
    first = embed_largest_face(load(OBAMA), models)
    second = embed_largest_face(load(OBAMA), models)
    assert first is not None
    assert second is not None
    assert np.linalg.norm(first[1]) == pytest.approx(1.0, abs=1e-4)
    assert match_embeddings(first[1], second[1]).similarity == pytest.approx(1.0, abs=1e-5)


def test_golden_similarity_bands(load: Any, models: VisionModels) -> None:
    # Recorded (fused): obama/obama2 0.62, obama/biden 0.09; SFace alone 0.73 and 0.05.
    same = compare_faces(load(OBAMA), load(OBAMA2), models)
    other = compare_faces(load(OBAMA), load(BIDEN), models)
    assert same.result is not None
    assert other.result is not None
    assert GOLD_SAME_BAND[0] <= same.result.similarity <= GOLD_SAME_BAND[1]
    assert GOLD_OTHER_BAND[0] <= other.result.similarity <= GOLD_OTHER_BAND[1]
    sface_only = compare_faces(load(OBAMA), load(OBAMA2), models, MatchParams(SFACE_THRESHOLD, fusion=None))
    assert sface_only.result is not None
    assert 0.55 <= sface_only.result.similarity <= 0.9
    assert same.result.passed
    assert same.result.score > 0.5
    assert same.result.threshold == 0.5
    assert not other.result.passed
    assert other.result.score < 0.5


def test_labelled_pairs_are_separated_at_the_operating_point(
    ground_truth: dict[str, Any], load: Any, models: VisionModels
) -> None:
    """SFace alone at its threshold, and the shipped fusion at its own (as compare_faces computes it, with
    each face embedded once; the public photos are in colour)."""
    sface, resnet = {}, {}
    for face in ground_truth["faces"]:
        image = load(face["file"])
        found = embed_largest_face(image, models)
        assert found is not None, face["file"]  # no failure to enrol on the public set
        sface[face["file"]] = found[1]
        resnet[face["file"]] = resnet_vector(image, found[0], models.resnet(), grey=False)
    wrong_sface, wrong_fused = [], []
    for pair in ground_truth["face_pairs"]:
        a, b = pair["a"], pair["b"]
        alone = match_embeddings(sface[a], sface[b], MatchParams(SFACE_THRESHOLD, fusion=None))
        if alone.passed != pair["same"]:
            wrong_sface.append((a, b, round(alone.similarity, 3)))
        sim = fused_similarity(
            cosine(sface[a], sface[b]), float(np.linalg.norm(resnet[a] - resnet[b])), DEFAULT_FUSION
        )
        if (sim >= DEFAULT_THRESHOLD) != pair["same"]:
            wrong_fused.append((a, b, round(sim, 3)))
    # One known hard impostor pair (two actresses, cosine ~0.50) is the only error of SFace at 0.363.
    assert len(wrong_sface) <= 1, wrong_sface
    assert len(wrong_fused) <= 1, wrong_fused


def test_card_portrait_matches_its_selfie(load: Any, models: VisionModels) -> None:
    portrait = card_portrait(load(OBAMA2), models, size=(120, 150), seed=3)
    match = compare_faces(portrait, load(OBAMA), models)
    assert match.result is not None
    assert match.result.passed, match
    impostor = compare_faces(portrait, load(BIDEN), models)
    assert impostor.result is not None
    assert not impostor.result.passed


def test_missing_face_is_a_problem_not_an_error(load: Any, models: VisionModels) -> None:
    blank = np.full((300, 300, 3), 200, np.uint8)
    result = compare_faces(blank, load(OBAMA), models)
    assert result.result is None
    assert result.problem == "no_face_a"
    assert result.face_b is not None


def test_default_threshold_is_the_measured_operating_point() -> None:
    assert MatchParams().threshold == DEFAULT_THRESHOLD == pytest.approx(CALIBRATED_THRESHOLD)
    assert VisionSettings().match_threshold == DEFAULT_THRESHOLD  # the setting's default is the same
    assert MatchParams().fusion == DEFAULT_FUSION
    assert pytest.approx(0.363) == SFACE_THRESHOLD


def test_fused_similarity_is_sface_scale_and_rises_with_both_models() -> None:
    fusion = Fusion(sface_mean=0.05, sface_sd=0.1, resnet_mean=0.9, resnet_sd=0.08)
    # equal evidence (same z-score from both) gives SFace's own cosine back
    assert fused_similarity(0.45, 0.9 - 0.08 * 4, fusion) == pytest.approx(0.45)
    # an impostor-like distance pulls a borderline cosine down; a close one pushes it up
    assert fused_similarity(0.36, 0.9, fusion) < 0.36 < fused_similarity(0.36, 0.4, fusion)
    sims = [fused_similarity(c, d, fusion) for c in (0.0, 0.2, 0.4) for d in (1.0, 0.6, 0.2)]
    assert sims == sorted(sims[:3]) + sorted(sims[3:6]) + sorted(sims[6:])
    assert fused_similarity(0.2, 0.6, fusion) < fused_similarity(0.4, 0.6, fusion)


def test_the_second_model_decides_with_sface(load: Any, models: VisionModels) -> None:
    """The fused comparison is not SFace's alone: a fusion that trusts only impostor-like distances
    (resnet_mean far below any real distance) fails a genuine pair SFace alone passes."""
    same_alone = compare_faces(load(OBAMA), load(OBAMA2), models, MatchParams(SFACE_THRESHOLD, fusion=None))
    hostile = dataclasses.replace(DEFAULT_FUSION, resnet_mean=-5.0)
    same_fused = compare_faces(load(OBAMA), load(OBAMA2), models, MatchParams(fusion=hostile))
    assert same_alone.result is not None
    assert same_alone.result.passed
    assert same_fused.result is not None
    assert not same_fused.result.passed


def test_a_grey_portrait_is_compared_in_grey_by_both_models(load: Any, models: VisionModels) -> None:
    image = load(OBAMA2)
    grey = np.ascontiguousarray(np.repeat(image.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8))
    face = detect_faces(image, models.detector())[0]
    as_grey = resnet_vector(image, face, models.resnet(), grey=True)
    already_grey = resnet_vector(grey, face, models.resnet(), grey=True)
    in_colour = resnet_vector(image, face, models.resnet(), grey=False)
    assert float(np.linalg.norm(as_grey - already_grey)) < 0.05
    assert float(np.linalg.norm(as_grey - in_colour)) > float(np.linalg.norm(as_grey - already_grey))
    match = compare_faces(grey, load(OBAMA), models)
    assert match.result is not None
    assert match.result.passed
