"""Image edits that fake a live performance from one still photo and its FaceMesh landmarks.

- head turn: a 2.5-D warp. Depth comes from FaceMesh's per-landmark z, so the nose moves against the
  cheeks as in a real turn (a flat photo turned in 3-D would not show that parallax);
- blink: the upper eyelid's skin is pulled down over each eye;
- smile: the mouth corners are pulled out and up;
- flash: a multiplicative colour cast, strong on the head and weak on the background.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Points = NDArray[np.float32]

EYE_RINGS = (
    (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246),
    (263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466),
)
UPPER_LID = ((159,), (386,))
LOWER_LID = ((145,), (374,))
MOUTH_CORNERS = (61, 291)
FACE_OVAL = (
    10,
    338,
    297,
    332,
    284,
    251,
    389,
    356,
    454,
    323,
    361,
    288,
    397,
    365,
    379,
    378,
    400,
    377,
    152,
    148,
    176,
    149,
    150,
    136,
    172,
    58,
    132,
    93,
    234,
    127,
    162,
    21,
    54,
    103,
    67,
    109,
)


def head_mask(
    shape: tuple[int, ...], pts: Points, grow: float = 1.25, soft: float = 0.15
) -> NDArray[np.float32]:
    """Soft mask of the head: the face oval enlarged about its centre, feathered."""
    h, w = shape[:2]
    oval = pts[list(FACE_OVAL), :2]
    centre = oval.mean(axis=0)
    big = (oval - centre) * grow + centre
    mask = np.zeros((h, w), np.float32)
    cv2.fillPoly(mask, [big.astype(np.int32)], (1.0,))
    face_w = float(oval[:, 0].max() - oval[:, 0].min())
    k = max(3, int(face_w * soft) | 1)
    return np.asarray(cv2.GaussianBlur(mask, (k, k), 0), np.float32)


def depth_map(shape: tuple[int, ...], pts: Points, mask: NDArray[np.float32]) -> NDArray[np.float32]:
    """Per-pixel depth (FaceMesh z, pixels) by triangulating the landmarks; the rest of the head gets the
    contour's depth, so hair and ears turn with the face."""
    h, w = shape[:2]
    contour_z = float(np.median(pts[list(FACE_OVAL), 2]))
    depth = np.full((h, w), contour_z, np.float32)
    subdiv = cv2.Subdiv2D((0, 0, w, h))
    inside = [(float(min(max(x, 0), w - 1)), float(min(max(y, 0), h - 1))) for x, y in pts[:, :2]]
    index = {}
    for i, p in enumerate(inside):
        index[(round(p[0], 2), round(p[1], 2))] = i
        subdiv.insert(p)
    zs = pts[:, 2]
    for tri in np.asarray(subdiv.getTriangleList()):
        corners = tri.reshape(3, 2)
        ids = [index.get((round(float(x), 2), round(float(y), 2))) for x, y in corners]
        if any(i is None for i in ids):
            continue
        z = float(np.mean([zs[i] for i in ids if i is not None]))
        cv2.fillConvexPoly(depth, corners.astype(np.int32), (z,))
    face_w = float(pts[:, 0].max() - pts[:, 0].min())
    k = max(3, int(face_w * 0.08) | 1)
    smooth = np.asarray(cv2.GaussianBlur(depth, (k, k), 0), np.float32)
    return np.asarray(smooth * mask + contour_z * (1 - mask), np.float32)


