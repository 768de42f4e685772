"""Still face photos turned into rigs: cropped like a selfie frame, with FaceMesh landmarks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from idscan.vision.detection import detect_faces
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
    return FaceRig(frame, faces[0])
