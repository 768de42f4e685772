"""The frames of a liveness capture as the page sends them, and how the server reads them.

The page sends JPEG frames of at most 640 px (`hosted/static/liveness.js`); we take JPEG and WebP
of at most 2 MP, judged from the header at submit time and again before decoding in the worker (a
stored frame is still untrusted). Frames stay encoded: `EncodedFrame.image` decodes on each access,
straight to the tracker's working size, so judging a session of 240 frames holds one or two decoded
frames (< 1 MB each), never all of them (220 MB at 640 x 480, 1.4 GB at 2 MP).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from idscan.errors import UnsupportedImageError
from idscan.lib.imagefile import ImagePolicy, decode, probe
from idscan.vision.images import swap_red_blue
from idscan.vision.liveness_track import TrackParams

LIVENESS_FRAME = ImagePolicy(
    "liveness frame", ("JPEG", "WEBP"), max_pixels=2_000_000, working_side=TrackParams().max_side
)


def check_frame(data: bytes) -> None:
    """Refuse a frame from its header alone (format, pixel count). Raises UnsupportedImageError."""
    probe(data, LIVENESS_FRAME)


def decode_frame(data: bytes) -> NDArray[np.uint8]:
    """A frame as a BGR array of at most the tracker's size. Raises UnsupportedImageError."""
    return swap_red_blue(decode(data, LIVENESS_FRAME).pixels)


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """A frame kept as sent; `image` decodes it on every access (nothing is cached on purpose)."""

    timestamp_ms: int
    data: bytes

    @property
    def image(self) -> NDArray[np.uint8]:
        return decode_frame(self.data)


def readable(frames: Iterable[EncodedFrame]) -> list[EncodedFrame]:
    """The frames that decode, in order (each decoded once and dropped). A broken or refused frame
    is a gap in the capture, which the timing checks judge."""
    kept = []
    for frame in frames:
        try:
            decode_frame(frame.data)
        except UnsupportedImageError:
            continue
        kept.append(frame)
    return kept
