"""Broken frames are gaps in the capture, never a crashed job."""

from __future__ import annotations

from idscan.container import Container
from idscan.lib.clock import utcnow
from idscan.pipeline import liveness
from idscan.pipeline.frames import UploadedFrame, pack_frames
from idscan.vision.liveness_plan import new_challenge


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
