"""The liveness judge on generated sequences: genuine ones pass, every attack kind is rejected.

What this proves: the decision logic (baseline, windows, order, continuity, flashes, timing) works on
sequences whose geometry FaceMesh reads like a real turn, blink and smile. What it does not prove:
robustness on real webcams, real lighting and real attackers (masks, deepfakes, screen replays that
re-light the face); those need recorded sessions.
"""

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from idscan.vision.detection import detect_faces
from idscan.vision.images import limit_size
from idscan.vision.liveness import Frame, LivenessParams, judge
from idscan.vision.liveness_reasons import HINTS, ReasonCode
from idscan.vision.liveness_track import TrackParams, track
from idscan.vision.sessions import VisionModels
from tests.vision.conftest import LIVE_STILLS, NOW, plan_for
from tests.vision.synth import sequences

MISSED = {
    ReasonCode.HEAD_LEFT_MISSED,
    ReasonCode.HEAD_RIGHT_MISSED,
    ReasonCode.BLINK_MISSED,
    ReasonCode.SMILE_MISSED,
}


@pytest.mark.parametrize("still", LIVE_STILLS)
def test_genuine_sequences_pass(still: str, rig_of: Any, models: VisionModels) -> None:
    rig = rig_of(still)
    plan = plan_for(7)
    frames = sequences.genuine(rig, plan, random.Random(7))
    verdict = judge(plan, frames, models, now=NOW)
    assert verdict.passed, verdict.reasons
    assert verdict.score >= 0.5
    assert verdict.reasons == ()
    assert not verdict.passive_checked
    best = verdict.best_frame_index
    assert best is not None
    t = frames[best].timestamp_ms
    assert not any(f.start_ms <= t <= f.end_ms + 200 for f in plan.flashes)  # no colour cast on the selfie
    face = detect_faces(frames[best].image, models.detector())[0]
    assert face.quality.acceptable, face.quality
    assert abs(face.quality.yaw_deg) < 12, face.quality


ATTACK_REASONS: dict[str, set[ReasonCode]] = {
    "static_photo": MISSED,
    "moved_photo": MISSED,
    "wrong_order": MISSED | {ReasonCode.UNEXPECTED_ACTION},
    "no_flash": {ReasonCode.FLASH_NOT_REFLECTED},
}


@pytest.mark.parametrize("kind", sorted(sequences.ATTACKS))
def test_single_person_attacks_are_rejected(kind: str, rig_of: Any, models: VisionModels) -> None:
    plan = plan_for(11)
    frames = sequences.ATTACKS[kind](rig_of(LIVE_STILLS[0]), plan, random.Random(11), 10.0)
    verdict = judge(plan, frames, models, now=NOW)
    assert not verdict.passed
    assert verdict.score < 0.5
    codes = {r.code for r in verdict.reasons}
    assert codes & ATTACK_REASONS[kind], codes


def test_another_person_spliced_in_is_rejected(rig_of: Any, models: VisionModels) -> None:
    plan = plan_for(12)
    frames = sequences.spliced(rig_of(LIVE_STILLS[0]), rig_of(LIVE_STILLS[1]), plan, random.Random(12))
    verdict = judge(plan, frames, models, now=NOW)
    assert not verdict.passed
    assert ReasonCode.FACE_CHANGED in {r.code for r in verdict.reasons}


def test_someone_beside_the_person_is_refused(rig_of: Any, load: Any, models: VisionModels) -> None:
    plan = plan_for(15)
    genuine = sequences.genuine(rig_of(LIVE_STILLS[0]), plan, random.Random(15))
    frames = sequences.with_bystander(genuine, load(LIVE_STILLS[1]))
    verdict = judge(plan, frames, models, now=NOW)
    assert not verdict.passed
    assert ReasonCode.MULTIPLE_FACES in {r.code for r in verdict.reasons}


# A painted lake behind the person: under some colour flashes YuNet finds a weak face in it (score
# 0.72-0.76), and FaceMesh can follow a ghost there for seconds. Neither alone is a second person.
PAINTING_BEHIND = "faces/facerec__biden__biden2.jpg"


