"""The holder's printed photo: YuNet finds the face on the flattened document, we frame the portrait.

The detector is the face engine's own YuNet session (one per process, from the model registry). It
runs on a copy at most 640 px wide (its sweet spot).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from idscan.documents.ocr import RGBImage
from idscan.vision.enrol import check_portrait
from idscan.vision.images import swap_red_blue
from idscan.vision.sessions import DetectorSession, VisionModels

DETECT_SIDE = 640
MIN_SCORE = 0.6
# Passport-photo framing around the detected face box (ICAO: the face is 70-80 % of the photo height).
FRAME_SIDE, FRAME_UP, FRAME_DOWN = 0.55, 0.65, 0.75
MIN_PORTRAIT = (120, 150)  # the face engine's minimum for a reliable match (notes/models.md)
EDGE_LEVEL = 40.0  # Sobel response of a visible photo border

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Portrait:
    image: RGBImage  # the crop
    box: Box  # crop box on the document image
    face_box: Box
    score: float
    mask_box: Box  # what redaction fills: the snapped photo and the generous framing together
    # why the face cannot be compared (idscan.vision.enrol.EnrolProblem: portrait_too_small,
    # portrait_blurry, portrait_obscured), or None when it can
    problem: str | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return (self.box[2] - self.box[0], self.box[3] - self.box[1])

    @property
    def large_enough(self) -> bool:
        return self.size[0] >= MIN_PORTRAIT[0] and self.size[1] >= MIN_PORTRAIT[1]


def find_faces(image: RGBImage, detector: DetectorSession) -> list[tuple[Box, float]]:
    """Faces on the document, largest first, found on a copy at most `DETECT_SIDE` px wide."""
    h, w = image.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(h, w))
    small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    rows = detector.detect(swap_red_blue(small), MIN_SCORE)
    out = []
    for row in rows:
        x, y, fw, fh = (float(v) / scale for v in row[:4])
        out.append(((int(x), int(y), int(x + fw), int(y + fh)), float(row[-1])))
    return sorted(out, key=lambda f: -(f[0][2] - f[0][0]) * (f[0][3] - f[0][1]))


def find_portrait(image: RGBImage, models: VisionModels) -> Portrait | None:
    """The largest face on the document (ghost images are smaller), framed as a portrait."""
    faces = find_faces(image, models.detector())
    if not faces:
        return None
    (x0, y0, x1, y1), score = faces[0]
    h, w = image.shape[:2]
    fw, fh = x1 - x0, y1 - y0
    box = (
        max(0, int(x0 - FRAME_SIDE * fw)),
        max(0, int(y0 - FRAME_UP * fh)),
        min(w, int(x1 + FRAME_SIDE * fw)),
        min(h, int(y1 + FRAME_DOWN * fh)),
    )
    frame = box
    box = snap_to_photo_edges(image, (x0, y0, x1, y1), frame)
    crop = np.ascontiguousarray(image[box[1] : box[3], box[0] : box[2]])
    mask = (min(box[0], frame[0]), min(box[1], frame[1]), max(box[2], frame[2]), max(box[3], frame[3]))
    verdict = check_portrait(swap_red_blue(crop), models)
    problem = str(verdict.problem) if verdict is not None and verdict.problem is not None else None
    return Portrait(crop, box, (x0, y0, x1, y1), score, mask, problem)


def snap_to_photo_edges(image: RGBImage, face: Box, frame: Box) -> Box:
    """Move each side of the framed box to the printed photo's own straight edge when one stands out:
    the photo's border is a long continuous edge, text and face edges are short."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx = np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3))
    gy = np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3))
    h, w = gray.shape
    fx0, fy0, fx1, fy1 = face
    fw, fh = fx1 - fx0, fy1 - fy0
    rows = slice(max(0, fy0), min(h, fy1 + fh // 2))
    cols = slice(max(0, fx0 - fw // 4), min(w, fx1 + fw // 4))
    out = list(frame)
    # share of strong-edge pixels along each column (row): a photo border is strong all along
    strong_x = (gx[rows] > EDGE_LEVEL).mean(axis=0)
    strong_y = (gy[:, cols] > EDGE_LEVEL).mean(axis=1)
    searches = (
        (0, strong_x, max(0, fx0 - fw), fx0 - fw // 8),
        (2, strong_x, fx1 + fw // 8, min(w, fx1 + fw)),
        (1, strong_y, max(0, fy0 - fh), fy0 - fh // 8),
        (3, strong_y, fy1 + fh // 4, min(h, fy1 + int(1.5 * fh))),
    )
    for side, profile, lo, hi in searches:
        if hi - lo < 3:
            continue
        window = profile[lo:hi]
        # nearest qualifying edge to the face: the photo border comes before any text beyond it
        hits = np.flatnonzero(window > 0.6)
        if hits.size:
            peak = int(hits[-1] if side in (0, 1) else hits[0])
            out[side] = lo + peak + (1 if side >= 2 else 0)
    return (out[0], out[1], out[2], out[3])
