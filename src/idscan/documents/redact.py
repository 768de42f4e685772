"""Mask fields on the flattened document with a solid fill (never blur: blur can be undone).

Regions come from the reading: the printed value's OCR box, the same value's characters in the MRZ
(a Dutch personal number sits in both), the signature area and the portrait.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from idscan.documents.vocabulary import RedactField

if TYPE_CHECKING:
    from idscan.documents.ocr import RGBImage

REDACTABLE = frozenset(RedactField)

# The one table of what redacting a field hides besides its own printed value: the MRZ fields whose
# stretch (with its check digit) is masked on the images, and the result fields withheld from
# reports. The raw MRZ lines carry each of these values; optional data carries a personal number
# only on some documents (the Dutch BSN), so it goes with it only where it holds that number.
MRZ_STRETCHES: dict[RedactField, tuple[str, ...]] = {
    RedactField.PERSONAL_NUMBER: ("personal_number", "optional_data"),
    RedactField.DOCUMENT_NUMBER: ("document_number",),
    RedactField.DATE_OF_BIRTH: ("date_of_birth",),
}
ALSO_HIDES: dict[RedactField, frozenset[str]] = {
    RedactField.PERSONAL_NUMBER: frozenset({"mrz", "optional_data"}),
    RedactField.DOCUMENT_NUMBER: frozenset({"mrz"}),
    RedactField.DATE_OF_BIRTH: frozenset({"mrz"}),
}

# A US or Canadian card's PDF417 encodes these values (and more) in the clear: redacting any of
# them masks the whole barcode on the images.
BARCODE_CARRIES: tuple[RedactField, ...] = (
    RedactField.ADDRESS,
    RedactField.DOCUMENT_NUMBER,
    RedactField.DATE_OF_BIRTH,
)


def carries(optional_data: str | None, personal_number: str | None) -> bool:
    """Whether the MRZ's optional data holds the personal number (compared without spaces and
    fillers); only then does redacting the personal number hide the optional data too."""
    digits = (personal_number or "").replace(" ", "")
    return bool(digits) and optional_data is not None and digits in optional_data.replace("<", "")


def hidden_result_fields(
    fields: Iterable[str], optional_data: str | None, personal_number: str | None
) -> frozenset[str]:
    """The result fields that redacting `fields` withholds from a report."""
    hidden: set[str] = set()
    for name in fields:
        field = RedactField(name)
        hidden.add(field)
        extra = ALSO_HIDES.get(field, frozenset())
        if "optional_data" in extra and not carries(optional_data, personal_number):
            extra = extra - {"optional_data"}
        hidden |= extra
    return frozenset(hidden)


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
