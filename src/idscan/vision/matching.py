"""Face matching: SFace embeddings, cosine similarity, and the spec's score (0.5 = operating threshold)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from idscan.vision.detection import DetectedFace, DetectParams, detect_faces
from idscan.vision.sessions import VisionModels

# Cosine similarity at which SFace (int8bq) falsely matched 0.09% of different-person pairs in our
# measurements (notes/models.md); the deployment setting should be re-derived with bench/faces.py.
DEFAULT_THRESHOLD = 0.363


@dataclass(frozen=True, slots=True)
class MatchParams:
    threshold: float = DEFAULT_THRESHOLD  # operating point; calibrated to FMR 0.1%
    floor: float = 0.0  # similarity mapped to score 0
    ceiling: float = 0.85  # similarity mapped to score 1
    detect: DetectParams = field(default_factory=DetectParams)


@dataclass(frozen=True, slots=True)
class MatchResult:
    similarity: float  # cosine similarity of the embeddings, -1…1
    score: float  # 0…1, 0.5 exactly at the threshold (spec section 3)
    threshold: float  # the threshold on the score scale: always 0.5
    passed: bool


@dataclass(frozen=True, slots=True)
class FaceComparison:
    result: MatchResult | None  # None when a face is missing
    face_a: DetectedFace | None
    face_b: DetectedFace | None
    problem: str | None  # "no_face_a" / "no_face_b" when the comparison could not be made


def similarity_to_score(similarity: float, params: MatchParams) -> float:
    """Piecewise-linear, monotonic: floor→0, threshold→0.5, ceiling→1, clipped to 0…1."""
    t = params.threshold
    if similarity <= t:
        score = 0.5 * (similarity - params.floor) / (t - params.floor)
    else:
        score = 0.5 + 0.5 * (similarity - t) / (params.ceiling - t)
    return float(min(1.0, max(0.0, score)))


def cosine(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b) / denom) if denom > 0 else 0.0


def match_embeddings(
    a: NDArray[np.float32], b: NDArray[np.float32], params: MatchParams | None = None
) -> MatchResult:
    params = params or MatchParams()
    sim = cosine(a, b)
    return MatchResult(sim, similarity_to_score(sim, params), 0.5, sim >= params.threshold)


def embed_largest_face(
    image: NDArray[np.uint8], models: VisionModels, params: DetectParams | None = None
) -> tuple[DetectedFace, NDArray[np.float32]] | None:
    """The largest face and its embedding, or None when no face is found."""
    faces = detect_faces(image, models.detector(), params)
    if not faces:
        return None
    return faces[0], models.embedder().embed(image, faces[0].row)


def compare_faces(
    portrait: NDArray[np.uint8],
    selfie: NDArray[np.uint8],
    models: VisionModels,
    params: MatchParams | None = None,
) -> FaceComparison:
    """Compare the largest face of each image (document portrait first, selfie second)."""
    params = params or MatchParams()
    a = embed_largest_face(portrait, models, params.detect)
    b = embed_largest_face(selfie, models, params.detect)
    if a is None or b is None:
        problem = "no_face_a" if a is None else "no_face_b"
        return FaceComparison(None, a[0] if a else None, b[0] if b else None, problem)
    return FaceComparison(match_embeddings(a[1], b[1], params), a[0], b[0], None)
