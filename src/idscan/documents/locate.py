"""Find the document in a photo and flatten it: a quadrilateral from edges, then a perspective warp.

The warp always yields a landscape image; whether it is upside down (or, when no outline was found,
turned by 90 degrees) is decided later from the text, which is a far stronger cue than edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

RGBImage = npt.NDArray[np.uint8]
Matrix = npt.NDArray[np.float64]

WORK_SIDE = 640  # edges are found on a small copy: faster, and paper texture fades away
# width/height of the ICAO sizes: ID-1 card, ID-2 card, passport page (ID-3)
STANDARD_ASPECTS = (85.6 / 54.0, 105.0 / 74.0, 125.0 / 88.0)
MIN_AREA = 0.12  # of the photo; smaller outlines are more likely a portrait or a printed box
ASPECT_RANGE = (1.1, 2.4)  # long/short side of a seen outline, perspective included
PORTRAIT_LIKE = (1.33, 0.3)  # below this ratio an outline under this share of the photo is a portrait


@dataclass(frozen=True)
class Located:
    """The flattened document. `homography` maps photo pixels to `image` pixels."""

    image: RGBImage
    homography: Matrix
    found: bool  # an outline was found (else `image` is the whole photo)
    fully_visible: bool  # the outline does not touch the photo's border
    quad: tuple[tuple[float, float], ...] | None = None

    def turned(self, quarter_turns: int) -> Located:
        """The same document turned counter-clockwise by `quarter_turns` x 90 degrees."""
        k = quarter_turns % 4
        if k == 0:
            return self
        h, w = self.image.shape[:2]
        image = np.ascontiguousarray(np.rot90(self.image, k))
        turn = _rot90_matrix(k, w, h)
        return Located(image, turn @ self.homography, self.found, self.fully_visible, self.quad)

    def deskewed(self, degrees: float) -> Located:
        """The image turned by a small angle (counter-clockwise, OpenCV's sign), canvas enlarged."""
        h, w = self.image.shape[:2]
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
        nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
        rot[0, 2] += nw / 2 - w / 2
        rot[1, 2] += nh / 2 - h / 2
        image = cv2.warpAffine(
            self.image, rot, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        affine = np.vstack([rot, [0.0, 0.0, 1.0]])
        return Located(
            np.ascontiguousarray(image), affine @ self.homography, self.found, self.fully_visible, self.quad
        )


def _rot90_matrix(k: int, w: int, h: int) -> Matrix:
    """Pixel mapping of numpy's rot90(img, k) for an image of width w, height h."""
    if k == 1:
        return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], np.float64)
    if k == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], np.float64)
    return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], np.float64)


def locate(image: RGBImage, max_width: int = 1280, *, outline: bool = True) -> Located:
    """Flatten the document in `image`; fall back to the whole image when no outline is found (or
    `outline` is False: the caller saw that the outline found cut the document)."""
    h, w = image.shape[:2]
    quad = find_quad(image) if outline else None
    if quad is None:
        scale = min(1.0, max_width / max(h, w))
        homography = np.diag([scale, scale, 1.0])
        out = (
            image
            if scale == 1.0
            else cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        )
        return Located(np.ascontiguousarray(out), homography, found=False, fully_visible=True)
    return rectify(image, quad, max_width)


def rectify(image: RGBImage, quad: npt.NDArray[np.float32], max_width: int = 1280) -> Located:
    tl, tr, br, bl = quad
    width = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    if height > width:  # turn the outline so the long side runs along x
        quad = np.roll(quad, -1, axis=0)
        width, height = height, width
    aspect = _snap_aspect(width / max(height, 1.0))
    out_w = int(min(max_width, max(width, 600)))
    out_h = round(out_w / aspect)
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    homography = cv2.getPerspectiveTransform(quad.astype(np.float32), dst).astype(np.float64)
    flat = cv2.warpPerspective(image, homography, (out_w, out_h), flags=cv2.INTER_AREA)
    ih, iw = image.shape[:2]
    margin = 0.005 * max(ih, iw)
    inside = bool(
        np.all(
            (quad[:, 0] > margin)
            & (quad[:, 0] < iw - 1 - margin)
            & (quad[:, 1] > margin)
            & (quad[:, 1] < ih - 1 - margin)
        )
    )
    points = tuple((float(x), float(y)) for x, y in quad)
    return Located(np.ascontiguousarray(flat), homography, found=True, fully_visible=inside, quad=points)


