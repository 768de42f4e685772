"""The server's side of a liveness session, part 2: measuring every frame the browser sent.

Landmarks come from one FaceMesh tracker per session (5 ms a frame); identity embeddings, the costly
part, are taken on a sample of frames (every `embed_every_ms`) and on the frames where something
happens, which is enough to catch a cut to another person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from idscan.vision.detection import DetectedFace, DetectParams, detect_faces
from idscan.vision.face_measures import FaceMeasure, measure
from idscan.vision.images import limit_size
from idscan.vision.sessions import VisionModels


class FrameLike(Protocol):
    """A captured frame. `image` may decode on each access (`liveness_frames.EncodedFrame`): read it
    once per pass and do not keep it, so a session never holds more than a frame or two decoded."""

    @property
    def timestamp_ms(self) -> int: ...  # capture time from the page's clock; only differences matter

    @property
    def image(self) -> NDArray[np.uint8]: ...  # BGR


@dataclass(frozen=True, slots=True)
class Frame:
    """A frame already decoded (the CLI, tests)."""

    timestamp_ms: int
    image: NDArray[np.uint8]  # BGR


@dataclass(frozen=True, slots=True)
class Observation:
    index: int
    t_ms: int  # relative to the first frame
    faces: int  # faces FaceMesh saw (it looks for at most two)
    measure: FaceMeasure | None  # of the largest face
    sharpness: float
    embedding: NDArray[np.float32] | None  # set on sampled frames only
    detector_faces: int | None  # faces on sampled frames that are faces (`confirmed_faces`)


@dataclass(frozen=True, slots=True)
class TrackParams:
    max_side: int = 640  # the page sends ≤ 640 px frames; resizing larger ones costs more than it saves
    embed_every_ms: int = 1000
    detect_side: int = 320  # YuNet on a smaller copy: a selfie's face stays ~100 px wide
    detect: DetectParams = field(default_factory=lambda: DetectParams(score_threshold=0.7))
    # A face beside the person's counts when YuNet is sure of it or FaceMesh finds one there too: a
    # painting or a patterned wall behind a person, under a colour flash, draws a weak YuNet face
    # (0.72-0.76 on a generated session) or a FaceMesh ghost that the other detector does not see.
    other_face_min_score: float = 0.9


def _contains(points: NDArray[np.float32], x: float, y: float) -> bool:
    """Whether (x, y) lies inside the bounding box of a FaceMesh face's landmarks."""
    x0, y0 = points[:, 0].min(), points[:, 1].min()
    x1, y1 = points[:, 0].max(), points[:, 1].max()
    return bool(x0 <= x <= x1 and y0 <= y <= y1)


def confirmed_faces(
    found: Sequence[DetectedFace], meshes: Sequence[NDArray[np.float32]], scale: float, min_score: float
) -> int:
    """How many of YuNet's faces (`found`, largest first, on a copy `scale` times the frame) are faces:
    the largest, the person's, and each other one that YuNet is sure of or that lies inside a FaceMesh
    face (`meshes`, in frame pixels) other than the person's."""
    if not found:
        return 0
    centres = [((f.box[0] + f.box[2] / 2) / scale, (f.box[1] + f.box[3] / 2) / scale) for f in found]
    others = [m for m in meshes if not _contains(m, *centres[0])]
    count = 1
    for face, (cx, cy) in zip(found[1:], centres[1:], strict=True):
        count += face.score >= min_score or any(_contains(m, cx, cy) for m in others)
    return count


def _sharpness(image: NDArray[np.uint8], m: FaceMeasure) -> float:
    cx, cy = m.center
    r = int(m.face_width * 0.5)
    h, w = image.shape[:2]
    crop = image[max(0, int(cy) - r) : min(h, int(cy) + r), max(0, int(cx) - r) : min(w, int(cx) + r)]
    if crop.size == 0:
        return 0.0
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_32F).var())


def track(
    frames: Sequence[FrameLike], models: VisionModels, params: TrackParams | None = None
) -> list[Observation]:
    params = params or TrackParams()
    if not frames:
        return []
    t0 = frames[0].timestamp_ms
    observations: list[Observation] = []
    next_embed = 0
    detector = embedder = None
    with models.tracker() as tracker:
        for i, frame in enumerate(frames):
            image, _ = limit_size(frame.image, params.max_side)
            t_rel = frame.timestamp_ms - t0
            # After a lost frame FaceMesh looks for the face afresh on the next call: ask again at
            # once, so a hand passing or a quick move costs one frame, not two.
            faces = tracker.landmarks(image) or tracker.landmarks(image)
            faces.sort(key=lambda p: float(np.ptp(p[:, 0])), reverse=True)
            m = measure(image, faces[0]) if faces else None
            embedding = None
            count = None
            if m is not None and t_rel >= next_embed:
                detector = detector or models.detector()
                embedder = embedder or models.embedder()
                small, scale = limit_size(image, params.detect_side)
                found = detect_faces(small, detector, params.detect)
                count = confirmed_faces(found, faces, scale, params.other_face_min_score)
                if found:
                    row = found[0].row
                    row[:14] /= scale
                    embedding = embedder.embed(image, row)
                next_embed = t_rel + params.embed_every_ms
            sharp = _sharpness(image, m) if m is not None else 0.0
            observations.append(Observation(i, t_rel, len(faces), m, sharp, embedding, count))
    return observations
