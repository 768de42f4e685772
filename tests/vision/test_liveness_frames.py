"""Liveness frames as the page sends them: judged from the header, decoded one at a time, small."""

from __future__ import annotations

import pytest
from PIL import Image

from idscan.errors import ImageTooLargeError, UnsupportedImageError
from idscan.vision.liveness_frames import EncodedFrame, check_frame, decode_frame, readable
from tests.support import hostile_images as hostile


def test_a_frame_over_two_megapixels_is_refused_before_decoding() -> None:
    bomb = hostile.jpeg_claiming(1680, 1260)  # 2.1 MP in the header, 16 x 16 in the body
    for judge in (check_frame, decode_frame):
        with pytest.raises(ImageTooLargeError) as caught:
            judge(bomb)
        assert caught.value.reason == "decompression_bomb"
    check_frame(hostile.jpeg_claiming(1600, 1250))  # 2.0 MP passes the header check


@pytest.mark.parametrize(
    "data",
    [
        hostile.png_blank(640, 480),
        hostile.png_blank(7720, 5140),  # the 39.7 MP frame
        hostile.encode(Image.new("RGB", (64, 48)), "GIF"),
        hostile.heic_claiming(640, 480),
        b"<!doctype html>",
    ],
)
def test_only_jpeg_and_webp_frames_are_taken(data: bytes) -> None:
    with pytest.raises(UnsupportedImageError) as caught:
        check_frame(data)
    assert not isinstance(caught.value, ImageTooLargeError)
    assert "JPEG or WebP" in caught.value.detail


def test_frames_are_decoded_at_the_trackers_size_as_bgr() -> None:
    big = hostile.encode(Image.new("RGB", (1600, 1200), (200, 30, 40)), "JPEG")
    image = decode_frame(big)
    assert image.shape == (480, 640, 3)
    blue, green, red = image[240, 320].tolist()
    assert red > 180 > 60 > max(green, blue)
    webp = hostile.encode(Image.new("RGB", (320, 240), (200, 30, 40)), "WEBP")
    assert decode_frame(webp).shape == (240, 320, 3)


def test_an_encoded_frame_decodes_on_each_access_and_broken_ones_are_dropped() -> None:
    good = hostile.encode(Image.new("RGB", (64, 48), (1, 2, 3)), "JPEG")
    frames = [
        EncodedFrame(0, good),
        EncodedFrame(100, hostile.truncated(good, 0.4)),
        EncodedFrame(200, b"not a jpeg"),
        EncodedFrame(300, good),
    ]
    first = frames[0].image
    assert first is not frames[0].image  # nothing is cached: a session never holds every frame
    assert [f.timestamp_ms for f in readable(frames)] == [0, 300]
