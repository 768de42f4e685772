"""Per-frame measurements on FaceMesh's 478 landmarks: head pose, eye openness, smile, skin colour.

Head pose is a rigid fit of a generic face onto FaceMesh's 3-D landmarks; eye and mouth shapes are
measured on the landmarks with that rotation undone, so they hold still while the head moves.

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
# Upper and lower lid (three points each, averaged) and the iris's horizontal ends (FaceMesh 478's
# iris landmarks, 468-477), per eye.
LIDS_IMG_LEFT = ((160, 159, 158), (144, 145, 153), (469, 471))
LIDS_IMG_RIGHT = ((385, 386, 387), (380, 374, 373), (474, 476))
SKIN_POINTS = (205, 425, 151)  # both cheeks and the forehead: lit by the screen, rarely covered

# A generic head: MediaPipe's canonical face model (Apache-2.0) at the points that do not move with
# expressions (eye corners, nose tip and wings), in millimetres, camera axes (x right, y down, z away
# from the camera), looking at the camera. Mouth, chin and brows are left out: they move when people
# talk, smile or frown, and a pose fitted on them turned pursed lips into 30 degrees of yaw.
RIGID_POINTS = (33, 133, 362, 263, NOSE_TIP, 48, 278)
_MODEL = np.array(
    [
        (-44.46, -42.91, -46.98),  # img-left eye outer corner
        (-18.56, -42.12, -52.82),  # img-left eye inner corner
        (18.56, -42.12, -52.82),  # img-right eye inner corner
        (44.46, -42.91, -46.98),  # img-right eye outer corner
        (0.0, -5.0, -90.0),  # nose tip
        (-16.09, -6.84, -73.39),  # img-left nose wing
        (16.09, -6.84, -73.39),  # img-right nose wing
    ],
    np.float64,
)
_MODEL_CENTRED = _MODEL - _MODEL.mean(axis=0)


@dataclass(frozen=True, slots=True)
class FaceMeasure:
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    parallax: float  # nose offset from the cheek-edge midpoint / face width: 3-D depth shows here
    eye_openness: float  # mean eye aspect ratio of both eyes, seen from the front
    eye_openness_min: float  # the more closed eye
    eye_openness_max: float  # the more open eye: a blink closes both, a wink only one
    eye_gap: float  # the more open eye's lid gap / its iris diameter: what blinks are judged on
    mouth_width: float  # mouth corner distance / eye corner distance, seen from the front
    mouth_drop: float  # how far the mouth corners sit below the eyes, / eye corner distance
    mouth_open: float  # gap between the inner lips, / eye corner distance
    mouth_lift: float  # corners above the upper quarter of the lip opening, / eye corner distance
    corner_lift: tuple[float, float]  # the same per corner (img-left, img-right): smiles can be lopsided
    center: tuple[float, float]
    face_width: float
    skin_bgr: tuple[float, float, float]


def _dist(
    a: NDArray[np.float32] | NDArray[np.float64], b: NDArray[np.float32] | NDArray[np.float64]
) -> float:
    return float(np.hypot(*(a[:2] - b[:2])))


def _eye_aspect(pts: NDArray[np.float32] | NDArray[np.float64], idx: tuple[int, ...]) -> float:
    p1, p2, p3, p4, p5, p6 = (pts[i] for i in idx)
    width = _dist(p1, p4) or 1.0
    return (_dist(p2, p6) + _dist(p3, p5)) / (2.0 * width)


def _lid_gap(pts: NDArray[np.float64], lids: tuple[tuple[int, ...], ...]) -> float:
    """Lid gap over the iris's diameter. The iris is the one part of the eye whose size does not
    change with expressions or distance, so the ratio needs no eye width (which a smile and a squint
    change) and averages three points per lid: on the real clips it separates a shallow blink from
    a talker's narrowed eyes where the eye aspect ratio does not (docs/models.md)."""
    upper, lower, (a, b) = lids
    iris = _dist(pts[a], pts[b]) or 1.0
    return float(np.mean(pts[list(lower), 1]) - np.mean(pts[list(upper), 1])) / iris


