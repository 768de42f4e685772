"""Broken frames are gaps in the capture, never a crashed job; a session is decoded a frame at a time."""

from __future__ import annotations

import tracemalloc
from datetime import timedelta

import cv2
import numpy as np
from PIL import Image

from idscan.container import Container
from idscan.lib.clock import utcnow
from idscan.pipeline import liveness
from idscan.pipeline.frames import UploadedFrame, pack_frames, unpack_frames
from idscan.pipeline.liveness import SessionInput
from idscan.vision.liveness_plan import ChallengePlan, new_challenge
from tests.support import hostile_images as hostile


def test_undecodable_frames_give_a_verdict_not_an_error(container: Container) -> None:
    key = "transactions/t/liveness/s/frames.zip"
    container.blobs.put(
        key, pack_frames([UploadedFrame(0, b"not a jpeg"), UploadedFrame(100, b"\xff\xd8 cut")])
    )
    now = utcnow()
    inp = liveness.SessionInput("s", "t", new_challenge(None, now), key, now)
    verdict = liveness.analyse(container, inp)
    assert verdict.passed is False
    assert verdict.reasons == ["no_frames"]
    assert verdict.selfie is None


def _session(container: Container, count: int, size: tuple[int, int], step_ms: int = 100) -> SessionInput:
    """Frames that pass the timing checks (steady, not frozen) and show no face, as JPEGs of `size`."""
    rng = np.random.default_rng(5)
    frames = []
    for i in range(count):
        smooth = cv2.resize(
            rng.integers(0, 255, (9, 12, 3), dtype=np.uint8), size, interpolation=cv2.INTER_CUBIC
        )
        frames.append(UploadedFrame(i * step_ms, hostile.encode(Image.fromarray(smooth), "JPEG", quality=80)))
    key = f"transactions/t/liveness/s{count}/frames.zip"
    container.blobs.put(key, pack_frames(frames))
    now = utcnow()
    plan = ChallengePlan("n", now, now + timedelta(minutes=5), 0, (), (), (count - 1) * step_ms)
    return liveness.SessionInput("s", "t", plan, key, now)


def test_a_session_is_judged_one_decoded_frame_at_a_time(container: Container) -> None:
    # 1 MP frames: all 40 decoded at once would hold 120 MB; the judge needs two at a time.
    inp = _session(container, 40, (1152, 864))
    warm = liveness.analyse(container, inp)  # loads the models, which are not the point here
    assert set(warm.reasons) == {"no_face"}
    tracemalloc.start()
    try:
        verdict = liveness.analyse(container, inp)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert set(verdict.reasons) == {"no_face"}
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_frames_of_changing_size_are_judged_not_crashed(container: Container) -> None:
    inp = _session(container, 34, (640, 480))
    frames = unpack_frames(container.blobs.get(inp.frames_key))
    frames[10] = UploadedFrame(frames[10].timestamp_ms, hostile.encode(Image.new("RGB", (320, 200)), "JPEG"))
    container.blobs.put(inp.frames_key, pack_frames(frames))
    assert set(liveness.analyse(container, inp).reasons) == {"no_face"}
