"""Find and decode the PDF417 barcode on the back of a US or Canadian card (zxing-cpp, Apache-2.0).

Bounded work: the images in the order given (the reader passes the flattened card, where zxing's
detector sees level rows, then the photo as taken, for when a wrong outline bent the barcode), and
on each at most three attempts, stopping at the first read:
1. greyscale, zxing's local-average binariser (its own rotations and downscales included);
2. the same upscaled twice when the image is small, for thin modules a phone shot from afar blurs
   (only below UPSCALE_MAX_SIDE, so it never costs more than a larger photo would);
3. a global-histogram binariser, which keeps bars whole where the local one breaks them up under
   uneven light or a highlight.
Anything more (deblurring, a perspective search) would be open-ended; a photo none of these reads
is asked for again, which the user can fix.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

RGBImage = npt.NDArray[np.uint8]
GreyImage = npt.NDArray[np.uint8]

UPSCALE_MAX_SIDE = 1600  # upscale only photos smaller than this (to at most twice it)
MAX_PAYLOAD = 4096  # bytes; a PDF417 holds about 1.1 kB, anything more is not a card's barcode


@dataclass(frozen=True)
class Pdf417:
    payload: bytes
    image: int  # which of the images given it was read on
    corners: tuple[tuple[int, int], ...]  # top-left, top-right, bottom-right, bottom-left, in that image
    variant: str  # which attempt read it (as_is | upscaled | global_histogram)


def _read(grey: GreyImage, binarizer: zxingcpp.Binarizer) -> zxingcpp.Barcode | None:
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.PDF417)
    found = zxingcpp.read_barcodes(grey, formats=formats, binarizer=binarizer)
    return next((b for b in found if b.valid and 0 < len(b.bytes) <= MAX_PAYLOAD), None)


def _corners(barcode: zxingcpp.Barcode, scale: float) -> tuple[tuple[int, int], ...]:
    p = barcode.position
    return tuple(
        (round(pt.x / scale), round(pt.y / scale))
        for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    )


def _grey(image: RGBImage) -> GreyImage | None:
    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 16:
        return None
    return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))


def _upscaled(grey: GreyImage) -> GreyImage | None:
    if max(grey.shape) >= UPSCALE_MAX_SIDE:
        return None
    return np.ascontiguousarray(cv2.resize(grey, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC))


def read_pdf417(*images: RGBImage) -> Pdf417 | None:
    """The first PDF417 on `images` (RGB, best first), or None when no bounded attempt reads one.
    Pass one or two images: each costs up to three decodes (about 40 ms each at 1280 px)."""
    local, histogram = zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram
    for index, image in enumerate(images):
        grey = _grey(image)
        if grey is None:
            continue
        found = _read(grey, local)
        if found is not None:
            return Pdf417(bytes(found.bytes), index, _corners(found, 1.0), "as_is")
        big = _upscaled(grey)
        found = _read(big, local) if big is not None else None
        if found is not None:
            return Pdf417(bytes(found.bytes), index, _corners(found, 2.0), "upscaled")
        found = _read(grey, histogram)
        if found is not None:
            return Pdf417(bytes(found.bytes), index, _corners(found, 1.0), "global_histogram")
    return None
