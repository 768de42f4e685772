"""The issuing state of an EU driving licence from the distinguishing sign printed in its EU flag
(top left of the front: `F`, `NL`, `D` ...; the signs of the 1949 Geneva convention). Pure: the
page's lines, or the flag's box found on the image for the recogniser to read."""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from idscan.documents.ocr import TextLine

# EU and EEA states that issue the card model, sign -> ICAO code
SIGNS = {
    "A": "AUT", "B": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "D": "D", "DK": "DNK", "E": "ESP",
    "EST": "EST", "F": "FRA", "FIN": "FIN", "FL": "LIE", "GR": "GRC", "H": "HUN", "HR": "HRV", "I": "ITA",
    "IRL": "IRL", "IS": "ISL", "L": "LUX", "LT": "LTU", "LV": "LVA", "M": "MLT", "N": "NOR", "NL": "NLD",
    "P": "PRT", "PL": "POL", "RO": "ROU", "S": "SWE", "SK": "SVK", "SLO": "SVN",
}  # fmt: skip
CORNER = 0.4  # the flag sits in the left 40 % and the top 40 % of the card


def sign_country(lines: Sequence[TextLine], shape: Sequence[int]) -> str | None:
    """The ICAO code of the sign standing alone in the front's top-left corner, or None."""
    h, w = int(shape[0]), int(shape[1])
    for ln in sorted(lines, key=lambda t: (t.cy, t.x0)):
        # the stars around the sign may be read as a stray mark (`+NL`)
        code = sign_code(ln.text)
        if code and ln.x1 < CORNER * w and ln.y1 < CORNER * h:
            return code
    return None


Box = tuple[int, int, int, int]


def flag_box(image: npt.NDArray[np.uint8]) -> Box | None:
    """The EU flag's blue box in the front's top-left corner (x0, y0, x1, y1), or None: the largest
    patch of saturated blue there, about square, at least 1 % of the card."""
    h, w = image.shape[:2]
    corner = np.ascontiguousarray(image[: int(CORNER * h), : int(CORNER * w)])
    hsv = cv2.cvtColor(corner, cv2.COLOR_RGB2HSV)
    # OpenCV hue 100-130: blue
    mask = cv2.inRange(hsv, np.array([100, 110, 50], np.uint8), np.array([130, 255, 255], np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    best: Box | None = None
    for contour in contours:
        x, y, bw, bh = cv2.boundingRect(contour)
        if bw * bh < 0.01 * h * w or not 0.6 < bw / max(bh, 1) < 1.8:
            continue
        if best is None or bw * bh > (best[2] - best[0]) * (best[3] - best[1]):
            best = (x, y, x + bw, y + bh)
    return best


def sign_crop(image: npt.NDArray[np.uint8], box: Box) -> npt.NDArray[np.uint8]:
    """The middle of the flag, where the sign stands inside the ring of stars, as dark text on a
    light ground with room on both sides (the recogniser reads a lone letter best that way)."""
    x0, y0, x1, y1 = box
    mx, my = int(0.32 * (x1 - x0)), int(0.28 * (y1 - y0))
    grey = 255 - cv2.cvtColor(image[y0 + my : y1 - my, x0 + mx : x1 - mx], cv2.COLOR_RGB2GRAY)
    side = grey.shape[0] // 2
    padded = cv2.copyMakeBorder(grey, 4, 4, side, side, cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(cv2.cvtColor(padded, cv2.COLOR_GRAY2RGB), np.uint8)


def sign_code(text: str, *, alone: bool = False) -> str | None:
    """The ICAO code of a recognised sign (`NL`, `+D`), or None. `alone`: the text is the flag's
    middle read on its own, where a single stroke (`1`, `|`, `l`) can only be Italy's `I`."""
    if alone and text.strip() in ("1", "|", "l", "I", "!"):
        return SIGNS["I"]
    return SIGNS.get(re.sub(r"[^A-Z]", "", text.upper()))