def head_rotation(pts: NDArray[np.float32]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rotation R and centre c of the head: the least-squares rigid fit (Kabsch) of the generic
    model onto FaceMesh's 3-D points (x, y in pixels, z at the x scale), so that p ≈ c + s R m.
    All 478 points vote through the network's own 3-D shape, not only the 2-D outline of a few."""
    observed = pts[list(RIGID_POINTS)].astype(np.float64)
    centre = observed.mean(axis=0)
    u, _s, vt = np.linalg.svd(_MODEL_CENTRED.T @ (observed - centre))
    flip = float(np.sign(np.linalg.det(vt.T @ u.T))) or 1.0
    rotation = vt.T @ np.diag([1.0, 1.0, flip]) @ u.T
    return rotation, centre


def head_pose(pts: NDArray[np.float32], image_size: tuple[int, int]) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees: a perspective solve (PnP) of the generic model's rigid points
    onto their image positions. On motionless frontal faces of the real clips the yaw stays within
    about 5 degrees (p95) of its median (bench/liveness_clips.py)."""
    w, h = image_size
    focal = float(max(w, h))
    camera = np.array([[focal, 0, w / 2], [0, focal, h / 2], [0, 0, 1]], np.float64)
    image_points = pts[list(RIGID_POINTS), :2].astype(np.float64)
    ok, rvec, _tvec = cv2.solvePnP(_MODEL, image_points, camera, np.zeros(4), flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        return _angles(head_rotation(pts)[0])
    rotation, _ = cv2.Rodrigues(rvec)
    return _angles(np.asarray(rotation, np.float64))


def _angles(rotation: NDArray[np.float64]) -> tuple[float, float, float]:
    # Head's forward axis (towards the camera is -z in camera axes) tells yaw and pitch directly.
    forward = rotation @ np.array([0.0, 0.0, -1.0])
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], -forward[2]))
    right_axis = rotation @ np.array([1.0, 0.0, 0.0])
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


def measure(
    image: NDArray[np.uint8], pts: NDArray[np.float32], image_size: tuple[int, int] | None = None
) -> FaceMeasure:
    """All measures of one face; `image_size` (w, h) when `image` is not the frame the landmarks
    came from (a bench re-measuring stored landmarks: only the skin colour then reads nothing)."""
    rotation, centre = head_rotation(pts)
    yaw, pitch, roll = head_pose(pts, image_size or (image.shape[1], image.shape[0]))
    # The face seen from the front: the head's rotation undone, so eye and mouth shapes do not
    # change when the head turns or nods.
    head = (pts.astype(np.float64) - centre) @ rotation
    left_edge, right_edge = pts[CHEEK_EDGE_IMG_LEFT], pts[CHEEK_EDGE_IMG_RIGHT]
    face_width = _dist(left_edge, right_edge) or 1.0
    mid_x = (left_edge[0] + right_edge[0]) / 2
    parallax = float((pts[NOSE_TIP][0] - mid_x) / face_width)
    ied = float(np.linalg.norm(head[EYE_OUTER_IMG_RIGHT] - head[EYE_OUTER_IMG_LEFT])) or 1.0
    ear_a, ear_b = _eye_aspect(head, EYE_IMG_LEFT), _eye_aspect(head, EYE_IMG_RIGHT)
    eye_line = float(np.mean(head[[33, 133, 362, 263], 1]))
    corners_y = float((head[MOUTH_IMG_LEFT][1] + head[MOUTH_IMG_RIGHT][1]) / 2)
    # A smile turns the lip line up: its corners rise above the lips' centre, and when the mouth
    # opens (a laugh) they stay near the upper lip. A shout's or an "O"'s opening is an oval with
    # its corners half-way down. Measured against the point a quarter of the way down the opening,
    # so a closed mouth reads its corners against the lips' centre and an open one against where a
    # smile's corners would sit.
    upper, lower = float(head[LIP_UPPER][1]), float(head[LIP_LOWER][1])
    lift_reference = 0.75 * upper + 0.25 * lower
    xs, ys = pts[:, 0], pts[:, 1]
    return FaceMeasure(
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll,
        parallax=parallax,
        eye_openness=(ear_a + ear_b) / 2,
        eye_openness_min=min(ear_a, ear_b),
        eye_openness_max=max(ear_a, ear_b),
        eye_gap=max(_lid_gap(head, LIDS_IMG_LEFT), _lid_gap(head, LIDS_IMG_RIGHT)),
        mouth_width=abs(float(head[MOUTH_IMG_RIGHT][0] - head[MOUTH_IMG_LEFT][0])) / ied,
        mouth_drop=(corners_y - eye_line) / ied,
        mouth_open=float(head[LIP_LOWER][1] - head[LIP_UPPER][1]) / ied,
        mouth_lift=(lift_reference - corners_y) / ied,
        corner_lift=(
            (lift_reference - float(head[MOUTH_IMG_LEFT][1])) / ied,
            (lift_reference - float(head[MOUTH_IMG_RIGHT][1])) / ied,
        ),
        center=(float((xs.min() + xs.max()) / 2), float((ys.min() + ys.max()) / 2)),
        face_width=face_width,
        skin_bgr=skin_colour(image, pts, face_width),
    )
