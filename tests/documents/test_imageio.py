from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from idscan.documents.imageio import (
    DOCUMENT_PHOTO,
    QualityThresholds,
    RGBImage,
    assess_quality,
    check_blur,
    check_glare,
    check_size,
    decode_image,
    glare_fraction,
    sharpness,
)
from idscan.errors import UnsupportedImageError
from tests.support import hostile_images as hostile


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _card(width: int = 320, height: int = 200) -> Image.Image:
    """A sharp test card: coloured halves and text-like stripes."""
    pixels = np.full((height, width, 3), 235, np.uint8)
    pixels[:, : width // 2] = (200, 30, 40)
    pixels[::8, :] = 10
    return Image.fromarray(pixels)


def _reason(data: bytes, **limits: int) -> str:
    with pytest.raises(UnsupportedImageError) as caught:
        decode_image(data, replace(DOCUMENT_PHOTO, **limits))
    return caught.value.reason


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_common_formats_decode_to_rgb(fmt: str) -> None:
    decoded = decode_image(_encode(_card(), fmt))
    assert decoded.pixels.dtype == np.uint8
    assert decoded.pixels.shape == (200, 320, 3)
    assert decoded.format == fmt
    left = decoded.pixels[100, 40].astype(int)
    assert left[0] > 150
    assert left[1] < 90


def test_heic_decodes() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    out = io.BytesIO()
    try:
        pillow_heif.from_pillow(_card()).save(out, quality=90)
    except (OSError, RuntimeError, ValueError) as exc:  # wheel built without an HEVC encoder
        pytest.skip(f"no HEIF encoder here: {exc}")
    decoded = decode_image(out.getvalue())
    assert decoded.format == "HEIF"
    assert decoded.pixels.shape == (200, 320, 3)


def test_exif_orientation_is_applied() -> None:
    image = _card()
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 CW to view
    decoded = decode_image(_encode(image, "JPEG", exif=exif.tobytes()))
    assert decoded.exif_orientation == 6
    assert decoded.pixels.shape == (320, 200, 3)


def test_cmyk_is_converted() -> None:
    cmyk = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # pure red in CMYK
    decoded = decode_image(_encode(cmyk, "JPEG"))
    assert decoded.source_mode == "CMYK"
    red, green, blue = decoded.pixels[32, 32].astype(int)
    assert red > 200
    assert max(green, blue) < 60


def test_sixteen_bit_greyscale_is_scaled_not_clipped() -> None:
    wide = np.zeros((10, 10), np.uint16)
    wide[:, :5] = 65535
    wide[:, 5:] = 32768
    decoded = decode_image(_encode(Image.fromarray(wide), "PNG"))
    assert decoded.pixels[0, 0].tolist() == [255, 255, 255]
    assert decoded.pixels[0, 9].tolist() == [128, 128, 128]


def test_alpha_and_palette_are_flattened_on_white() -> None:
    rgba = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    assert decode_image(_encode(rgba, "PNG")).pixels[5, 5].tolist() == [255, 255, 255]
    palette = Image.new("P", (20, 20), 0)
    palette.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    palette.info["transparency"] = 0
    assert decode_image(_encode(palette, "PNG", transparency=0)).pixels[5, 5].tolist() == [255, 255, 255]
    opaque = Image.new("P", (20, 20), 1)
    opaque.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    assert decode_image(_encode(opaque, "PNG")).pixels[5, 5].tolist() == [0, 0, 255]


def test_animated_files_give_their_first_frame() -> None:
    first, second = Image.new("RGB", (16, 16), (255, 0, 0)), Image.new("RGB", (16, 16), (0, 0, 255))
    for fmt in ("PNG", "WEBP"):
        data = _encode(first, fmt, save_all=True, append_images=[second], duration=100, lossless=True)
        decoded = decode_image(data)
        assert decoded.frames == 2, fmt
        assert decoded.pixels[8, 8].tolist() == [255, 0, 0], fmt


def test_hostile_files_raise_typed_errors(tmp_path: Path) -> None:
    jpeg = _encode(_card(640, 480), "JPEG")
    png = _encode(_card(640, 480), "PNG")
    (tmp_path / "photo.jpg").write_bytes(b"#!/bin/sh\necho not an image\n")
    assert _reason(b"") == "empty"
    assert _reason((tmp_path / "photo.jpg").read_bytes()) == "unknown_format"
    assert _reason(_encode(_card(), "GIF")) == "unknown_format"  # a real image, but not one we take
    assert _reason(_encode(_card(), "BMP")) == "unknown_format"
    # Scans as TIFF are not taken: no phone or browser sends one, and libtiff decodes only in full.
    assert _reason(_encode(_card(), "TIFF")) == "unknown_format"
    assert _reason(hostile.tiff_blank16(6000, 6000)) == "unknown_format"  # the issue's +930 MB
    assert _reason(jpeg[: len(jpeg) // 2]) in {"truncated", "corrupt"}
    assert _reason(png[: len(png) // 2]) in {"truncated", "corrupt"}
    assert _reason(jpeg[:20]) in {"truncated", "corrupt", "unknown_format"}


def test_decompression_bombs_rejected_before_decoding() -> None:
    assert _reason(hostile.png_claiming(8000, 6000)) == "decompression_bomb"  # 48 MP > 40 MP default
    assert _reason(hostile.png_claiming(60000, 60000)) == "decompression_bomb"  # past Pillow's limit
    assert _reason(hostile.jpeg_claiming(9000, 9000)) == "decompression_bomb"
    assert _reason(hostile.heic_claiming(9000, 9000)) == "decompression_bomb"
    assert _reason(hostile.webp_claiming(16000, 16000)) == "decompression_bomb"
    assert _reason(_encode(_card(), "PNG"), max_pixels=10_000) == "decompression_bomb"
    assert _reason(hostile.png_claiming(30000, 10)) == "too_large"


def test_photos_are_decoded_at_the_readers_working_size() -> None:
    # Twice the flattened document's width: a document filling half the photo keeps every pixel
    # the reader will use; a 40 MP photo is decoded at reduced scale instead of 160 MB.
    decoded = decode_image(hostile.jpeg_blank(7720, 5180))
    assert (decoded.width, decoded.height) == (2560, 1718)
    assert decoded.original_size == (7720, 5180)
    small = decode_image(_encode(_card(), "PNG"))
    assert (small.width, small.height) == (320, 200)


def _scene(background: int = 200, seed: int = 1) -> RGBImage:
    rng = np.random.default_rng(seed)
    scene = np.full((600, 900, 3), background, np.uint8)
    for _ in range(300):
        x, y = int(rng.integers(0, 860)), int(rng.integers(0, 580))
        cv2.putText(scene, "MRZ<<", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 20), 1)
    return scene


def _highlight(scene: RGBImage, sigma: float) -> RGBImage:
    """A specular highlight: a bright Gaussian spot added to the photo, clipping at its core."""
    yy, xx = np.mgrid[0 : scene.shape[0], 0 : scene.shape[1]]
    spot = 408.0 * np.exp(-((xx - 450) ** 2 + (yy - 300) ** 2) / (2 * sigma**2))
    return np.asarray(np.clip(scene.astype(np.float64) + spot[:, :, None], 0, 255), dtype=np.uint8)


def test_blur_measure_separates_sharp_from_blurred() -> None:
    sharp = _scene()
    blurred = np.asarray(cv2.GaussianBlur(sharp, (0, 0), 4), dtype=np.uint8)
    assert sharpness(sharp) > 100 * sharpness(blurred)
    assert check_blur(sharp) is None
    issue = check_blur(blurred)
    assert issue is not None
    assert issue.code == "image_too_blurry"
    # Small images are not enlarged before measuring: a sharp small scan stays sharp.
    half = np.asarray(cv2.resize(sharp, (450, 300), interpolation=cv2.INTER_AREA), dtype=np.uint8)
    assert check_blur(half) is None
    big = np.asarray(cv2.resize(sharp, (1800, 1200), interpolation=cv2.INTER_CUBIC), dtype=np.uint8)
    assert check_blur(big) is None


def test_glare_is_a_highlight_not_white_paper() -> None:
    scene = _scene()
    assert glare_fraction(scene) == 0.0
    speckled = scene.copy()
    speckled[::10, ::10] = 255  # scattered white pixels are not glare
    assert check_glare(speckled) is None
    assert check_glare(_highlight(scene, 30)) is None  # a small highlight is tolerated
    issue = check_glare(_highlight(scene, 90))
    assert issue is not None
    assert issue.code == "image_glare"
    assert 0.1 < issue.value < 0.3
    # A white document full of print, alone or on a dark desk, is not glare.
    white = _scene(background=255)
    assert glare_fraction(white) == 0.0
    desk = np.full_like(white, 40)
    desk[100:500, 150:750] = white[100:500, 150:750]
    assert glare_fraction(desk) == 0.0


def test_size_check_and_assessment_order() -> None:
    small = np.full((120, 400, 3), 128, np.uint8)
    issue = check_size(small)
    assert issue is not None
    assert issue.code == "image_too_small"
    assert [i.code for i in assess_quality(small)] == ["image_too_small"]
    assert assess_quality(_scene()) == ()
    flat = np.full((600, 900, 3), 128, np.uint8)
    assert [i.code for i in assess_quality(flat)] == ["image_too_blurry"]
    strict = QualityThresholds(min_short_side=1000)
    assert [i.code for i in assess_quality(_scene(), strict)] == ["image_too_small"]


def test_real_fixtures_pass_the_default_quality_checks() -> None:
    from .mrz.fixtures import fixtures_dir, ground_truth

    checked = 0
    for item in ground_truth()["mrz"]:
        data = (fixtures_dir() / item["file"]).read_bytes()
        if data[:2] == b"BM":
            # Bitmaps (a document reader's raw output) are not an upload format we accept.
            with pytest.raises(UnsupportedImageError):
                decode_image(data)
            continue
        decoded = decode_image(data)
        assert assess_quality(decoded.pixels) == (), item["file"]
        checked += 1
    assert checked >= 80
