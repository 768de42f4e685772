"""Face matching: two embedders fused, and the spec's score (0.5 = operating threshold).

SFace (cosine similarity) and dlib's ResNet (Euclidean distance of the embeddings of the face and of its
mirror image, averaged; idscan.vision.face_resnet) each judge the pair; each measure is turned into a
z-score against the impostor comparisons of the bench's development pairs and the two are averaged,
then expressed back on SFace's cosine scale (`fused_similarity`), so that the score, the threshold and
the enrol gate keep one scale. On printed, photographed card portraits the two models fail on different
pairs: the fusion cut the hard-level rejections from 22 % to 3 % of development pairs (bench/faces.py,
docs/models.md). With `fusion=None` SFace decides alone (at SFACE_THRESHOLD).

A document portrait is compared like with like: when either face has no colour (laser-engraved
portraits are grey, as are old photos), both are embedded in grey, by both models. On printed,
photographed card portraits that raised the genuine cosine of grey portraits by ~0.02-0.03 with an
unchanged impostor distribution. Mirror-image test-time augmentation of SFace is available (`flip`) but
off: it added 48 ms a pair and nothing on top of the fusion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from idscan.vision.detection import DetectedFace, DetectParams, detect_faces
from idscan.vision.enrol import EnrolParams, EnrolVerdict, judge_portrait
from idscan.vision.face_resnet import align_chip
from idscan.vision.sessions import EmbedderSession, Image, ResNetSession, VisionModels

# SFace alone: the cosine at which it falsely matches 0.1 % of different-person pairs (OpenCV's value for
# this model, stricter than our own development fit of 0.356).
SFACE_THRESHOLD = 0.363


@dataclass(frozen=True, slots=True)
class Fusion:
    """Impostor statistics of each model on the development pairs of bench/faces.py, which put both
    measures on one scale (z-scores). Re-derive them with the bench when either model changes."""

    sface_mean: float  # cosine
    sface_sd: float
    resnet_mean: float  # Euclidean distance of the mirror-averaged raw embeddings
    resnet_sd: float


DEFAULT_FUSION = Fusion(sface_mean=0.0858, sface_sd=0.0876, resnet_mean=0.8147, resnet_sd=0.0880)
# The fused similarity at which development impostors would falsely match 0.1 % of the time (normal fit,
# bench/faces.py; docs/models.md gives the sample sizes).
DEFAULT_THRESHOLD = 0.302


@dataclass(frozen=True, slots=True)
class MatchParams:
    threshold: float = DEFAULT_THRESHOLD  # operating point on the fused scale; calibrated to FMR 0.1%
    fusion: Fusion | None = DEFAULT_FUSION  # None: SFace alone (then use SFACE_THRESHOLD)
    floor: float = 0.0  # similarity mapped to score 0
    ceiling: float = 0.85  # similarity mapped to score 1
    detect: DetectParams = field(default_factory=DetectParams)
    # embed each face with its mirror image too: one more SFace run per face (+~25 ms CPU each) for no
    # gain that the bench could separate from noise, so off
    flip: bool = False
    # median HSV saturation (0-255) of the aligned face below which it counts as grey: skin in colour
    # photos measures 40-190, grey engravings photographed under tinted light 10-35
    grey_saturation: float = 40.0
    enrol: EnrolParams = field(default_factory=EnrolParams)


@dataclass(frozen=True, slots=True)
class MatchResult:
    similarity: float  # the fused similarity (on SFace's cosine scale), or SFace's cosine alone
    score: float  # 0…1, 0.5 exactly at the threshold (spec section 3)
    threshold: float  # the threshold on the score scale: always 0.5
    passed: bool


@dataclass(frozen=True, slots=True)
class FaceComparison:
    result: MatchResult | None  # None when a face is missing or the portrait is too poor to compare
    face_a: DetectedFace | None
    face_b: DetectedFace | None
    # why the comparison could not be made: "no_face_a" / "no_face_b", or an EnrolProblem of the
    # portrait (portrait_too_small, portrait_blurry, portrait_obscured)
    problem: str | None
    enrol: EnrolVerdict | None = None  # the portrait's verdict, once it was embedded


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


def is_grey(aligned: Image, params: MatchParams) -> bool:
    hsv = cv2.cvtColor(aligned, cv2.COLOR_BGR2HSV)
    return float(np.median(hsv[:, :, 1])) < params.grey_saturation


def _grey(aligned: Image) -> Image:
    return np.asarray(cv2.cvtColor(cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR), np.uint8)


def _unit(vector: NDArray[np.float32]) -> NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def embed_aligned(
    aligned: Image, embedder: EmbedderSession, params: MatchParams
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(unit embedding, with its mirror image when `params.flip`; the raw embedding of the face)."""
    raw = embedder.features(aligned)
    vector = _unit(raw)
    if params.flip:
        vector = _unit(vector + _unit(embedder.features(np.ascontiguousarray(aligned[:, ::-1]))))
    return vector, raw


