"""The individual liveness checks. Each returns a margin (0…1, 0.5 exactly at its threshold) and the
reasons it failed; the judge takes the weakest margin as the session's score."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from idscan.vision.face_measures import FaceMeasure
from idscan.vision.liveness_params import LivenessParams
from idscan.vision.liveness_plan import FLASH_COLOURS, ChallengeKind, ChallengePlan
from idscan.vision.liveness_reasons import Reason, ReasonCode
from idscan.vision.liveness_signals import ActionSignals, Baseline, frame_ms, raw_series
from idscan.vision.liveness_track import FrameLike, Observation
from idscan.vision.matching import cosine


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    margin: float
    reasons: tuple[Reason, ...] = ()


MISSED = {
    ChallengeKind.HEAD_LEFT: ReasonCode.HEAD_LEFT_MISSED,
    ChallengeKind.HEAD_RIGHT: ReasonCode.HEAD_RIGHT_MISSED,
    ChallengeKind.BLINK: ReasonCode.BLINK_MISSED,
    ChallengeKind.SMILE: ReasonCode.SMILE_MISSED,
}


def _margin(value: float, threshold: float) -> float:
    """0.5 at the threshold, linear, clipped to 0…1."""
    return float(min(1.0, max(0.0, 0.5 * value / threshold))) if threshold else 1.0


def _fail(name: str, code: ReasonCode, detail: str, margin: float = 0.0) -> CheckResult:
    return CheckResult(name, min(margin, 0.49), (Reason.of(code, detail),))


def check_timing(plan: ChallengePlan, frames: Sequence[FrameLike], params: LivenessParams) -> CheckResult:
    if len(frames) < params.min_frames:
        return _fail("timing", ReasonCode.TOO_FEW_FRAMES, f"{len(frames)} frames")
    ts = np.array([f.timestamp_ms for f in frames], np.float64)
    gaps = np.diff(ts)
    if (gaps <= 0).any():
        return _fail("timing", ReasonCode.TIMING_IRREGULAR, "timestamps not strictly increasing")
    span = ts[-1] - ts[0]
    fps = 1000.0 * (len(ts) - 1) / span
    if fps < params.min_fps or gaps.max() > params.max_gap_ms:
        return _fail("timing", ReasonCode.TIMING_IRREGULAR, f"fps {fps:.1f}, longest gap {gaps.max():.0f} ms")
    if span < plan.duration_ms - params.duration_slack_ms:
        return _fail("timing", ReasonCode.CAPTURE_TOO_SHORT, f"{span:.0f} ms of {plan.duration_ms}")
    same = _repeated_frames(frames, params.frozen_min_still_ms)
    if same > params.frozen_share * (len(frames) - 1):
        return _fail("timing", ReasonCode.FROZEN_VIDEO, f"{same} repeated frames")
    return CheckResult("timing", 1.0)


def _repeated_frames(frames: Sequence[FrameLike], min_still_ms: int) -> int:
    """Consecutive frames that are near-identical, inside stretches where the picture stays the same
    for at least min_still_ms; compares every 8th pixel in one pass, holding two thumbnails. A
    camera slower than the page's sampling repeats single frames, which is no frozen feed. Frames of
    another size than the one before are different frames."""
    same, run, run_start, run_end, previous = 0, 0, 0, 0, None
    for frame in frames:
        small = frame.image[::8, ::8].astype(np.int16)
        if (
            previous is not None
            and small.shape == previous.shape
            and float(np.abs(small - previous).mean()) < 0.5
        ):
            run, run_end = run + 1, frame.timestamp_ms
        else:
            same += run if run_end - run_start >= min_still_ms else 0
            run, run_start, run_end = 0, frame.timestamp_ms, frame.timestamp_ms
        previous = small
    return same + (run if run_end - run_start >= min_still_ms else 0)


def longest_loss_ms(obs: Sequence[Observation]) -> float:
    """The longest stretch without a face, each missing frame standing for one frame interval."""
    step = frame_ms(np.array([o.t_ms for o in obs], np.float64))
    longest, start = 0.0, None
    for o in obs:
        if o.measure is None:
            start = o.t_ms if start is None else start
            longest = max(longest, o.t_ms - start + step)
        else:
            start = None
    return longest


def check_presence(obs: Sequence[Observation], params: LivenessParams) -> CheckResult:
    missing = sum(o.measure is None for o in obs)
    if missing > params.max_missing_share * len(obs):
        return _fail("presence", ReasonCode.NO_FACE, f"no face in {missing} of {len(obs)} frames")
    # A hand passing or the face half out of the frame for a moment is tolerated; a long loss is not
    # (the actions and the face's identity cannot be followed through it).
    lost = longest_loss_ms(obs)
    if lost > params.max_face_loss_ms:
        return _fail("presence", ReasonCode.NO_FACE, f"face lost for {lost / 1000:.1f} s")
    # A second face counts where the sampled frames confirm it (`liveness_track.confirmed_faces`):
    # on two of them, or on one with FaceMesh seeing two faces on several frames. FaceMesh alone
    # can follow a ghost in the background for seconds.
    multi = sum(o.faces > 1 for o in obs)
    confirmed = sum((o.detector_faces or 0) > 1 for o in obs)
    if confirmed >= 2 or (confirmed and multi >= params.multi_face_frames):
        return _fail(
            "presence",
            ReasonCode.MULTIPLE_FACES,
            f"{confirmed} sampled frames and {multi} frames with more than one face",
        )
    return CheckResult("presence", 1.0 - 0.5 * missing / max(1, len(obs)))


def check_continuity(obs: Sequence[Observation], params: LivenessParams) -> CheckResult:
    embedded = [o.embedding for o in obs if o.embedding is not None]
    worst = 1.0
    for e1, e2 in itertools.pairwise(embedded):
        worst = min(worst, cosine(e1, e2))
    # Against the first face too, with a looser bound (turned heads embed less alike), so a slow
    # morph into someone else cannot pass by small steps.
    if embedded:
        ratio = params.continuity_min_similarity / params.continuity_min_to_start
        worst = min(worst, *(cosine(embedded[0], e) * ratio for e in embedded[1:]), 1.0)
    # A cut between two sampled frames still shows as a leap of the face centre.
    for a, b in itertools.pairwise(obs):
        if a.measure is None or b.measure is None:
            continue
        leap = float(
            np.hypot(b.measure.center[0] - a.measure.center[0], b.measure.center[1] - a.measure.center[1])
        )
        if leap > params.max_jump_face_widths * a.measure.face_width:
            return _fail(
                "continuity", ReasonCode.FACE_CHANGED, f"face leapt {leap:.0f} px at frame {b.index}"
            )
    if len(embedded) < 2:
        return _fail("continuity", ReasonCode.NO_FACE, "too few frames with a recognisable face")
    margin = _margin(worst, params.continuity_min_similarity)
    if worst < params.continuity_min_similarity:
        return _fail("continuity", ReasonCode.FACE_CHANGED, f"lowest similarity {worst:.2f}", margin)
    return CheckResult("continuity", margin)


def _in_flash(t: int, plan: ChallengePlan, pad_ms: int = 250) -> bool:
    return any(f.start_ms - 50 <= t <= f.end_ms + pad_ms for f in plan.flashes)


def baseline_of(
    obs: Sequence[Observation], plan: ChallengePlan, params: LivenessParams
) -> Baseline | CheckResult:
    """The person's own neutral face over the first seconds: medians, so a blink, a word or a
    single misread frame there does not move it."""
    first = [o for o in obs if o.t_ms < plan.frontal_until_ms]
    if sum(o.measure is not None for o in first) < params.min_baseline_frames:
        return _fail("baseline", ReasonCode.NO_FACE, "no face during the first seconds")

    def median(value: Callable[[FaceMeasure], float], frames: Sequence[Observation] = first) -> float:
        return float(np.nanmedian(raw_series(frames, value)))

    # The face at rest has its lips together: a person who talks, smirks or laughs during the first
    # second would otherwise give an open jaw as the neutral mouth (every closed-lipped moment
    # after it would read as corners lifted), and an expression moves FaceMesh's nose and eye
    # corners enough to shift the solved yaw by 5 degrees or more. The baseline is taken on the
    # frames whose lips are nearest to closed (the head pose only when there are enough of them:
    # a single frame's pose is too noisy).
    opening = raw_series(first, lambda m: m.mouth_open)
    lips_closed = float(np.nanmin(opening)) + params.baseline_lips_closed_slack
    resting = [o for o, v in zip(first, opening, strict=True) if v <= lips_closed]
    still = resting if len(resting) >= params.min_baseline_frames else first
    base = Baseline(
        yaw=median(lambda m: m.yaw_deg, still),
        pitch=median(lambda m: m.pitch_deg, still),
        parallax=median(lambda m: m.parallax, still),
        eye_openness=median(lambda m: m.eye_openness_max),
        eye_gap=median(lambda m: m.eye_gap),
        mouth_width=median(lambda m: m.mouth_width, resting),
        mouth_drop=median(lambda m: m.mouth_drop, resting),
        mouth_open=median(lambda m: m.mouth_open, resting),
        mouth_lift=median(lambda m: m.mouth_lift, resting),
        corner_lift=(
            median(lambda m: m.corner_lift[0], resting),
            median(lambda m: m.corner_lift[1], resting),
        ),
    )
    if abs(base.yaw) > params.max_baseline_yaw_deg or abs(base.pitch) > params.max_baseline_pitch_deg:
        return _fail("baseline", ReasonCode.NOT_FRONTAL, f"yaw {base.yaw:.0f}°, pitch {base.pitch:.0f}°")
    return base


def check_challenges(
    obs: Sequence[Observation], plan: ChallengePlan, base: Baseline, params: LivenessParams
) -> list[CheckResult]:
    sig = ActionSignals(obs, base, params)
    results: list[CheckResult] = []
    for c in plan.challenges:
        lo, hi = c.start_ms, c.end_ms + params.window_grace_ms
        if c.kind == ChallengeKind.BLINK:
            peak = sig.blink_peak(lo, hi)
        else:
            hold = params.turn_min_ms if c.kind != ChallengeKind.SMILE else params.smile_min_ms
            peak = sig.peak(c.kind, lo, hi, hold)
        name = f"challenge:{c.kind}"
        if peak < 1.0:
            results.append(
                _fail(name, MISSED[c.kind], f"peak {peak:.2f} of the threshold", _margin(peak, 1.0))
            )
        else:
            results.append(CheckResult(name, _margin(peak, 1.0)))
    # Doing everything all the time (or in a recorded order) must not pass: look for strong, held
    # actions where they were not asked for. Blinks are natural anywhere and are not counted.
    quiet: list[tuple[float, float, ChallengeKind | None]] = [(0.0, float(plan.frontal_until_ms), None)]
    quiet += [(float(c.start_ms), float(c.end_ms + params.window_grace_ms), c.kind) for c in plan.challenges]
    for q_lo, q_hi, asked in quiet:
        for kind in (ChallengeKind.HEAD_LEFT, ChallengeKind.HEAD_RIGHT, ChallengeKind.SMILE):
            if kind == asked:
                continue
            hold = params.unexpected_smile_min_ms if kind == ChallengeKind.SMILE else params.unexpected_min_ms
            if sig.peak(kind, q_lo, q_hi, hold) >= params.unexpected_min_strength:
                detail = f"{kind} during {'the baseline' if asked is None else asked}"
                results.append(_fail("order", ReasonCode.UNEXPECTED_ACTION, detail))
                return results
    return results


def _chroma(bgr: tuple[float, float, float]) -> NDArray[np.float64]:
    v = np.array(bgr, np.float64)
    return v / max(float(v.sum()), 1e-6)


def check_flashes(obs: Sequence[Observation], plan: ChallengePlan, params: LivenessParams) -> CheckResult:
    if not plan.flashes:
        return CheckResult("flash", 1.0)
    ref = [
        _chroma(o.measure.skin_bgr)
        for o in obs
        if o.measure and o.t_ms < plan.frontal_until_ms and not _in_flash(o.t_ms, plan)
    ]
    if not ref:
        return _fail("flash", ReasonCode.FLASH_NOT_REFLECTED, "no frame between flashes")
    reference = np.mean(ref, axis=0)
    directions = {
        name: _chroma((bgr[0] + 20.0, bgr[1] + 20.0, bgr[2] + 20.0)) - 1 / 3
        for name, bgr in FLASH_COLOURS.items()
    }
    misses = 0
    worst = 1.0
    for f in plan.flashes:
        lit = [
            _chroma(o.measure.skin_bgr)
            for o in obs
            if o.measure and f.start_ms + params.flash_settle_ms <= o.t_ms <= f.end_ms
        ]
        if not lit:
            misses += 1
            worst = 0.0
            continue
        delta = np.mean(lit, axis=0) - reference
        size = float(np.linalg.norm(delta))
        cosines = {
            name: cosine(delta.astype(np.float32), d.astype(np.float32)) for name, d in directions.items()
        }
        own = cosines[f.colour]
        matched = (
            size >= params.flash_min_shift
            and own >= params.flash_min_cosine
            and own >= max(cosines.values()) - 1e-6
        )
        worst = min(worst, _margin(size, params.flash_min_shift), _margin(own, params.flash_min_cosine))
        misses += not matched
    if misses > params.flash_allowed_misses:
        return _fail(
            "flash", ReasonCode.FLASH_NOT_REFLECTED, f"{misses} of {len(plan.flashes)} flashes unseen", worst
        )
    return CheckResult("flash", max(worst, 0.5))
