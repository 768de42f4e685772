"""Mask fields on the flattened document with a solid fill (never blur: blur can be undone).

Regions come from the reading: the printed value's OCR box, the same value's characters in the MRZ
(a Dutch personal number sits in both), the signature area and the portrait.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from idscan.documents.ocr import RGBImage

REDACTABLE = frozenset(
    {
        "personal_number",
        "signature",
        "document_number",
        "date_of_birth",
        "place_of_birth",
        "address",
        "portrait",
        "mrz",
    }
)
FILL = (0, 0, 0)
PAD = 0.2  # of the box height, around each box: OCR boxes hug the ink, anti-aliasing spills over

Box = tuple[int, int, int, int]


class UnknownRedactionFieldError(ValueError):
    pass


def grow(box: Box, pad: float, shape: Sequence[int]) -> Box:
    x0, y0, x1, y1 = box
    p = max(2, round(pad * min(y1 - y0, 50)))  # text-line scale: a portrait needs no wider margin
    return (max(0, x0 - p), max(0, y0 - p), min(int(shape[1]), x1 + p), min(int(shape[0]), y1 + p))


def redact(image: RGBImage, regions: Mapping[str, Sequence[Box]], fields: Iterable[str]) -> RGBImage:
    """A copy of `image` with every region of every field in `fields` filled solid."""
    wanted = set(fields)
    unknown = wanted - REDACTABLE
    if unknown:
        raise UnknownRedactionFieldError(f"cannot redact {sorted(unknown)}")
    out = image.copy()
    for name in sorted(wanted):
        for box in regions.get(name, ()):
            x0, y0, x1, y1 = grow(box, PAD, out.shape)
            out[y0:y1, x0:x1] = np.asarray(FILL, np.uint8)
    return out


def mrz_char_boxes(line_box: Box, length: int, start: int, end: int) -> Box:
    """The box of characters `start:end` on an MRZ line printed at a fixed pitch."""
    x0, y0, x1, y1 = line_box
    pitch = (x1 - x0) / max(1, length)
    return (int(x0 + (start - 0.5) * pitch), y0, int(x0 + (end + 0.5) * pitch + 0.999), y1)