def _snap_aspect(aspect: float) -> float:
    best = min(STANDARD_ASPECTS, key=lambda a: abs(a - aspect))
    return best if abs(best - aspect) / best < 0.08 else aspect


def find_quad(image: RGBImage) -> npt.NDArray[np.float32] | None:
    """Corners (tl, tr, br, bl) of the largest plausible document outline, in image pixels."""
    h, w = image.shape[:2]
    scale = WORK_SIDE / max(h, w)
    small: RGBImage = np.asarray(
        cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA), np.uint8
    )
    area = small.shape[0] * small.shape[1]
    best: tuple[float, npt.NDArray[np.float32]] | None = None
    for edges in _edge_maps(small):
        contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            quad = _as_quad(np.asarray(contour, np.int32), edges.shape, area)
            if quad is not None:
                quad_area = float(cv2.contourArea(quad))
                if best is None or quad_area > best[0]:
                    best = (quad_area, quad)
                break
    if best is None:
        return None
    return _order(best[1].reshape(4, 2) / scale).astype(np.float32)


def _edge_maps(small: RGBImage) -> list[npt.NDArray[np.uint8]]:
    """Edge maps from strict to sensitive; lightness and colour (a white card on a white table)."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    maps = []
    for lo, hi in ((30, 90), (12, 36)):
        edges = np.zeros(small.shape[:2], np.uint8)
        for c in range(3):
            edges |= np.asarray(
                cv2.Canny(lab[..., c], lo if c == 0 else lo // 2, hi if c == 0 else hi // 2), np.uint8
            )
        maps.append(np.asarray(cv2.morphologyEx(edges, cv2.MORPH_CLOSE, kernel), np.uint8))
    return maps


def _as_quad(
    contour: npt.NDArray[np.int32], shape: tuple[int, ...], area: float
) -> npt.NDArray[np.float32] | None:
    if cv2.contourArea(contour) < MIN_AREA * area:
        return None
    # fill the outline, then open with a large kernel: lines on the table that touch the card vanish
    filled: Any = np.zeros(shape[:2], np.uint8)
    cv2.drawContours(filled, [contour], -1, (255,), thickness=cv2.FILLED)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (21, 21))
    mask = np.asarray(cv2.morphologyEx(filled, cv2.MORPH_OPEN, kernel), np.uint8)
    found, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not found:
        return None
    blob = max(found, key=cv2.contourArea)
    hull = cv2.convexHull(blob)
    hull_area = cv2.contourArea(hull)
    if hull_area < MIN_AREA * area or cv2.contourArea(blob) < 0.9 * hull_area:
        return None
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.045):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            quad = approx.reshape(4, 2).astype(np.float32)
            quad_area = float(cv2.contourArea(quad))
            if (
                _angles_plausible(quad)
                and quad_area > 0.93 * hull_area
                and _aspect_plausible(quad, quad_area / area)
            ):
                return quad
    return None


def _aspect_plausible(quad: npt.NDArray[np.float32], share: float) -> bool:
    """Documents are landscape rectangles of 1.42-1.59; a printed portrait (1.29) is not one."""
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    long_side, short_side = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    ratio = max(long_side, short_side) / max(1.0, min(long_side, short_side))
    if ratio < PORTRAIT_LIKE[0] and share < PORTRAIT_LIKE[1]:
        return False
    return ASPECT_RANGE[0] <= ratio <= ASPECT_RANGE[1]


def _angles_plausible(quad: npt.NDArray[np.float32]) -> bool:
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        v1, v2 = a - b, c - b
        cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-6))
        if abs(cos) > 0.5:  # corner outside 60..120 degrees
            return False
    return True


def _order(pts: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Clockwise from the corner nearest the top-left."""
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates (y down), starting near -180 deg
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)
