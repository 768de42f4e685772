"""Whole photos of the kinds real users send that one flat document side does not cover: an open
passport booklet, both card sides in one shot, a frame that cuts the page edges, faint MRZ print on a
patterned page, and a photo stored with an EXIF orientation. Each scene is one photo and its truth.

    scene = make_scene(7, "booklet", "medium")
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from . import make_document
from .camera import photograph, warp_box
from .render import SANS, SANS_BOLD, Document, font

SCENES = ("booklet", "side_by_side", "cropped", "faint", "exif")

# What a camera stores for each EXIF orientation: the pixels as the sensor saw them (the inverse of
# the transpose that shows them upright), and the tag saying how to turn them.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}

_FACING_TEXT = (
    "OBSERVATIONS / OBSERVATIONS / OBSERVACIONES",
    "This passport contains 32 pages",
    "Ce passeport contient 32 pages",
    "The bearer is requested to carry it at all times",
    "AMENDMENTS / MODIFICATIONS",
)


@dataclass
class Scene:
    name: str
    document: Document
    data: bytes  # the photo file
    side: int  # which of the document's sides the photo shows in full (its MRZ side for two)

    @property
    def mrz(self) -> list[str]:
        return self.document.mrz


def make_scene(seed: int, scene: str, level: str) -> Scene:
    """One photo of `scene` (see SCENES) at a camera `level`; same seed, same photo."""
    rng = random.Random(seed)
    if scene == "booklet":
        doc = make_document(seed, kind="passport")
        spread = booklet_spread(doc.sides[0].image, rng)
        return Scene(scene, doc, photograph(spread, level, rng, turns=0).data, 0)
    if scene == "side_by_side":
        doc = make_document(seed, kind=rng.choice(("identity_card", "residence_permit")))
        both = side_by_side(doc.sides[0].image, doc.sides[1].image, rng)
        return Scene(scene, doc, photograph(both, level, rng, turns=0).data, 1)
    if scene == "cropped":
        doc = make_document(seed, kind="passport")
        return Scene(scene, doc, cropped_photo(doc, level, rng), 0)
    if scene == "faint":
        doc = make_document(seed, kind="passport")
        page = faint_mrz(doc.sides[0].image, doc.sides[0].regions["mrz"], rng)
        return Scene(scene, doc, photograph(page, level, rng).data, 0)
    if scene == "exif":
        doc = make_document(seed, kind=rng.choice(("passport", "td2_identity_card")))
        photo = photograph(doc.sides[0].image, level, rng, turns=0)
        return Scene(scene, doc, with_orientation(photo.data, rng.choice(list(STORED_AS))), 0)
    raise ValueError(f"unknown scene {scene}")


def booklet_spread(data_page: np.ndarray, rng: random.Random) -> np.ndarray:
    """An open passport booklet: a facing page of print above the data page, a fold between them."""
    h, w = data_page.shape[:2]
    tint = np.array([rng.randint(222, 242), rng.randint(222, 242), rng.randint(212, 236)], np.uint8)
    upper = Image.fromarray(np.broadcast_to(tint, (h, w, 3)).copy())
    draw = ImageDraw.Draw(upper)
    for k in range(rng.randint(6, 14)):  # guilloche-like waves across the facing page
        phase, amp = rng.uniform(0, 6.3), rng.uniform(10, 40)
        pts = [(x, 60 + k * 55 + amp * math.sin(x / rng.uniform(40, 90) + phase)) for x in range(0, w, 8)]
        draw.line(pts, fill=tuple(int(v) - 25 for v in tint), width=2)
    y = rng.randint(60, 140)
    for text in rng.sample(_FACING_TEXT, rng.randint(2, len(_FACING_TEXT))):
        draw.text(
            (rng.randint(60, 200), y), text, font=font(SANS_BOLD if y < 150 else SANS, 22), fill=(60, 60, 80)
        )
        y += rng.randint(45, 90)
    if rng.random() < 0.7:  # an entry stamp
        cx, cy, r = rng.randint(300, w - 300), rng.randint(h // 2, h - 160), rng.randint(90, 140)
        ink = (rng.randint(20, 90), rng.randint(40, 110), rng.randint(120, 200))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=5)
        draw.text(
            (cx - r + 30, cy - 15),
            f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025",
            font=font(SANS_BOLD, 26),
            fill=ink,
        )
    fold = np.full((max(4, h // 60), w, 3), 150, np.uint8)
    return np.vstack([np.asarray(upper), fold, data_page])


def side_by_side(front: np.ndarray, back: np.ndarray, rng: random.Random) -> np.ndarray:
    """Both sides of a card lying next to each other (or one above the other) on a plain surface."""
    h, w = front.shape[:2]
    gap = rng.randint(w // 25, w // 8)
    surface = np.array([rng.randint(30, 200) for _ in range(3)], np.uint8)
    order = [front, back] if rng.random() < 0.7 else [back, front]
    if rng.random() < 0.75:
        canvas = np.broadcast_to(surface, (h + 2 * gap, 2 * w + 3 * gap, 3)).copy()
        for i, side in enumerate(order):
            canvas[gap : gap + h, gap + i * (w + gap) : gap + i * (w + gap) + w] = side
    else:
        canvas = np.broadcast_to(surface, (2 * h + 3 * gap, w + 2 * gap, 3)).copy()
        for i, side in enumerate(order):
            canvas[gap + i * (h + gap) : gap + i * (h + gap) + h, gap : gap + w] = side
    return canvas


def cropped_photo(doc: Document, level: str, rng: random.Random) -> bytes:
    """A photo whose frame cuts the page's edges while the MRZ and every printed field stay inside."""
    side = doc.sides[0]
    # the hard level's tilt (up to 16 degrees) would let a straight frame cut the MRZ's corners
    photo = photograph(side.image, "easy" if level == "hard" else level, rng, turns=0)
    boxes = [b for k, b in side.regions.items() if k != "signature"]
    content = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    h, w = side.image.shape[:2]
    inner = warp_box(photo.homography, content)
    outer = warp_box(photo.homography, (0, 0, w, h))
    (ix0, iy0), (ix1, iy1) = inner.min(axis=0), inner.max(axis=0)
    (ox0, oy0), (ox1, oy1) = outer.min(axis=0), outer.max(axis=0)
    # each edge of the frame lands between the content and the page's own edge (never outside it)
    x0 = ix0 - rng.uniform(0.05, 0.6) * max(0.0, ix0 - ox0)
    y0 = iy0 - rng.uniform(0.05, 0.6) * max(0.0, iy0 - oy0)
    x1 = ix1 + rng.uniform(0.05, 0.6) * max(0.0, ox1 - ix1)
    y1 = iy1 + rng.uniform(0.2, 0.8) * max(0.0, oy1 - iy1)
    crop = photo.image[max(0, round(y0)) : round(y1), max(0, round(x0)) : round(x1)]
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(crop)).save(buf, "JPEG", quality=rng.randint(80, 92))
    return buf.getvalue()


