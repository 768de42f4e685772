"""Quality verdict of one detected face: size, blur, exposure and pose, from pixels and 5 landmarks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class QualityParams:
    min_face_px: int = 48  # a 120x150 px card portrait holds a face about 60-80 px wide
    min_sharpness: float = 40.0  # Laplacian variance on a 112 px wide face crop
    min_brightness: float = 50.0
    max_brightness: float = 210.0
    max_clipped: float = 0.25  # share of face pixels at 0 or 255
    max_abs_yaw_deg: float = 30.0
    max_abs_roll_deg: float = 25.0


@dataclass(frozen=True, slots=True)
class FaceQuality:
    face_px: float  # shorter side of the face box
    sharpness: float
    brightness: float
    clipped: float
    yaw_deg: float  # rough, from the nose offset between the eyes; positive = subject's left
    roll_deg: float
    issues: tuple[str, ...]  # codes: face_too_small, face_blurry, face_too_dark, face_too_bright, ...

    @property
    def acceptable(self) -> bool:
        return not self.issues


def _face_crop(image: NDArray[np.uint8], box: tuple[float, float, float, float]) -> NDArray[np.uint8]:
    x, y, w, h = box
    h_img, w_img = image.shape[:2]
    x0, y0 = max(0, int(x)), max(0, int(y))
    x1, y1 = min(w_img, int(x + w)), min(h_img, int(y + h))
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return np.zeros((112, 112, 3), np.uint8)
    target_w = 112
    scale = target_w / crop.shape[1]
    resized = cv2.resize(crop, (target_w, max(1, round(crop.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    return np.asarray(resized, np.uint8)


def pose_from_five_points(points: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """(yaw, roll) in degrees from YuNet's 5 points: image-left eye, image-right eye, nose, mouths."""
    (rx, ry), (lx, ly), (nx, _ny) = points[0], points[1], points[2]
    roll = math.degrees(math.atan2(ly - ry, lx - rx))
    ied = math.hypot(lx - rx, ly - ry) or 1.0
    mid_x = (rx + lx) / 2
    # The nose tip stands ~0.6 inter-eye distances in front of the eye plane.
    ratio = max(-1.0, min(1.0, (nx - mid_x) / (0.6 * ied)))
    return math.degrees(math.asin(ratio)), roll


def assess(
    image: NDArray[np.uint8],
    box: tuple[float, float, float, float],
    points: tuple[tuple[float, float], ...],
    params: QualityParams,
) -> FaceQuality:
    crop = _face_crop(image, box)
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    brightness = float(gray.mean())
    clipped = float(((gray <= 2) | (gray >= 253)).mean())
    yaw, roll = pose_from_five_points(points)
    face_px = float(min(box[2], box[3]))
    issues: list[str] = []
    if face_px < params.min_face_px:
        issues.append("face_too_small")
    if sharpness < params.min_sharpness:
        issues.append("face_blurry")
    if brightness < params.min_brightness:
        issues.append("face_too_dark")
    elif brightness > params.max_brightness:
        issues.append("face_too_bright")
    if clipped > params.max_clipped:
        issues.append("face_overexposed_or_clipped")
    if abs(yaw) > params.max_abs_yaw_deg or abs(roll) > params.max_abs_roll_deg:
        issues.append("face_not_frontal")
    return FaceQuality(face_px, sharpness, brightness, clipped, yaw, roll, tuple(issues))
