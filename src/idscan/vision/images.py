"""Turning uploaded bytes into BGR arrays the models accept, with the guards an upload needs."""

from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import ImageOps

from idscan.errors import UnsupportedMediaTypeError

MAX_PIXELS = 40_000_000  # refuse decompression bombs well before they cost memory


class ImageDecodeError(UnsupportedMediaTypeError):
    default_detail = "The file is not an image we can read."


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> NDArray[np.uint8]:
    """Bytes (JPEG, PNG, WebP, ...) to a BGR array, EXIF orientation applied."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as img:
                if img.width * img.height > max_pixels:
                    raise ImageDecodeError("The image has too many pixels.")
                upright = ImageOps.exif_transpose(img).convert("RGB")
    except (OSError, ValueError, PILImage.DecompressionBombWarning, PILImage.DecompressionBombError) as exc:
        raise ImageDecodeError() from exc
    rgb = np.asarray(upright, dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def limit_size(image: NDArray[np.uint8], max_side: int) -> tuple[NDArray[np.uint8], float]:
    """Downscale so the longer side is at most max_side; returns the image and the scale applied."""
    h, w = image.shape[:2]
    longest = max(h, w)
    if longest <= max_side:
        return image, 1.0
    scale = max_side / longest
    small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return np.asarray(small, np.uint8), scale
