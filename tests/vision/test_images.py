"""Uploaded face photos decoded to the BGR arrays the models take."""

from __future__ import annotations

import io

from PIL import Image

from idscan.vision.images import decode_image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_photo_decodes_to_bgr_pixel_for_pixel() -> None:
    image = Image.new("RGB", (40, 30), (200, 30, 40))
    image.putpixel((5, 7), (1, 2, 3))
    bgr = decode_image(_png(image))
    assert bgr.shape == (30, 40, 3)
    assert bgr.flags.c_contiguous
    assert bgr[0, 0].tolist() == [40, 30, 200]
    assert bgr[7, 5].tolist() == [3, 2, 1]


def test_a_grey_photo_decodes_to_three_equal_channels() -> None:
    bgr = decode_image(_png(Image.new("L", (8, 6), 77)))
    assert bgr.shape == (6, 8, 3)
    assert set(bgr.reshape(-1).tolist()) == {77}