def pair_is_grey(aligned_a: Image, aligned_b: Image, params: MatchParams) -> bool:
    """Whether a pair is compared in grey: either face has no colour."""
    return is_grey(aligned_a, params) or is_grey(aligned_b, params)


def colour_matched(aligned_a: Image, aligned_b: Image, params: MatchParams) -> tuple[Image, Image]:
    """Both faces in grey when either has no colour, else both unchanged."""
    if pair_is_grey(aligned_a, aligned_b, params):
        return _grey(aligned_a), _grey(aligned_b)
    return aligned_a, aligned_b


def resnet_chip(image: Image, face: DetectedFace, grey: bool) -> Image:
    """The face cut out for the second model (RGB, 150x150), in grey when the pair is compared in grey."""
    chip = align_chip(image, np.asarray(face.landmarks, np.float32))
    if grey:
        chip = np.asarray(cv2.cvtColor(cv2.cvtColor(chip, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB), np.uint8)
    return chip


def resnet_vectors(chips: list[Image], resnet: ResNetSession) -> list[NDArray[np.float32]]:
    """The second model's embedding of each chip: the mean of the face's and its mirror image's raw
    embeddings (the mirror cut the ResNet's own hard-level rejections by a sixth on the bench). All
    chips and their mirror images go through the network as one batch (~30 ms for a pair's four)."""
    batch = np.stack(chips + [np.ascontiguousarray(c[:, ::-1]) for c in chips])
    raw = resnet.features(batch)
    n = len(chips)
    return [np.asarray((raw[i] + raw[n + i]) / 2, np.float32) for i in range(n)]


def resnet_vector(image: Image, face: DetectedFace, resnet: ResNetSession, grey: bool) -> NDArray[np.float32]:
    """`resnet_vectors` of one face."""
    return resnet_vectors([resnet_chip(image, face, grey)], resnet)[0]


def fused_similarity(cos: float, distance: float, fusion: Fusion) -> float:
    """SFace's cosine and the ResNet's distance as one similarity on SFace's scale: the mean of the two
    z-scores against impostors, times SFace's impostor spread, plus its impostor mean. Equal evidence
    from both gives SFace's own cosine back."""
    z_sface = (cos - fusion.sface_mean) / fusion.sface_sd
    z_resnet = (fusion.resnet_mean - distance) / fusion.resnet_sd
    return fusion.sface_mean + fusion.sface_sd * (z_sface + z_resnet) / 2


def compare_faces(
    portrait: NDArray[np.uint8],
    selfie: NDArray[np.uint8],
    models: VisionModels,
    params: MatchParams | None = None,
) -> FaceComparison:
    """Compare the largest face of each image (document portrait first, selfie second)."""
    params = params or MatchParams()
    detector, embedder = models.detector(), models.embedder()
    faces_a = detect_faces(portrait, detector, params.detect)
    faces_b = detect_faces(selfie, detector, params.detect)
    a, b = (faces_a[0] if faces_a else None), (faces_b[0] if faces_b else None)
    if a is None or b is None:
        return FaceComparison(None, a, b, "no_face_a" if a is None else "no_face_b")
    aligned_a, aligned_b = embedder.align(portrait, a.row), embedder.align(selfie, b.row)
    grey = pair_is_grey(aligned_a, aligned_b, params)
    if grey:
        aligned_a, aligned_b = _grey(aligned_a), _grey(aligned_b)
    vector_a, raw_a = embed_aligned(aligned_a, embedder, params)
    vector_b, _ = embed_aligned(aligned_b, embedder, params)
    if params.fusion is None:
        result = match_embeddings(vector_a, vector_b, params)
    else:
        chips = [resnet_chip(portrait, a, grey), resnet_chip(selfie, b, grey)]
        resnet_a, resnet_b = resnet_vectors(chips, models.resnet())
        distance = float(np.linalg.norm(resnet_a - resnet_b))
        sim = fused_similarity(cosine(vector_a, vector_b), distance, params.fusion)
        result = MatchResult(sim, similarity_to_score(sim, params), 0.5, sim >= params.threshold)
    enrol = judge_portrait(a, aligned_a, raw_a, params.enrol)
    if enrol.problem is not None and not result.passed:
        # a low score from a portrait this poor says nothing about the person: name the problem
        # instead (a match despite it is evidence enough, so it stands)
        return FaceComparison(None, a, b, str(enrol.problem), enrol)
    return FaceComparison(result, a, b, None, enrol)
