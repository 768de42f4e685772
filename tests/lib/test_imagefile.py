"""Untrusted image files are judged from their headers and decoded within a memory bound."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from idscan.errors import ImageTooLargeError, UnsupportedImageError
from idscan.lib.imagefile import DecodeBudget, ImagePolicy, decode, probe
from tests.support import hostile_images as hostile
from tests.support.peak_rss import peak_mb

PHOTO = ImagePolicy("photo", ("JPEG", "PNG", "WEBP", "HEIF"), max_pixels=40_000_000, working_side=2560)
FRAME = ImagePolicy("frame", ("JPEG", "WEBP"), max_pixels=2_000_000, working_side=640)
IMPORTS = """
from idscan.lib.imagefile import ImagePolicy, decode, probe
PHOTO = ImagePolicy("photo", ("JPEG", "PNG", "WEBP", "HEIF"), max_pixels=40_000_000, working_side=2560)
"""


@pytest.mark.parametrize(
    ("make", "size"),
    [
        (hostile.png_claiming, (60_000, 60_000)),  # past Pillow's own bomb limit too
        (hostile.png_claiming, (8000, 6000)),  # 48 MP: over our cap, under Pillow's
        (hostile.jpeg_claiming, (9000, 9000)),
        (hostile.webp_claiming, (16_000, 16_000)),
        (hostile.heic_claiming, (9000, 9000)),
    ],
)
def test_too_many_pixels_are_refused_from_the_header(
    make: Callable[[int, int], bytes], size: tuple[int, int]
) -> None:
    # The bodies hold a few pixels: had anything been decoded, the error would be a corrupt file.
    data = make(*size)
    for judge in (probe, decode):
        with pytest.raises(ImageTooLargeError) as caught:
            judge(data, PHOTO)
        assert caught.value.reason == "decompression_bomb"
        assert "40 million" in caught.value.detail


def test_a_frame_over_two_megapixels_is_refused_before_decoding() -> None:
    with pytest.raises(ImageTooLargeError) as caught:
        decode(hostile.jpeg_claiming(1680, 1260), FRAME)  # 2.1 MP
    assert caught.value.reason == "decompression_bomb"
    assert probe(hostile.jpeg_blank(1600, 1250), FRAME).width == 1600  # 2.0 MP is fine


@pytest.mark.parametrize(
    "data",
    [
        hostile.gif_claiming(65_000, 65_000),
        hostile.bmp_claiming(30_000, 30_000),
        hostile.encode(Image.new("RGB", (16, 16)), "TIFF"),
        hostile.encode(Image.new("RGB", (16, 16)), "GIF"),
        b"%PDF-1.4 not an image",
        b"<!doctype html><title>x</title>",
        b"PK\x03\x04" + bytes(40),
    ],
)
def test_formats_off_the_list_are_refused_unread(data: bytes) -> None:
    with pytest.raises(UnsupportedImageError) as caught:
        probe(data, PHOTO)
    assert not isinstance(caught.value, ImageTooLargeError)
    assert caught.value.reason == "unknown_format"
    assert "JPEG, PNG, WebP or HEIC" in caught.value.detail


def test_each_purpose_has_its_own_list() -> None:
    png = hostile.encode(Image.new("RGB", (64, 48)), "PNG")
    assert probe(png, PHOTO).format == "PNG"
    with pytest.raises(UnsupportedImageError, match="JPEG or WebP"):
        probe(png, FRAME)


@pytest.mark.parametrize(
    "data",
    [
        hostile.webp_claiming(16_000, 2400),  # libwebp keeps two RGBA canvases: ~15 bytes a pixel
        hostile.heic_claiming(6400, 6000),  # libheif: ~7 bytes a pixel
        hostile.png_claiming(7720, 5140, channels=4),  # Pillow's RGBA image alone is 160 MB
    ],
)
def test_a_file_that_costs_too_much_to_decode_is_refused_unread(data: bytes) -> None:
    # Under the 40 MP cap, but more than one decode may hold of the process-wide budget.
    with pytest.raises(ImageTooLargeError) as caught:
        decode(data, PHOTO)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize(
    "data",
    [
        hostile.heic_claiming(5712, 4284),  # an iPhone's 24 MP HEIC
        hostile.png_claiming(7720, 5140),  # 39.7 MP of grey
    ],
)
def test_ordinary_large_photos_fit_the_budget(data: bytes) -> None:
    # The bodies are cut short: reaching the decoder shows the budget let the file through.
    with pytest.raises(UnsupportedImageError) as caught:
        decode(data, PHOTO)
    assert caught.value.reason in {"corrupt", "truncated"}


def test_decoding_shrinks_to_the_working_size() -> None:
    photo = decode(hostile.encode(Image.new("RGB", (5000, 3000), (200, 30, 40)), "PNG"), PHOTO)
    assert (photo.width, photo.height) == (2560, 1536)
    assert photo.original_size == (5000, 3000)
    assert photo.pixels[700, 1200].tolist() == [200, 30, 40]
    small = decode(hostile.encode(Image.new("RGB", (640, 480)), "WEBP"), FRAME)
    assert (small.width, small.height) == (640, 480)


def test_a_large_jpeg_is_decoded_at_reduced_scale(tmp_path: Path) -> None:
    data = hostile.jpeg_blank(7720, 5180, mode="RGB")  # 40 MP: Pillow's image alone is 160 MB
    photo = decode(data, PHOTO)
    assert (photo.width, photo.height) == (2560, 1718)
    assert peak_mb(data, IMPORTS, "decode(data, PHOTO)", tmp_path) < 120  # 1/2 scale: 40 MB


def test_a_mostly_empty_png_at_the_cap_costs_its_pixels_once(tmp_path: Path) -> None:
    data = hostile.png_blank(7720, 5140)  # 39.7 MP of grey in 38 KB: the issue's +450 MB
    assert len(data) < 50_000
    assert decode(data, PHOTO).width == 2560
    assert peak_mb(data, IMPORTS, "decode(data, PHOTO)", tmp_path) < 120  # its 40 MB, once


def test_sixteen_bits_are_scaled_without_widening(tmp_path: Path) -> None:
    data = hostile.png_blank(6000, 6000, bits=16)  # 36 MP: 72 MB as decoded, 288 MB as float64
    assert peak_mb(data, IMPORTS, "decode(data, PHOTO)", tmp_path) < 180
    wide = np.zeros((10, 10), np.uint16)
    wide[:, :5] = 65535
    wide[:, 5:] = 32768
    photo = decode(hostile.encode(Image.fromarray(wide), "PNG"), PHOTO)
    assert photo.pixels[0, 0].tolist() == [255, 255, 255]
    assert photo.pixels[0, 9].tolist() == [128, 128, 128]


def test_text_chunks_cannot_fill_memory(tmp_path: Path) -> None:
    data = hostile.png_text_bomb(80)  # 80 MB of text in 3 KB
    with pytest.raises(UnsupportedImageError):
        probe(data, PHOTO)
    assert peak_mb(data, IMPORTS, "probe(data, PHOTO)", tmp_path) < 16


def test_a_decode_larger_than_its_budget_is_refused() -> None:
    data = hostile.encode(Image.new("RGB", (1000, 1000)), "PNG")  # 4 MB decoded
    with pytest.raises(ImageTooLargeError):
        decode(data, PHOTO, budget=DecodeBudget(1_000_000))
    assert decode(data, PHOTO, budget=DecodeBudget(64_000_000)).width == 1000


def test_decodes_wait_for_their_share_of_the_budget() -> None:
    budget = DecodeBudget(100)
    order: list[str] = []
    first_holds, second_started = threading.Event(), threading.Event()

    def second() -> None:
        second_started.set()
        with budget.hold(50):
            order.append("second")

    with budget.hold(80):
        first_holds.set()
        waiter = threading.Thread(target=second)
        waiter.start()
        second_started.wait(5)
        waiter.join(0.2)  # it must still be waiting: 80 + 50 > 100
        order.append("first done")
    waiter.join(5)
    assert order == ["first done", "second"]
    with budget.hold(100):
        pass


def test_junk_between_jpeg_segments_does_not_hide_a_progressive_file() -> None:
    # libjpeg skips junk before a marker; a progressive file keeps all its coefficients (6 bytes a
    # pixel here, 4:4:4) whatever the scale, so the estimate must see every scan.
    plain = hostile.encode(Image.new("RGB", (6000, 6000), (1, 2, 3)), "JPEG", progressive=True, subsampling=0)
    sof = plain.index(b"\xff\xc2")
    junk = plain[:sof] + b"\x00junk\x00" + plain[sof:]
    for data in (plain, junk):
        with pytest.raises(ImageTooLargeError):
            decode(data, PHOTO, budget=DecodeBudget(150_000_000))  # 216 MB of coefficients