def test_a_face_like_background_does_not_fail_a_genuine_person(rig_of: Any, models: VisionModels) -> None:
    params = TrackParams()
    haunted = 0
    for seed in (6, 22, 30):  # sessions where the painting drew a ghost (on the machine that found it)
        plan = plan_for(seed)
        frames = sequences.genuine(rig_of(PAINTING_BEHIND), plan, random.Random(seed))
        ghosts = sum(o.faces > 1 for o in track(frames, models, params))
        weak = sum(
            len(detect_faces(limit_size(f.image, params.detect_side)[0], models.detector(), params.detect))
            > 1
            for f in frames[::5]
        )
        haunted += ghosts >= LivenessParams().multi_face_frames or weak >= 2
        verdict = judge(plan, frames, models, now=NOW)
        assert verdict.passed, (seed, verdict.reasons)
    if not haunted:
        # the ghosts hang on scores near the detectors' floors, which another CPU may compute a
        # hair apart; the rule itself is covered by test_liveness_track and test_liveness_signals
        pytest.skip("the painting drew no ghost face on this CPU: nothing was tested")


def test_a_replayed_session_fails_a_new_plan(rig_of: Any, models: VisionModels) -> None:
    old, new = plan_for(13), plan_for(14)
    frames = sequences.replayed(rig_of(LIVE_STILLS[0]), old, random.Random(13))
    assert not judge(new, frames, models, now=NOW).passed


def _blank_frames(n: int, step: int = 100, start: int = 0) -> list[Frame]:
    rng = np.random.default_rng(0)
    return [Frame(start + i * step, rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)) for i in range(n)]


def _codes(frames: list[Frame], models: VisionModels, **kw: Any) -> set[ReasonCode]:
    plan = plan_for(1)
    verdict = judge(plan, frames, models, now=kw.pop("now", NOW), **kw)
    assert not verdict.passed
    return {r.code for r in verdict.reasons}


def test_timing_and_capture_checks(models: VisionModels) -> None:
    plan = plan_for(1)
    n = plan.duration_ms // 100 + 2
    assert _codes(_blank_frames(10), models) == {ReasonCode.TOO_FEW_FRAMES}
    assert _codes(_blank_frames(40), models) == {ReasonCode.CAPTURE_TOO_SHORT}
    shuffled = _blank_frames(n)
    shuffled[5], shuffled[6] = shuffled[6], shuffled[5]
    assert _codes(shuffled, models) == {ReasonCode.TIMING_IRREGULAR}
    holes = [f for i, f in enumerate(_blank_frames(n)) if i % 8]
    holes = holes[:20] + [replace(f, timestamp_ms=f.timestamp_ms + 900) for f in holes[20:]]
    assert _codes(holes, models) == {ReasonCode.TIMING_IRREGULAR}
    frozen = [Frame(f.timestamp_ms, _blank_frames(1)[0].image) for f in _blank_frames(n)]
    assert _codes(frozen, models) == {ReasonCode.FROZEN_VIDEO}
    assert _codes(_blank_frames(n), models, now=plan.expires_at + timedelta(seconds=1)) == {
        ReasonCode.PLAN_EXPIRED
    }


def test_no_face_at_all(models: VisionModels) -> None:
    plan = plan_for(1)
    codes = _codes(_blank_frames(plan.duration_ms // 100 + 2, start=123_456), models)
    assert ReasonCode.NO_FACE in codes


class _StubPassive:
    """Stands in for a future passive model, only to exercise the slot."""

    name = "stub"

    def __init__(self, probability: float) -> None:
        self.probability = probability
        self.calls = 0

    def spoof_probability(self, face_images: Any) -> float:
        self.calls += 1
        assert len(face_images) >= 1
        return self.probability


def test_passive_check_slot(rig_of: Any, models: VisionModels) -> None:
    plan = plan_for(7)
    frames = sequences.genuine(rig_of(LIVE_STILLS[0]), plan, random.Random(7))
    spoofy, clean = _StubPassive(0.9), _StubPassive(0.1)
    rejected = judge(plan, frames, models, now=NOW, passive=spoofy)
    accepted = judge(plan, frames, models, now=NOW, passive=clean)
    assert rejected.passive_checked
    assert spoofy.calls == 1
    assert [r.code for r in rejected.reasons] == [ReasonCode.PASSIVE_SPOOF]
    assert accepted.passed
    assert accepted.passive_checked


def test_every_reason_has_a_plain_hint() -> None:
    assert set(HINTS) == set(ReasonCode)
    assert all(hint.endswith(".") and len(hint) < 120 for hint in HINTS.values())


def test_stricter_parameters_are_honoured(rig_of: Any, models: VisionModels) -> None:
    plan = plan_for(7)
    frames = sequences.genuine(rig_of(LIVE_STILLS[0]), plan, random.Random(7))
    strict: Callable[..., LivenessParams] = LivenessParams
    verdict = judge(plan, frames, models, strict(turn_min_yaw_deg=60.0), now=NOW)
    assert not verdict.passed
    assert {r.code for r in verdict.reasons} & {ReasonCode.HEAD_LEFT_MISSED, ReasonCode.HEAD_RIGHT_MISSED}
