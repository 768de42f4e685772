"""Identity cards carrying a chosen person's portrait, printed and photographed at three levels.

The face benchmark needs the same person on the card and in the selfie, so the card is rendered
around a given face photo (the document generator picks faces by random index). Levels:

- clean: a colour print, photographed well (the camera's `easy` settings);
- mild: a faded colour print under a fine guilloche, an ordinary phone photo (`medium`);
- hard: a laser-engraved grey portrait under a stronger guilloche, a poor photo (`hard`) taken
  from further away, so the printed face is small.

Cards stay upright in the photo (small tilts only): the document reader turns them upright from
their text before it looks for the portrait, and the plain baseline has no way to do that.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from tests.documents.synth import camera
from tests.documents.synth.identity import random_identity
from tests.documents.synth.render import render_td1, render_td3

LEVELS = ("clean", "mild", "hard")
CAMERA_LEVEL = {"clean": "easy", "mild": "medium", "hard": "hard"}
# hard: the photo is taken from further away (or with a lower-resolution camera)
PHOTO_SCALE = {"clean": (1.0, 1.0), "mild": (0.8, 1.0), "hard": (0.5, 0.7)}


@dataclass(frozen=True)
class CardShot:
    photo: np.ndarray  # RGB photo of the card, as decoded from its JPEG
    data: bytes  # the JPEG file
    card: np.ndarray  # the flat card as printed (RGB), before the camera
    portrait_box: tuple[int, int, int, int]  # printed portrait on the flat card (x0, y0, x1, y1)
    homography: np.ndarray  # card pixels -> photo pixels
    level: str
    layout: str  # td1 | td3


def passport_framing(face_rgb: np.ndarray, face_box: tuple[float, float, float, float]) -> Image.Image:
    """Crop a snapshot to a passport photo around a detected face box (face ~62 % of the height)."""
    x, y, w, h = face_box
    ch = h / 0.62
    cw = ch * 35 / 45
    cx, cy = x + w / 2, y + h / 2 + 0.02 * ch
    m = np.array([[1, 0, cw / 2 - cx], [0, 1, ch / 2 - cy]], np.float32)
    out = cv2.warpAffine(
        face_rgb, m, (round(cw), round(ch)), borderMode=cv2.BORDER_CONSTANT, borderValue=(225, 225, 222)
    )
    return Image.fromarray(np.asarray(out, np.uint8))


def _print_portrait(card: np.ndarray, box: tuple[int, int, int, int], level: str, rng: random.Random) -> None:
    """What printing does to the photo: less contrast and colour, a guilloche over it; the hard level
    is a grey laser engraving (many identity cards are engraved, not printed)."""
    x0, y0, x1, y1 = box
    region = card[y0:y1, x0:x1].astype(np.float32)
    grey = region.mean(axis=2, keepdims=True)
    h, w = region.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    phase = rng.uniform(0, 6.3)
    guilloche = np.sin(xx / rng.uniform(2.5, 4.0) + 2.0 * np.sin(yy / rng.uniform(9, 14) + phase))
    if level == "clean":
        region = 0.9 * region + 0.1 * grey
        amp = 0.0
    elif level == "mild":
        region = 0.6 * region + 0.4 * grey
        region = 0.85 * region + 0.15 * 160.0
        amp = 5.0
    else:
        tone = rng.uniform(0.55, 0.7)
        region = np.repeat(grey, 3, axis=2) * tone + (1 - tone) * 150.0
        region *= np.array([1.0, rng.uniform(0.95, 1.0), rng.uniform(0.85, 0.95)], np.float32)  # sepia
        amp = 9.0
    region += amp * guilloche[:, :, None]
    card[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def make_card(face: Image.Image, seed: int, level: str, layout: str | None = None) -> CardShot:
    """A card (TD1 front or TD3 page) with `face` as its portrait, photographed at `level`."""
    rng = random.Random(seed)
    layout = layout or rng.choice(("td1", "td1", "td3"))
    kind = "identity_card" if layout == "td1" else "passport"
    ident = random_identity(rng, kind)
    if layout == "td1":
        side, _ = render_td1(ident, "en", "dots", face, rng)
    else:
        side = render_td3(ident, "en", "dots", face, rng)
    card = side.image.copy()
    box = side.regions["portrait"]
    _print_portrait(card, box, level, rng)
    shot = camera.photograph(card, CAMERA_LEVEL[level], rng, turns=0)
    photo, data, homography = shot.image, shot.data, shot.homography
    lo, hi = PHOTO_SCALE[level]
    scale = rng.uniform(lo, hi)
    if scale < 0.99:
        photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        buf = io.BytesIO()
        Image.fromarray(photo).save(buf, "JPEG", quality=rng.randint(70, 85))
        data = buf.getvalue()
        photo = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        homography = np.diag([scale, scale, 1.0]) @ homography
    return CardShot(photo, data, card, box, homography, level, layout)
