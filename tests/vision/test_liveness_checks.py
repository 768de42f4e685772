"""Capture checks on generated frames (no models): a frozen feed is refused, a slow camera is not."""

from __future__ import annotations

import numpy as np

from idscan.vision.liveness_checks import check_timing
from idscan.vision.liveness_params import LivenessParams
from idscan.vision.liveness_reasons import ReasonCode
from idscan.vision.liveness_track import Frame
from tests.vision.conftest import plan_for


def _frames(fps: float, repeat: int, duration_ms: int) -> list[Frame]:
    """Frames at `fps`, each picture shown `repeat` times in a row (a camera slower than the page)."""
    rng = np.random.default_rng(3)
    step = 1000.0 / fps
    pictures = [rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(int(duration_ms / step) + 2)]
    return [Frame(round(i * step), pictures[i // repeat]) for i in range(int(duration_ms / step) + 2)]


def test_a_camera_slower_than_the_page_is_no_frozen_feed() -> None:
    plan = plan_for(1)
    for fps, repeat in ((30.0, 2), (30.0, 3), (10.0, 2)):
        result = check_timing(plan, _frames(fps, repeat, plan.duration_ms), LivenessParams())
        assert result.reasons == (), (fps, repeat, result)


def test_a_picture_that_stops_changing_is_a_frozen_feed() -> None:
    plan = plan_for(1)
    frames = _frames(30.0, 1, plan.duration_ms)
    half = len(frames) // 2
    frozen = frames[:half] + [Frame(f.timestamp_ms, frames[half].image) for f in frames[half:]]
    codes = {r.code for r in check_timing(plan, frozen, LivenessParams()).reasons}
    assert codes == {ReasonCode.FROZEN_VIDEO}
