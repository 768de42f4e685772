"""Encode engine images for storage and download."""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image

JPEG = "image/jpeg"


def jpeg(image: npt.NDArray[np.uint8], quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
