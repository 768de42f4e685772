"""Is a document portrait good enough to compare? A failure to enrol gets a code, not a low score.

The cue is the length of SFace's raw embedding: it falls as a face gets poorer (blur, glare, a print
pattern over it, too few pixels). On printed, photographed card portraits (bench/faces.py) no genuine
pair whose portrait embedded shorter than 9.0 reached the match threshold (a stricter 9.5 would have
refused a quarter of the hard portraits); clean, mild and most hard portraits embed at 10-14.
The code then names the likely cause, so the hint can say what to fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np
from numpy.typing import NDArray

from idscan.vision.detection import DetectedFace, detect_faces
from idscan.vision.sessions import Image, VisionModels


class EnrolProblem(StrEnum):
    PORTRAIT_TOO_SMALL = "portrait_too_small"
    PORTRAIT_BLURRY = "portrait_blurry"
    PORTRAIT_OBSCURED = "portrait_obscured"  # glare, a reflection or a pattern across the face


@dataclass(frozen=True, slots=True)
class EnrolParams:
    min_eye_distance: float = 10.0  # px in the source image: below this there is nothing to compare
    min_feature_norm: float = 9.0  # SFace 2021dec int8bq; re-derive with bench/faces.py for another model
    small_eye_distance: float = 16.0  # a weak embedding of a face this small is blamed on its size
    min_sharpness: float = 15.0  # see sharpness(): hard prints 25-400, a face blurred past use 3-6


@dataclass(frozen=True, slots=True)
class EnrolVerdict:
    problem: EnrolProblem | None
    eye_distance: float
    feature_norm: float
    sharpness: float


def eye_distance(face: DetectedFace) -> float:
    (x0, y0), (x1, y1) = face.landmarks[0], face.landmarks[1]
    return math.hypot(x1 - x0, y1 - y0)


def sharpness(aligned: Image) -> float:
    """Laplacian variance over the eyes, nose and mouth of the 112 px aligned face: its rim may hold the
    black fill of a face cut off by the crop, or hair and collar edges, which are no sign of focus."""
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)[36:100, 24:88]
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def judge_portrait(
    face: DetectedFace, aligned: Image, raw_feature: NDArray[np.float32], params: EnrolParams | None = None
) -> EnrolVerdict:
    params = params or EnrolParams()
    ied, norm, sharp = eye_distance(face), float(np.linalg.norm(raw_feature)), sharpness(aligned)
    problem: EnrolProblem | None = None
    if ied < params.min_eye_distance or (norm < params.min_feature_norm and ied < params.small_eye_distance):
        problem = EnrolProblem.PORTRAIT_TOO_SMALL
    elif norm < params.min_feature_norm:
        blurry = sharp < params.min_sharpness
        problem = EnrolProblem.PORTRAIT_BLURRY if blurry else EnrolProblem.PORTRAIT_OBSCURED
    return EnrolVerdict(problem, ied, norm, sharp)


def check_portrait(
    image: Image, models: VisionModels, params: EnrolParams | None = None
) -> EnrolVerdict | None:
    """The verdict on the largest face of a portrait crop (BGR), or None when it holds no face."""
    faces = detect_faces(image, models.detector())
    if not faces:
        return None
    embedder = models.embedder()
    aligned = embedder.align(image, faces[0].row)
    return judge_portrait(faces[0], aligned, embedder.features(aligned), params)
