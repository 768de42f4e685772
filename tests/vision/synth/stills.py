"""Still face photos turned into rigs: cropped like a selfie frame, with FaceMesh landmarks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from idscan.vision.detection import detect_faces
from idscan.vision.face_measures import measure
from idscan.vision.sessions import VisionModels
from tests.vision.synth.warp import FaceRig, Image

FRAME_W, FRAME_H = 640, 480


def fixtures_dir() -> Path | None:
    """`shared/fixtures` beside the repository root, or $IDSCAN_FIXTURES; None when absent."""
    env = os.environ.get("IDSCAN_FIXTURES")
    path = Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"
    return path if (path / "ground_truth.json").is_file() else None


def fixture_faces(root: Path) -> list[tuple[str, str]]:
    """(relative file, identity) for every fixture face."""
    data = json.loads((root / "ground_truth.json").read_text())
    return [(f["file"], f["identity"]) for f in data["faces"]]


def selfie_frame(image: Image, models: VisionModels, face_share: float = 0.36) -> Image | None:
    """A 640x480 frame with the largest face centred and about `face_share` of the width wide."""
    faces = detect_faces(image, models.detector())
    if not faces:
        return None
    x, y, w, h = faces[0].box
    cx, cy = x + w / 2, y + h / 2
    crop_w = w / face_share
    scale = FRAME_W / crop_w
    m = np.array([[scale, 0, FRAME_W / 2 - cx * scale], [0, scale, FRAME_H / 2 - cy * scale]], np.float32)
    frame = cv2.warpAffine(image, m, (FRAME_W, FRAME_H), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT)
    return np.asarray(frame, np.uint8)


def make_rig(image: Image, models: VisionModels) -> FaceRig | None:
    frame = selfie_frame(image, models)
    if frame is None:
        return None
    with models.tracker() as tracker:
        faces = tracker.landmarks(frame)
    if len(faces) != 1:
        return None
    rig = FaceRig(frame, faces[0])
    calibrate_blink(rig, models)
    return rig


def _eyes_open(image: Image, models: VisionModels) -> float:
    with models.tracker() as tracker:
        faces = tracker.landmarks(image)
    if not faces:
        return float("nan")
    m = measure(image, faces[0])
    return 2 * m.eye_openness - m.eye_openness_min  # the more open eye


def calibrate_blink(
    rig: FaceRig, models: VisionModels, pulls: tuple[float, ...] = (0.0, 0.08, 0.15, 0.25)
) -> None:
    """Warped eyelids are not real ones, and FaceMesh reads some renderings as half open (glasses, deep
    eye sockets). Keep the lid pull that FaceMesh reads as most closed, and record how closed that is
    (`rig.blink_ratio`: eye openness at full blink / open), so a bench can set aside stills whose blink
    cannot be rendered. This calibrates the renderer, never the judge."""
    base = _eyes_open(rig.image, models)
    best = (float("inf"), rig.blink_field)
    for pull in pulls:
        rig.blink_field = rig.make_blink_field(pull)
        ratio = _eyes_open(rig.render(blink=1.0), models) / base
        if ratio < best[0]:
            best = (ratio, rig.blink_field)
    rig.blink_ratio, rig.blink_field = best
    with models.tracker() as tracker:
        smiling = tracker.landmarks(rig.render(smile=0.85))  # the performer's weakest smile
    if smiling:
        rig.smile_ratio = measure(rig.image, smiling[0]).mouth_width / measure(rig.image, rig.pts).mouth_width