def faint_mrz(page: np.ndarray, mrz_box: tuple[int, int, int, int], rng: random.Random) -> np.ndarray:
    """A visa-like page: the MRZ printed faint, and a fine line pattern running through it."""
    out = page.astype(np.float32)
    x0, y0, x1, y1 = mrz_box
    region = out[y0:y1, x0:x1]
    paper = np.median(region.reshape(-1, 3), axis=0)
    strength = rng.uniform(0.45, 0.65)  # how much of the ink's contrast is left
    out[y0:y1, x0:x1] = paper - (paper - region) * strength
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    f1, f2, f3 = rng.uniform(0.05, 0.09), rng.uniform(0.015, 0.03), rng.uniform(0.04, 0.08)
    lines = np.abs(np.sin(yy * f1 + 4 * np.sin(xx * f2))) < 0.12
    lines |= np.abs(np.sin(xx * f3 + 3 * np.sin(yy * f2))) < 0.08
    colour = np.array([rng.uniform(120, 200), rng.uniform(120, 200), rng.uniform(150, 220)], np.float32)
    alpha = rng.uniform(0.25, 0.45)
    out[lines] = out[lines] * (1 - alpha) + colour * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


def with_orientation(data: bytes, orientation: int) -> bytes:
    """The same photo as a camera stores it with this EXIF orientation tag."""
    upright = Image.open(io.BytesIO(data))
    transpose = STORED_AS[orientation]
    stored = upright if transpose is None else upright.transpose(transpose)
    exif = stored.getexif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()
