"""The action rules on measured sequences written by hand: the same performance must give the same
answer at 10 and at 30 frames a second, a blink counts while smiling, an open mouth is no smile, and
a short loss of the face is tolerated where a long one is not. No models: the measures are given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from idscan.vision.face_measures import FaceMeasure
from idscan.vision.liveness_checks import baseline_of, check_challenges, check_presence
from idscan.vision.liveness_params import LivenessParams
from idscan.vision.liveness_plan import Challenge, ChallengeKind, ChallengePlan
from idscan.vision.liveness_reasons import ReasonCode
from idscan.vision.liveness_signals import ActionSignals, Baseline
from idscan.vision.liveness_track import Observation
from tests.vision.conftest import NOW

NEUTRAL = FaceMeasure(
    yaw_deg=1.0,
    pitch_deg=-3.0,
    roll_deg=0.0,
    parallax=0.01,
    eye_openness=0.30,
    eye_openness_min=0.29,
    eye_openness_max=0.31,
    eye_gap=0.60,
    mouth_width=0.60,
    mouth_drop=0.80,
    mouth_open=0.01,
    mouth_lift=0.0,
    corner_lift=(0.0, 0.0),
    center=(320.0, 240.0),
    face_width=200.0,
    skin_bgr=(120.0, 140.0, 180.0),
)
PARAMS = LivenessParams()
Performance = Callable[[int], FaceMeasure | None]  # time in ms -> what the face shows then


def eyes(m: FaceMeasure, share: float, other: float | None = None) -> FaceMeasure:
    """Both eyes at `share` of their neutral opening (or one at `share`, the other at `other`)."""
    a, b = NEUTRAL.eye_openness_max * share, NEUTRAL.eye_openness_max * (share if other is None else other)
    gap = NEUTRAL.eye_gap * max(share, share if other is None else other)  # the more open eye
    return replace(
        m, eye_openness=(a + b) / 2, eye_openness_min=min(a, b), eye_openness_max=max(a, b), eye_gap=gap
    )


def lifted(m: FaceMeasure, left: float, right: float) -> FaceMeasure:
    """The mouth corners raised within the lips by `left` and `right` (img-left, img-right)."""
    return replace(m, mouth_lift=NEUTRAL.mouth_lift + (left + right) / 2, corner_lift=(left, right))


def smiling(m: FaceMeasure, left: float = 0.05, right: float = 0.05) -> FaceMeasure:
    wide = replace(m, mouth_width=NEUTRAL.mouth_width * 1.22, mouth_drop=NEUTRAL.mouth_drop - 0.06)
    return lifted(wide, left, right)


def observe(performance: Performance, fps: float, duration_ms: int = 6000) -> list[Observation]:
    step = 1000.0 / fps
    out = []
    for i in range(int(duration_ms / step) + 1):
        t = round(i * step)
        out.append(Observation(i, t, 1, performance(t), 100.0, None, None))
    return out


def one_challenge(kind: ChallengeKind, start: int = 2000, end: int = 4000) -> ChallengePlan:
    return ChallengePlan("n", NOW, NOW + timedelta(minutes=5), 1000, (), (Challenge(kind, start, end),), 5000)


def passes(performance: Performance, kind: ChallengeKind, fps: float) -> bool:
    obs = observe(performance, fps)
    plan = one_challenge(kind)
    base = baseline_of(obs, plan, PARAMS)
    assert isinstance(base, Baseline)
    results = check_challenges(obs, plan, base, PARAMS)
    return not any(r.reasons for r in results)


def blink_at(t0: int, closed_ms: int = 150, m: FaceMeasure = NEUTRAL) -> Performance:
    return lambda t: eyes(m, 0.15) if t0 <= t < t0 + closed_ms else m


@pytest.mark.parametrize("fps", [10.0, 15.0, 30.0])
def test_the_same_blink_passes_at_every_frame_rate(fps: float) -> None:
    assert passes(blink_at(2950), ChallengeKind.BLINK, fps)
    assert not passes(lambda t: NEUTRAL, ChallengeKind.BLINK, fps)


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_blink_counts_while_smiling_and_talking(fps: float) -> None:
    # A smile narrows the eyes to 80 % and widens the mouth; the mouth opens and closes as he talks.
    def talking(t: int) -> FaceMeasure:
        m = replace(smiling(eyes(NEUTRAL, 0.8)), mouth_open=0.12 if (t // 200) % 2 else 0.02)
        return eyes(m, 0.8 * 0.2) if 3000 <= t < 3150 else m

    assert passes(talking, ChallengeKind.BLINK, fps)


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_winks_squints_and_closed_eyes_are_not_blinks(fps: float) -> None:
    def wink(t: int) -> FaceMeasure:
        return eyes(NEUTRAL, 1.0, 0.1) if 3000 <= t < 3200 else NEUTRAL

    def squint(t: int) -> FaceMeasure:  # narrowed and held, as when smiling broadly
        return eyes(NEUTRAL, 0.6) if t >= 2500 else NEUTRAL

    assert not passes(wink, ChallengeKind.BLINK, fps)
    assert not passes(squint, ChallengeKind.BLINK, fps)
    assert not passes(blink_at(2500, closed_ms=2000), ChallengeKind.BLINK, fps)


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_smile_widens_and_lifts_the_mouth_an_open_mouth_does_not(fps: float) -> None:
    def smile(t: int) -> FaceMeasure:
        return smiling(NEUTRAL) if 2600 <= t < 3800 else NEUTRAL

    def shout(t: int) -> FaceMeasure:  # wide open and wider, the corners pulled down
        wide = replace(NEUTRAL, mouth_width=NEUTRAL.mouth_width * 1.3, mouth_drop=NEUTRAL.mouth_drop + 0.08)
        return replace(wide, mouth_open=0.45) if 2600 <= t < 3800 else NEUTRAL

    def pursed(t: int) -> FaceMeasure:  # lifted corners but a narrower mouth
        return replace(NEUTRAL, mouth_width=0.5, mouth_drop=0.74) if 2600 <= t < 3800 else NEUTRAL

    def spread(t: int) -> FaceMeasure:  # lips spread as in "cheese" said while talking: wider,
        # the corners a little nearer the eyes, but the lip line not turned up
        wide = replace(NEUTRAL, mouth_width=NEUTRAL.mouth_width * 1.22, mouth_drop=NEUTRAL.mouth_drop - 0.06)
        return wide if 2600 <= t < 3800 else NEUTRAL

    assert passes(smile, ChallengeKind.SMILE, fps)
    assert not passes(shout, ChallengeKind.SMILE, fps)
    assert not passes(pursed, ChallengeKind.SMILE, fps)
    assert not passes(spread, ChallengeKind.SMILE, fps)


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_lopsided_smile_counts_unless_the_other_corner_falls(fps: float) -> None:
    def smile(left: float, right: float) -> Performance:
        return lambda t: smiling(NEUTRAL, left, right) if 2600 <= t < 3800 else NEUTRAL

    assert passes(smile(0.055, 0.0), ChallengeKind.SMILE, fps)  # one corner up: the mean is 0.0275
    assert passes(smile(0.0, 0.055), ChallengeKind.SMILE, fps)
    assert not passes(smile(0.055, -0.03), ChallengeKind.SMILE, fps)  # pulled to one side
    assert not passes(smile(0.035, 0.0), ChallengeKind.SMILE, fps)  # one corner, a little


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_talking_in_the_first_second_does_not_make_a_closed_mouth_a_smile(fps: float) -> None:
    # He talks through the baseline second (jaw open, corners low), then closes his lips: against
    # an open-jaw baseline his closed mouth would read as corners lifted and lips widened.
    def talker(t: int) -> FaceMeasure:
        if t < 1000 and (t // 150) % 3:
            talking = replace(
                NEUTRAL,
                mouth_open=0.18,
                mouth_drop=NEUTRAL.mouth_drop + 0.07,
                mouth_width=NEUTRAL.mouth_width * 0.85,
            )
            return lifted(talking, -0.04, -0.04)
        return NEUTRAL

    assert not passes(talker, ChallengeKind.SMILE, fps)
    base = baseline_of(observe(talker, fps), one_challenge(ChallengeKind.SMILE), PARAMS)
    assert isinstance(base, Baseline)
    assert base.mouth_open == pytest.approx(NEUTRAL.mouth_open)


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_turn_must_be_held_in_time_not_in_frames(fps: float) -> None:
    def turn(start: int, length: int) -> Performance:
        turned = replace(NEUTRAL, yaw_deg=NEUTRAL.yaw_deg + 30, parallax=NEUTRAL.parallax + 0.12)
        return lambda t: turned if start <= t < start + length else NEUTRAL

    assert passes(turn(2600, 800), ChallengeKind.HEAD_LEFT, fps)
    assert not passes(turn(2600, 800), ChallengeKind.HEAD_RIGHT, fps)
    assert not passes(turn(2600, 100), ChallengeKind.HEAD_LEFT, fps)  # a one-frame misreading


def test_head_pose_noise_on_a_still_face_does_not_turn_it() -> None:
    # ±6 degrees of frame-to-frame jitter (the real clips' p95 is about 5) and a one-frame outlier.
    def jitter(t: int) -> FaceMeasure:
        wobble = 6.0 if (t // 100) % 2 else -6.0
        wobble = 25.0 if t == 3000 else wobble
        return replace(NEUTRAL, yaw_deg=NEUTRAL.yaw_deg + wobble, parallax=NEUTRAL.parallax + wobble / 250)

    obs = observe(jitter, 10.0)
    base = baseline_of(obs, one_challenge(ChallengeKind.HEAD_LEFT), PARAMS)
    assert isinstance(base, Baseline)
    sig = ActionSignals(obs, base, PARAMS)
    for kind in (ChallengeKind.HEAD_LEFT, ChallengeKind.HEAD_RIGHT):
        assert sig.peak(kind, 0, 6000, PARAMS.turn_min_ms) < 1.0


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_smirk_in_the_first_second_does_not_move_the_head_baseline(fps: float) -> None:
    # An expression moves FaceMesh's nose and eye corners, and so the solved yaw: a smirk through
    # most of the first second reads as +7 degrees, a smirk to the other side later as -4.
    def smirker(t: int) -> FaceMeasure:
        if 200 <= t < 800:
            return replace(
                NEUTRAL, yaw_deg=NEUTRAL.yaw_deg + 7, parallax=NEUTRAL.parallax + 0.04, mouth_open=0.08
            )
        if 2600 <= t < 3400:
            return replace(
                NEUTRAL, yaw_deg=NEUTRAL.yaw_deg - 4, parallax=NEUTRAL.parallax - 0.03, mouth_open=0.08
            )
        return NEUTRAL

    assert not passes(smirker, ChallengeKind.HEAD_RIGHT, fps)
    base = baseline_of(observe(smirker, fps), one_challenge(ChallengeKind.HEAD_RIGHT), PARAMS)
    assert isinstance(base, Baseline)
    assert base.yaw == pytest.approx(NEUTRAL.yaw_deg)


def _presence(performance: Performance, fps: float) -> set[ReasonCode]:
    return {r.code for r in check_presence(observe(performance, fps), PARAMS).reasons}


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_short_loss_is_tolerated_a_long_one_is_not(fps: float) -> None:
    def lost(start: int, length: int) -> Performance:
        return lambda t: None if start <= t < start + length else NEUTRAL

    assert _presence(lost(2000, 500), fps) == set()  # a hand passing
    assert _presence(lost(2000, 1500), fps) == {ReasonCode.NO_FACE}
    reasons = check_presence(observe(lost(2000, 1500), fps), PARAMS).reasons
    assert "lost" in reasons[0].detail


def _with_faces(obs: list[Observation], mesh: range, confirmed: range) -> list[Observation]:
    """The observations with FaceMesh seeing two faces on the frames `mesh`, and the sampled frames
    (one a second, as the tracker samples) among `confirmed` confirming a second face
    (`liveness_track.confirmed_faces`)."""
    out, sampled = [], None
    for o in obs:
        count = None
        if sampled is None or o.t_ms >= sampled + 1000:
            sampled, count = o.t_ms, 2 if o.index in confirmed else 1
        out.append(replace(o, faces=2 if o.index in mesh else 1, detector_faces=count))
    return out


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_second_face_must_be_confirmed_on_the_sampled_frames(fps: float) -> None:
    obs = observe(lambda t: NEUTRAL, fps)
    n = len(obs)
    third = [o.index for o in _with_faces(obs, range(0), range(0)) if o.detector_faces][2]

    def codes(mesh: range, confirmed: range) -> set[ReasonCode]:
        return {r.code for r in check_presence(_with_faces(obs, mesh, confirmed), PARAMS).reasons}

    multiple = {ReasonCode.MULTIPLE_FACES}
    assert codes(range(0), range(0)) == set()
    assert codes(range(n // 2, n), range(0)) == set()  # a FaceMesh ghost for seconds, unconfirmed
    assert codes(range(0), range(third, third + 1)) == set()  # one sampled frame: a flash on a busy wall
    assert codes(range(third, third + PARAMS.multi_face_frames), range(third, third + 1)) == multiple
    assert codes(range(0), range(n)) == multiple  # confirmed on every sampled frame


@pytest.mark.parametrize("fps", [10.0, 30.0])
def test_a_short_loss_inside_a_turn_does_not_hide_it(fps: float) -> None:
    turned = replace(NEUTRAL, yaw_deg=NEUTRAL.yaw_deg + 30, parallax=NEUTRAL.parallax + 0.12)

    def turn_with_a_gap(t: int) -> FaceMeasure | None:
        if 2900 <= t < 3000:
            return None
        return turned if 2600 <= t < 3600 else NEUTRAL

    assert passes(turn_with_a_gap, ChallengeKind.HEAD_LEFT, fps)


def test_the_baseline_takes_a_frontal_start_whatever_happens_in_it() -> None:
    def start(t: int) -> FaceMeasure:  # a blink and a word in the first second
        m = eyes(NEUTRAL, 0.1) if 300 <= t < 400 else NEUTRAL
        return replace(m, mouth_open=0.2) if 600 <= t < 800 else m

    base = baseline_of(observe(start, 30.0), one_challenge(ChallengeKind.BLINK), PARAMS)
    assert isinstance(base, Baseline)
    assert base.eye_openness == pytest.approx(NEUTRAL.eye_openness_max)
    assert base.eye_gap == pytest.approx(NEUTRAL.eye_gap)
    assert base.yaw == pytest.approx(NEUTRAL.yaw_deg)
