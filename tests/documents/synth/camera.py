"""Phone-camera simulation: a flat card placed on a background, photographed at an angle, degraded."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

LEVELS = ("easy", "medium", "hard")
# per level: corner jitter (fraction of card size), in-plane tilt (deg), blur sigma, noise sigma, JPEG q
PARAMS = {
    "easy": (0.03, 4.0, (0.0, 0.5), 2.0, (88, 95)),
    "medium": (0.07, 10.0, (0.4, 1.0), 4.0, (75, 88)),
    "hard": (0.11, 16.0, (0.8, 1.4), 7.0, (60, 75)),
}


@dataclass
class Photo:
    image: np.ndarray  # RGB after all degradations (decoded JPEG)
    data: bytes  # the JPEG file
    homography: np.ndarray  # 3x3 card pixels -> photo pixels
    quarter_turns: int  # how many times the card was turned by 90 degrees (counter-clockwise)


def background(w: int, h: int, rng: random.Random) -> np.ndarray:
    """A table-like surface: a base colour, low-frequency shading, grain and a few straight edges."""
    base = np.array([rng.randint(40, 200) for _ in range(3)], np.float32)
    small = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 18, (6, 8, 3)).astype(np.float32)
    shade = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, (h, w, 1)).astype(np.float32)
    img = np.clip(base + shade + grain, 0, 255).astype(np.uint8)
    for _ in range(rng.randint(0, 3)):
        p1 = (rng.randint(0, w), rng.randint(0, h))
        p2 = (rng.randint(0, w), rng.randint(0, h))
        col = tuple(int(v) for v in np.clip(base + rng.uniform(-50, 50), 0, 255))
        cv2.line(img, p1, p2, col, rng.randint(2, 12))
    return img


def photograph(card: np.ndarray, level: str, rng: random.Random, turns: int | None = None) -> Photo:
    jitter, tilt, (b0, b1), noise, (q0, q1) = PARAMS[level]
    ch, cw = card.shape[:2]
    if turns is None:
        turns = 0 if level == "easy" else rng.choice((0, 0, 1, 2, 3))
    out_w, out_h = (cw, ch) if turns % 2 == 0 else (ch, cw)
    # the phone is held the way the subject lies: a tall one (an open booklet) in a tall frame
    pw, ph = (1600, 1200) if out_w >= out_h else (1200, 1600)
    scale = rng.uniform(0.6, 0.82) * min(pw / out_w, ph / out_h)
    # card corners in card pixels, then turned, tilted, scaled and jittered into the photo
    src = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    angle = np.deg2rad(turns * 90 + rng.uniform(-tilt, tilt))
    rot = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]], np.float32)
    centred = (src - [cw / 2, ch / 2]) @ rot.T * scale
    centre = np.float32([pw / 2 + rng.uniform(-0.06, 0.06) * pw, ph / 2 + rng.uniform(-0.06, 0.06) * ph])
    span = max(cw, ch) * scale
    dst = (
        centred
        + centre
        + np.float32([[rng.uniform(-jitter, jitter) * span for _ in range(2)] for _ in range(4)])
    )
    # keep the whole card in the frame (a cut-off card is a separate, deliberate test case)
    lo, hi = dst.min(axis=0), dst.max(axis=0)
    fit = min(1.0, *(0.96 * np.float32([pw, ph]) / np.maximum(hi - lo, 1)))
    dst = (dst - (lo + hi) / 2) * fit + np.float32([pw, ph]) / 2
    homography = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    bg = background(pw, ph, rng)
    warped = cv2.warpPerspective(card, homography, (pw, ph), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ch, cw), 255, np.uint8), homography, (pw, ph))
    img = np.where(mask[..., None] > 127, warped, bg).astype(np.float32)
    img = _lighting(img, rng, level)
    sigma = rng.uniform(b0, b1)
    if sigma > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img += np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, img.shape).astype(np.float32)
    buf = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=rng.randint(q0, q1))
    data = buf.getvalue()
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    return Photo(image=decoded, data=data, homography=homography, quarter_turns=turns)


def _lighting(img: np.ndarray, rng: random.Random, level: str) -> np.ndarray:
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25)
    gain = 1.0 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    gain *= rng.uniform(0.8, 1.05)
    img = img * gain[..., None]
    if level != "easy" and rng.random() < 0.6:
        # a soft specular highlight that brightens but does not saturate the text away
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        r = rng.uniform(0.05, 0.12) * w
        spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        img = img + spot[..., None] * rng.uniform(40, 90 if level == "hard" else 60)
    return img


def warp_box(homography: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The 4 corners of a card-pixel box in photo pixels."""
    x0, y0, x1, y1 = box
    pts = np.float32([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]])
    return np.asarray(cv2.perspectiveTransform(pts, homography)[0])
