"""Face detection (YuNet) on selfies and small document portraits, with a quality verdict per face."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from idscan.vision.images import limit_size
from idscan.vision.quality import FaceQuality, QualityParams, assess
from idscan.vision.sessions import DetectorSession


@dataclass(frozen=True, slots=True)
class DetectParams:
    max_side: int = 640  # the first pass finds faces on a copy this big: cheap, and YuNet's sweet spot
    score_threshold: float = 0.6
    # Landmarks found on a downscaled copy are off by a few pixels of the original, which costs SFace
    # more than the downscale saves (bench/faces.py, stage table): each face found there is detected
    # again in a window around it at full resolution, at most `refine_faces` of them, largest first.
    refine_faces: int = 2
    refine_below: int = 160  # px on the small copy; larger faces keep their landmarks (precise enough)
    refine_context: float = 2.0  # window side, in face-box sides
    refine_max_side: int = 960  # a bigger window (a face over ~480 px) is downscaled to this
    small_side: int = 320  # images smaller than this (card portraits) are padded and upscaled
    quality: QualityParams = field(default_factory=QualityParams)


@dataclass(frozen=True, slots=True)
class DetectedFace:
    box: tuple[float, float, float, float]  # x, y, width, height in the input image's pixels
    landmarks: tuple[tuple[float, float], ...]  # image-left eye, image-right eye, nose, mouth corners
    score: float
    quality: FaceQuality

    @property
    def row(self) -> NDArray[np.float32]:
        """The YuNet row the embedder's alignment expects."""
        flat = [*self.box, *(c for p in self.landmarks for c in p), self.score]
        return np.array(flat, np.float32)


def _rows_in_original(
    rows: NDArray[np.float32], scale: float, offset: tuple[float, float]
) -> NDArray[np.float32]:
    out = rows.copy()
    ox, oy = offset
    out[:, 0:14] /= scale
    out[:, [0, 4, 6, 8, 10, 12]] -= ox
    out[:, [1, 5, 7, 9, 11, 13]] -= oy
    return out


def _refined_row(
    image: NDArray[np.uint8], row: NDArray[np.float32], session: DetectorSession, params: DetectParams
) -> NDArray[np.float32]:
    """The face of `row` (found on a downscaled copy) detected again at full resolution."""
    x, y, w, h = (float(v) for v in row[:4])
    side = max(8, round(params.refine_context * max(w, h)))
    x0, y0 = round(x + w / 2 - side / 2), round(y + h / 2 - side / 2)
    ih, iw = image.shape[:2]
    # integer offsets: the window holds the original pixels, not resampled ones
    pad = (max(0, -y0), max(0, y0 + side - ih), max(0, -x0), max(0, x0 + side - iw))
    window = image[max(0, y0) : min(ih, y0 + side), max(0, x0) : min(iw, x0 + side)]
    if any(pad):
        window = np.asarray(cv2.copyMakeBorder(window, *pad, cv2.BORDER_REPLICATE), np.uint8)
    window, scale = limit_size(window, params.refine_max_side)
    found = session.detect(window, params.score_threshold)
    if not len(found):
        return row
    found = _rows_in_original(found, scale, (-x0, -y0))
    centres = found[:, 0:2] + found[:, 2:4] / 2
    inside = (np.abs(centres[:, 0] - (x + w / 2)) < w / 2) & (np.abs(centres[:, 1] - (y + h / 2)) < h / 2)
    if not inside.any():
        return row
    best = int(np.argmax(np.where(inside, found[:, 2] * found[:, 3], -1.0)))
    return np.asarray(found[best], np.float32)


def _detect_rows(
    image: NDArray[np.uint8], session: DetectorSession, params: DetectParams
) -> NDArray[np.float32]:
    small, scale = limit_size(image, params.max_side)
    rows = session.detect(small, params.score_threshold)
    if len(rows):
        rows = _rows_in_original(rows, scale, (0.0, 0.0))
        if scale < 1.0:
            order = np.argsort(-(rows[:, 2] * rows[:, 3]))[: params.refine_faces]
            for i in order:
                if min(rows[i, 2], rows[i, 3]) * scale < params.refine_below:
                    rows[i] = _refined_row(image, rows[i], session, params)
        return rows
    h, w = image.shape[:2]
    if min(h, w) >= params.small_side:
        return rows
    # A face filling a tiny crop is outside YuNet's anchors: give it a margin and more pixels.
    pad_y, pad_x = h // 2, w // 2
    padded = cv2.copyMakeBorder(image, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_REPLICATE)
    up = params.small_side * 2 / min(padded.shape[:2])
    big = cv2.resize(padded, None, fx=up, fy=up, interpolation=cv2.INTER_CUBIC)
    rows = session.detect(np.asarray(big, np.uint8), params.score_threshold)
    if not len(rows):
        return rows
    out = rows.copy()
    out[:, 0:14] /= up
    out[:, [0, 4, 6, 8, 10, 12]] -= pad_x
    out[:, [1, 5, 7, 9, 11, 13]] -= pad_y
    return out


def detect_faces(
    image: NDArray[np.uint8], session: DetectorSession, params: DetectParams | None = None
) -> list[DetectedFace]:
    """Every face above the score threshold, largest first."""
    params = params or DetectParams()
    rows = _detect_rows(image, session, params)
    faces: list[DetectedFace] = []
    for row in rows:
        box = (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
        points = tuple((float(row[4 + 2 * i]), float(row[5 + 2 * i])) for i in range(5))
        faces.append(DetectedFace(box, points, float(row[14]), assess(image, box, points, params.quality)))
    faces.sort(key=lambda f: f.box[2] * f.box[3], reverse=True)
    return faces
