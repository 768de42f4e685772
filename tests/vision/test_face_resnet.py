import json
from typing import Any

import cv2
import numpy as np
import pytest

from idscan.lib import model_files
from idscan.vision.detection import detect_faces
from idscan.vision.face_resnet import (
    CHIP,
    TEMPLATE,
    ResNetWeightsError,
    align_chip,
    forward,
    parse_weights,
    similarity,
)
from idscan.vision.sessions import VisionModels

OBAMA, OBAMA2 = "faces/facerec__obama__obama.jpg", "faces/facerec__obama__obama2.jpg"
BIDEN = "faces/facerec__biden__biden.jpg"


@pytest.fixture(scope="module")
def files() -> tuple[bytes, bytes]:
    return (
        model_files.verified_path(model_files.RESNET_MANIFEST).read_bytes(),
        model_files.verified_path(model_files.RESNET_WEIGHTS).read_bytes(),
    )


@pytest.fixture(scope="module")
def weights(files: tuple[bytes, bytes]) -> dict[str, Any]:
    return parse_weights(*files)


def test_the_shipped_files_describe_the_network(weights: dict[str, Any]) -> None:
    assert weights["conv32_down/conv/filters"].shape == (7, 7, 3, 32)
    assert weights["fc"].shape == (256, 128)
    assert all(w.dtype == np.float32 for w in weights.values())


def test_damaged_weight_files_are_refused(files: tuple[bytes, bytes]) -> None:
    manifest, blob = files
    with pytest.raises(ResNetWeightsError, match="ends inside"):
        parse_weights(manifest, blob[:-100])
    with pytest.raises(ResNetWeightsError, match="no tensor describes"):
        parse_weights(manifest, blob + b"\0" * 4)
    with pytest.raises(ResNetWeightsError, match="Unreadable"):
        parse_weights(b"{not json", blob)
    groups = json.loads(manifest)
    groups[0]["weights"][0]["quantization"]["dtype"] = "uint16"
    with pytest.raises(ResNetWeightsError, match="Unsupported"):
        parse_weights(json.dumps(groups).encode(), blob)
    groups = json.loads(manifest)
    groups[0]["weights"] = [w for w in groups[0]["weights"] if w["name"] != "fc"]
    with pytest.raises(ResNetWeightsError):
        parse_weights(json.dumps(groups).encode(), blob[: -256 * 128 * 4])


def test_forward_agrees_with_dlib_on_its_own_chips(load: Any, weights: dict[str, Any]) -> None:
    """Our numpy network against dlib's C++ one, on the chips dlib cuts with its own landmarks."""
    dlib = pytest.importorskip("dlib", reason="dlib-bin (dev extra) is the reference implementation")
    frm = pytest.importorskip("face_recognition_models")
    detector = dlib.get_frontal_face_detector()
    shape = dlib.shape_predictor(frm.pose_predictor_five_point_model_location())
    net = dlib.face_recognition_model_v1(frm.face_recognition_model_location())
    ours, theirs = [], []
    for name in (OBAMA, OBAMA2, BIDEN):
        rgb = np.ascontiguousarray(load(name)[:, :, ::-1])
        landmarks = shape(rgb, detector(rgb, 1)[0])
        chip = np.asarray(dlib.get_face_chip(rgb, landmarks, size=CHIP, padding=0.25), np.uint8)
        ours.append(forward(chip, weights))
        theirs.append(np.asarray(net.compute_face_descriptor(rgb, landmarks)))
    for a, b in zip(ours, theirs, strict=True):
        # the port's weights are uint8-quantised: 0.035 apart on vectors of length ~1.47
        assert np.linalg.norm(a - b) < 0.06
    d_ours = [np.linalg.norm(ours[i] - ours[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    d_theirs = [np.linalg.norm(theirs[i] - theirs[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    assert np.allclose(d_ours, d_theirs, atol=0.02)
    assert d_ours[0] < 0.6 < min(d_ours[1:])  # dlib's own decision distance separates them


def test_forward_takes_only_a_chip(weights: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="150x150"):
        forward(np.zeros((112, 112, 3), np.uint8), weights)


def test_similarity_recovers_a_known_transform() -> None:
    angle, scale, shift = np.deg2rad(12), 0.4, np.array([30.0, -7.0])
    rot = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    src = TEMPLATE * 3 + 11
    dst = src @ rot.T + shift
    matrix = similarity(src, dst)
    assert np.allclose(matrix[:, :2], rot, atol=1e-6)
    assert np.allclose(matrix[:, 2], shift, atol=1e-4)
    with pytest.raises(ValueError, match="degenerate"):
        similarity(np.zeros((5, 2), np.float32), TEMPLATE)


def test_the_mirrored_chip_is_the_chip_of_the_mirrored_face(load: Any, models: VisionModels) -> None:
    """TEMPLATE is symmetric about the chip's centre, so the product's mirror image is a plain flip."""
    image = load(OBAMA)
    face = detect_faces(image, models.detector())[0]
    chip = align_chip(image, np.asarray(face.landmarks, np.float32))
    mirrored_image = np.ascontiguousarray(image[:, ::-1])
    w = image.shape[1]
    (lx, ly), (rx, ry), (nx, ny), (ml_x, ml_y), (mr_x, mr_y) = face.landmarks
    mirrored_points = np.array(
        [[w - 1 - rx, ry], [w - 1 - lx, ly], [w - 1 - nx, ny], [w - 1 - mr_x, mr_y], [w - 1 - ml_x, ml_y]],
        np.float32,
    )
    other = align_chip(mirrored_image, mirrored_points)
    diff = np.abs(other.astype(int) - chip[:, ::-1].astype(int))
    assert chip.shape == (CHIP, CHIP, 3)
    assert float(np.median(diff)) <= 2


def test_a_large_face_is_embedded_like_a_small_one(load: Any, models: VisionModels, weights: Any) -> None:
    """Over 2x downscaling the chip is cut from an area-averaged copy, as dlib's pyramid does: the
    same face at 4x gives nearly the same embedding (no aliasing)."""
    image = load(OBAMA2)
    face = detect_faces(image, models.detector())[0]
    points = np.asarray(face.landmarks, np.float32)
    small = forward(align_chip(image, points), weights)
    big_image = cv2.resize(image, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    big = forward(align_chip(big_image, points * 4 + 1.5), weights)
    assert float(np.linalg.norm(small - big)) < 0.15
