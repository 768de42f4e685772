"""Per-frame measurements on FaceMesh's 478 landmarks: head pose, eye openness, smile, skin colour.

Conventions: images are unmirrored camera frames. Positive yaw = the subject turns to their own left
(the nose moves towards the image's right edge); positive pitch = chin up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

# FaceMesh indices. "img-left" is the subject's right side.
NOSE_TIP, CHIN, FOREHEAD = 1, 152, 10
EYE_OUTER_IMG_LEFT, EYE_OUTER_IMG_RIGHT = 33, 263
MOUTH_IMG_LEFT, MOUTH_IMG_RIGHT = 61, 291
LIP_UPPER, LIP_LOWER = 13, 14
CHEEK_EDGE_IMG_LEFT, CHEEK_EDGE_IMG_RIGHT = 234, 454
EYE_IMG_LEFT = (33, 160, 158, 133, 153, 144)  # p1..p6 of the eye-aspect-ratio formula
EYE_IMG_RIGHT = (362, 385, 387, 263, 373, 380)
SKIN_POINTS = (205, 425, 151)  # both cheeks and the forehead: lit by the screen, rarely covered

# A generic head in millimetres, camera axes (x right, y down, z away from the camera), nose at 0.
_MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip
        (0.0, 63.6, 12.5),  # chin
        (-43.3, -32.7, 26.0),  # img-left eye outer corner
        (43.3, -32.7, 26.0),  # img-right eye outer corner
        (-28.9, 28.9, 24.1),  # img-left mouth corner
        (28.9, 28.9, 24.1),  # img-right mouth corner
    ],
    np.float64,
)
_MODEL_INDICES = (NOSE_TIP, CHIN, EYE_OUTER_IMG_LEFT, EYE_OUTER_IMG_RIGHT, MOUTH_IMG_LEFT, MOUTH_IMG_RIGHT)


@dataclass(frozen=True, slots=True)
class FaceMeasure:
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    parallax: float  # nose offset from the cheek-edge midpoint / face width: 3-D depth shows here
    eye_openness: float  # mean eye aspect ratio of both eyes
    eye_openness_min: float  # the more closed eye
    mouth_width: float  # mouth corner distance / eye corner distance
    mouth_lift: float  # how far the corners sit above the lip centre, / eye corner distance
    center: tuple[float, float]
    face_width: float
    skin_bgr: tuple[float, float, float]


def _dist(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    return float(np.hypot(*(a[:2] - b[:2])))


def _eye_aspect(pts: NDArray[np.float32], idx: tuple[int, ...]) -> float:
    p1, p2, p3, p4, p5, p6 = (pts[i] for i in idx)
    width = _dist(p1, p4) or 1.0
    return (_dist(p2, p6) + _dist(p3, p5)) / (2.0 * width)


def head_pose(pts: NDArray[np.float32], image_size: tuple[int, int]) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from a perspective fit of six landmarks to a generic head."""
    w, h = image_size
    focal = float(max(w, h))
    camera = np.array([[focal, 0, w / 2], [0, focal, h / 2], [0, 0, 1]], np.float64)
    image_points = np.array([pts[i][:2] for i in _MODEL_INDICES], np.float64)
    ok, rvec, _tvec = cv2.solvePnP(_MODEL_POINTS, image_points, camera, np.zeros(4), flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        return 0.0, 0.0, 0.0
    rot, _ = cv2.Rodrigues(rvec)
    # Head's forward axis (towards the camera is -z in camera axes) tells yaw and pitch directly.
    forward = rot @ np.array([0.0, 0.0, -1.0])
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], -forward[2]))
    right_axis = rot @ np.array([1.0, 0.0, 0.0])
    roll = math.degrees(math.atan2(right_axis[1], right_axis[0]))
    return yaw, pitch, roll


def skin_colour(
    image: NDArray[np.uint8], pts: NDArray[np.float32], face_width: float
) -> tuple[float, float, float]:
    radius = max(2, int(face_width * 0.06))
    h, w = image.shape[:2]
    patches = []
    for i in SKIN_POINTS:
        x, y = int(pts[i][0]), int(pts[i][1])
        patch = image[max(0, y - radius) : min(h, y + radius), max(0, x - radius) : min(w, x + radius)]
        if patch.size:
            patches.append(patch.reshape(-1, 3))
    if not patches:
        return 0.0, 0.0, 0.0
    mean = np.concatenate(patches).mean(axis=0)
    return float(mean[0]), float(mean[1]), float(mean[2])


def measure(image: NDArray[np.uint8], pts: NDArray[np.float32]) -> FaceMeasure:
    h, w = image.shape[:2]
    yaw, pitch, roll = head_pose(pts, (w, h))
    left_edge, right_edge = pts[CHEEK_EDGE_IMG_LEFT], pts[CHEEK_EDGE_IMG_RIGHT]
    face_width = _dist(left_edge, right_edge) or 1.0
    mid_x = (left_edge[0] + right_edge[0]) / 2
    parallax = float((pts[NOSE_TIP][0] - mid_x) / face_width)
    ied = _dist(pts[EYE_OUTER_IMG_LEFT], pts[EYE_OUTER_IMG_RIGHT]) or 1.0
    ear_a, ear_b = _eye_aspect(pts, EYE_IMG_LEFT), _eye_aspect(pts, EYE_IMG_RIGHT)
    corners_y = (pts[MOUTH_IMG_LEFT][1] + pts[MOUTH_IMG_RIGHT][1]) / 2
    lips_y = (pts[LIP_UPPER][1] + pts[LIP_LOWER][1]) / 2
    xs, ys = pts[:, 0], pts[:, 1]
    return FaceMeasure(
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll,
        parallax=parallax,
        eye_openness=(ear_a + ear_b) / 2,
        eye_openness_min=min(ear_a, ear_b),
        mouth_width=_dist(pts[MOUTH_IMG_LEFT], pts[MOUTH_IMG_RIGHT]) / ied,
        mouth_lift=float((lips_y - corners_y) / ied),
        center=(float((xs.min() + xs.max()) / 2), float((ys.min() + ys.max()) / 2)),
        face_width=face_width,
        skin_bgr=skin_colour(image, pts, face_width),
    )
