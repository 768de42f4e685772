"""Active liveness: judge the frames of one session against the plan the server issued.

    plan = new_challenge(None, now)              # liveness_plan.py; store it, send plan.to_client()
    ...                                          # the page records frames on the plan's schedule
    verdict = judge(plan, frames, models, now=now)   # after marking plan.nonce used (single use)

Everything is measured here, on the server: landmarks, head pose, eye and mouth ratios, skin colour,
identity embeddings. A passive anti-spoofing model can join through `PassiveSpoofCheck`; none ships
today, so `LivenessVerdict.passive_checked` is False and nothing pretends otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from idscan.vision.liveness_checks import (
    CheckResult,
    baseline_of,
    check_challenges,
    check_continuity,
    check_flashes,
    check_presence,
    check_timing,
)
from idscan.vision.liveness_params import LivenessParams
from idscan.vision.liveness_plan import ChallengePlan
from idscan.vision.liveness_reasons import Reason, ReasonCode
from idscan.vision.liveness_signals import Baseline
from idscan.vision.liveness_track import Frame, FrameLike, Observation, track
from idscan.vision.sessions import VisionModels

__all__ = [
    "Frame",
    "FrameLike",
    "LivenessParams",
    "LivenessVerdict",
    "PassiveSpoofCheck",
    "judge",
    "judge_observed",
]


class PassiveSpoofCheck(Protocol):
    """A single-image presentation-attack model (print, screen, mask). None is shipped yet."""

    name: str

    def spoof_probability(self, face_images: Sequence[NDArray[np.uint8]]) -> float:
        """Probability (0…1) that the face shown is an attack; given a few frontal frames."""
        ...


@dataclass(frozen=True, slots=True)
class LivenessVerdict:
    score: float  # 0…1; the weakest check's margin, 0.5 at its threshold
    passed: bool
    threshold: float  # on the score scale: 0.5
    reasons: tuple[Reason, ...]  # empty when passed
    best_frame_index: int | None  # the frontal, sharp frame to keep as the selfie
    checks: tuple[CheckResult, ...]  # every check with its margin, for audits
    passive_checked: bool  # False: no passive model ran
    frames: int


def _best_frame(obs: Sequence[Observation], plan: ChallengePlan, base: Baseline | None) -> int | None:
    """Sharpest frame that looks straight at the camera with open eyes and no colour cast."""
    flashes = [(f.start_ms - 50, f.end_ms + 250) for f in plan.flashes]
    candidates = []
    for o in obs:
        m = o.measure
        if m is None or any(lo <= o.t_ms <= hi for lo, hi in flashes):
            continue
        yaw_off = abs(m.yaw_deg - (base.yaw if base else 0.0))
        eyes_open = base is None or m.eye_openness_max >= 0.85 * base.eye_openness
        neutral = base is None or m.mouth_width <= 1.05 * base.mouth_width
        penalty = yaw_off + abs(m.pitch_deg - (base.pitch if base else 0.0))
        good = yaw_off < 8 and eyes_open and neutral
        candidates.append((good, -penalty if not good else o.sharpness - 10 * penalty, o.index))
    if not candidates:
        return None
    return max(candidates)[2]


def judge(
    plan: ChallengePlan,
    frames: Sequence[FrameLike],
    models: VisionModels,
    params: LivenessParams | None = None,
    *,
    now: datetime,
    passive: PassiveSpoofCheck | None = None,
) -> LivenessVerdict:
    """Decide one session. Synchronous and CPU-bound: run it off the event loop. The frames are
    read in a few passes, one at a time, so they may be `EncodedFrame`s decoded on access."""
    params = params or LivenessParams()
    early = _capture_checks(plan, frames, params, now)
    if early is not None:
        return early
    obs = track(frames, models, params.track)
    return _decide(plan, frames, obs, params, passive)


def _capture_checks(
    plan: ChallengePlan, frames: Sequence[FrameLike], params: LivenessParams, now: datetime
) -> LivenessVerdict | None:
    """The verdict when the plan or the capture itself is unusable, else None."""
    if now > plan.expires_at:
        checks = [CheckResult("plan", 0.0, (Reason.of(ReasonCode.PLAN_EXPIRED),))]
        return _verdict(checks, None, False, len(frames))
    timing = check_timing(plan, frames, params)
    if timing.reasons:  # nothing else is meaningful on a broken or truncated capture
        return _verdict([timing], None, False, len(frames))
    return None


def judge_observed(
    plan: ChallengePlan,
    frames: Sequence[FrameLike],
    obs: Sequence[Observation],
    params: LivenessParams | None = None,
    *,
    now: datetime,
    passive: PassiveSpoofCheck | None = None,
) -> LivenessVerdict:
    """`judge` on frames already tracked (`track(frames, ...)`): several plans judged on one capture
    (the benchmark) measure it once."""
    params = params or LivenessParams()
    early = _capture_checks(plan, frames, params, now)
    return early or _decide(plan, frames, obs, params, passive)


def _decide(
    plan: ChallengePlan,
    frames: Sequence[FrameLike],
    obs: Sequence[Observation],
    params: LivenessParams,
    passive: PassiveSpoofCheck | None,
) -> LivenessVerdict:
    checks: list[CheckResult] = [CheckResult("timing", 1.0)]
    checks += [check_presence(obs, params), check_continuity(obs, params)]
    base = baseline_of(obs, plan, params)
    if isinstance(base, CheckResult):
        checks.append(base)
        return _verdict(checks, _best_frame(obs, plan, None), False, len(frames))
    checks += check_challenges(obs, plan, base, params)
    checks.append(check_flashes(obs, plan, params))
    best = _best_frame(obs, plan, base)
    passive_checked = False
    if passive is not None and best is not None:
        probability = passive.spoof_probability([frames[best].image])
        passive_checked = True
        limit = params.passive_max_spoof_probability
        margin = float(min(1.0, max(0.0, 0.5 * (1 - probability) / (1 - limit))))
        if probability > limit:
            reason = Reason.of(ReasonCode.PASSIVE_SPOOF, f"{passive.name}: {probability:.2f}")
            checks.append(CheckResult(f"passive:{passive.name}", min(margin, 0.49), (reason,)))
        else:
            checks.append(CheckResult(f"passive:{passive.name}", margin))
    return _verdict(checks, best, passive_checked, len(frames))


def _verdict(
    checks: list[CheckResult], best: int | None, passive_checked: bool, frames: int
) -> LivenessVerdict:
    reasons = tuple(r for c in checks for r in c.reasons)
    score = min((c.margin for c in checks), default=0.0)
    passed = not reasons
    if not passed:
        score = min(score, 0.49)
    return LivenessVerdict(score, passed, 0.5, reasons, best, tuple(checks), passive_checked, frames)