class FaceRig:
    """Precomputed fields for one still, so each frame is a cheap remap."""

    def __init__(self, image: Image, pts: Points) -> None:
        self.image = image
        self.pts = pts
        h, w = image.shape[:2]
        self.mask = head_mask(image.shape, pts)
        self.depth = depth_map(image.shape, pts, self.mask)
        self.face_w = float(pts[:, 0].max() - pts[:, 0].min())
        self.cx = float((pts[:, 0].max() + pts[:, 0].min()) / 2)
        # Turning about an axis just behind the cheek contour keeps the head outline nearly still, so the
        # backward-map approximation holds; the nose still moves against the cheeks as in a real turn.
        self.z_axis = float(np.median(pts[list(FACE_OVAL), 2])) + 0.08 * self.face_w
        self.grid_x, self.grid_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        # Unit fields, so a frame costs two multiply-adds and one remap.
        self._turn_x = ((self.grid_x - self.cx) * self.mask).astype(np.float32)
        self._turn_z = ((self.depth - self.z_axis) * self.mask).astype(np.float32)
        self.blink_field = self.make_blink_field()
        self.blink_ratio = float("nan")  # set by stills.calibrate_blink
        self.smile_ratio = float("nan")
        self._smile = self._smile_field()

    def make_blink_field(self, pull: float = 0.0) -> NDArray[np.float32]:
        """Unit blink: per column, the upper lid's skin is stretched down over the eye to the lower lid,
        and the eye itself is squeezed into a thin lash line below it; `pull` adds lid travel in eye
        widths."""
        dy = np.zeros_like(self.grid_x)
        for upper, lower, ring in zip(UPPER_LID, LOWER_LID, EYE_RINGS, strict=True):
            ring_pts = self.pts[list(ring), :2]
            ex = float(ring_pts[:, 0].mean())
            ew = float(ring_pts[:, 0].max() - ring_pts[:, 0].min())
            yu, yl = float(self.pts[upper[0], 1]), float(self.pts[lower[0], 1])
            gap = max(2.0, yl - yu)
            top, lash = yu - max(3.0, 0.35 * ew), max(2.0, 0.25 * gap)
            wx = np.clip(1 - ((self.grid_x[0] - ex) / (0.6 * ew)) ** 2, 0, 1) ** 0.7
            dy_col = np.interp(
                self.grid_y[:, 0],
                [top, yl, yl + lash],
                [0.0, gap + 1.0 + pull * ew, 0.0],
                left=0.0,
                right=0.0,
            )
            dy += (dy_col[:, None] * wx[None, :]).astype(np.float32)
        return dy

    def _smile_field(self) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        dx = np.zeros_like(self.grid_x)
        dy = np.zeros_like(self.grid_x)
        corners = self.pts[list(MOUTH_CORNERS), :2]
        mw = float(np.linalg.norm(corners[1] - corners[0]))
        centre = corners.mean(axis=0)
        for cx, cy in corners:
            out = 1.0 if cx > centre[0] else -1.0
            g = np.exp(-(((self.grid_x - cx) ** 2 + (self.grid_y - cy) ** 2) / (0.22 * mw) ** 2))
            dx += out * 0.17 * mw * g  # a broad smile widens the mouth by about a quarter
            dy -= 0.10 * mw * g  # and lifts its corners by a tenth of it (real clips: 0.06-0.12)
        return dx, dy

    def displacement(
        self, yaw_deg: float, blink: float, smile: float
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Backward displacement (dx, dy): the output pixel p samples the still at p - d (a fair
        approximation of the inverse warp while displacements stay small)."""
        th = math.radians(yaw_deg)
        dx = self._turn_x * (math.cos(th) - 1) - self._turn_z * math.sin(th)
        dy = np.zeros_like(dx)
        if blink > 0:
            dy = dy + blink * self.blink_field
        if smile > 0:
            dx = dx + smile * self._smile[0]
            dy = dy + smile * self._smile[1]
        return dx.astype(np.float32), dy.astype(np.float32)

    def render(self, yaw_deg: float = 0.0, blink: float = 0.0, smile: float = 0.0) -> Image:
        if yaw_deg == 0.0 and blink == 0.0 and smile == 0.0:
            return self.image.copy()
        dx, dy = self.displacement(yaw_deg, blink, smile)
        out = cv2.remap(
            self.image, self.grid_x - dx, self.grid_y - dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        return np.asarray(out, np.uint8)


def colour_cast(image: Image, mask: NDArray[np.float32], bgr: tuple[int, int, int], strength: float) -> Image:
    """Light from a coloured screen: a gain per channel, full on the head, a third on the background."""
    weight = (mask * 0.67 + 0.33)[:, :, None] * strength
    gain = 1.0 + weight * (np.array(bgr, np.float32) / 255.0 - 0.5)
    return np.asarray(np.clip(image.astype(np.float32) * gain, 0, 255), np.uint8)


def affine_move(image: Image, dx: float, dy: float, angle_deg: float, scale: float) -> Image:
    h, w = image.shape[:2]
    m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, scale), np.float64)
    m[:, 2] += (dx, dy)
    return np.asarray(cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE), np.uint8)
