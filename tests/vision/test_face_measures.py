from typing import Any

import numpy as np
import pytest

from idscan.vision.face_measures import measure
from idscan.vision.sessions import VisionModels
from tests.vision.conftest import LIVE_STILLS


def _measure(image: Any, models: VisionModels) -> Any:
    with models.tracker() as tracker:
        faces = tracker.landmarks(image)
    assert len(faces) == 1
    return measure(image, faces[0])


@pytest.mark.parametrize("yaw", [-25.0, 25.0])
def test_head_pose_follows_a_rendered_turn_and_its_mirror(
    yaw: float, rig_of: Any, models: VisionModels
) -> None:
    rig = rig_of(LIVE_STILLS[0])
    base = _measure(rig.image, models)
    turned = rig.render(yaw_deg=yaw)
    m = _measure(turned, models)
    mirrored = _measure(np.ascontiguousarray(turned[:, ::-1]), models)
    # Positive yaw = the subject's own left; measured within 8 degrees of the rendered angle.
    assert m.yaw_deg - base.yaw_deg == pytest.approx(yaw, abs=8)
    assert np.sign(m.parallax - base.parallax) == np.sign(yaw)
    assert mirrored.yaw_deg == pytest.approx(-m.yaw_deg, abs=4)  # mirror test


def test_blink_and_smile_move_their_ratios(rig_of: Any, models: VisionModels) -> None:
    rig = rig_of(LIVE_STILLS[0])
    base = _measure(rig.image, models)
    closed = _measure(rig.render(blink=1.0), models)
    smiling = _measure(rig.render(smile=1.0), models)
    assert closed.eye_openness < 0.72 * base.eye_openness
    assert smiling.mouth_width > 1.1 * base.mouth_width
    assert abs(smiling.yaw_deg - base.yaw_deg) < 5
    assert abs(closed.yaw_deg - base.yaw_deg) < 5
